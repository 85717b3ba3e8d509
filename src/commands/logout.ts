/**
 * `aws-sso-util logout`: ends SSO sessions as `aws sso logout` does. Every cached token file
 * selected (a JSON object with an `accessToken` key in `~/.aws/sso/cache`: the AWS CLI's sweeper
 * rule) gets a best-effort SSO `Logout` call and is deleted, and so are the SSO role credentials
 * cached from it in `~/.aws/cli/cache` (`"ProviderType": "sso"`). Client registrations, lock files
 * and anything else in those directories stay.
 *
 * Without a selection everything is logged out (all token files, all SSO role credentials). For
 * one instance a credential file cannot tell which token it came from, so the files deleted are
 * those of the profiles in the config file that use the instance (their `sso_account_id` /
 * `sso_role_name` give the cache key, as `credential-process --profile` and the AWS CLI compute it).
 */
import type { Command } from "../ui/commander.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { readJsonObject } from "../cache/atomic_file.ts";
import { type AwsConfigDocument, profileNames } from "../config/aws_config_file.ts";
import { tokenCacheKey } from "../cache/cache_keys.ts";
import { credentialFilePath } from "../cache/credential_cache.ts";
import { DebugLog, redact } from "../debug_log.ts";
import { profileEndpointConfig, resolveEndpoint } from "../config/endpoints.ts";
import { resolveClientSettings } from "../config/client_settings.ts";
import { ConfigError, FileSystemError } from "../errors.ts";
import { safeEcho, shownPath } from "../ui/safe_text.ts";
import { configInstances, type FoundInstance, resolveInstance } from "../config/instance.ts";
import { type Env, joinPath } from "../config/paths.ts";
import type { Runtime } from "../runtime.ts";
import {
  isHttpsUrl,
  isRegion,
  loadConfigFile,
  resolveCredentialProcessSettings,
} from "../config/settings.ts";
import { logout as logoutApi } from "../sso/sso_api.ts";

/** What to log out of; nothing set → everything. */
export interface LogoutSelection {
  profile?: string;
  startUrl?: string;
  ssoRegion?: string;
}

/** The AWS CLI's rule for a token file: a JSON object with an `accessToken` key. */
export function isTokenJson(json: Record<string, unknown> | undefined): boolean {
  return json !== undefined && "accessToken" in json;
}

/** The AWS CLI's rule for cached SSO role credentials: `"ProviderType": "sso"`. */
export function isSsoCredentialJson(json: Record<string, unknown> | undefined): boolean {
  return json?.ProviderType === "sso";
}

/** One token file that was logged out. */
export interface LoggedOutToken {
  path: string;
  startUrl?: string;
  region?: string;
  /** Why Logout failed (the file is deleted anyway); undefined when it succeeded or was skipped. */
  logoutError?: string;
  logoutCalled: boolean;
}

/** What `logout` did. */
export interface LogoutResult {
  tokens: LoggedOutToken[];
  credentialFiles: string[];
  /** The instance selected; undefined for "all". */
  instance?: FoundInstance;
}

/** The instance a selection names, or undefined for "all". */
function selectedInstance(
  selection: LogoutSelection,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): FoundInstance | undefined {
  if (selection.profile !== undefined && selection.startUrl !== undefined) {
    throw new ConfigError("Give either --profile or a start URL, not both.");
  }
  if (selection.profile === undefined && selection.startUrl === undefined) return undefined;
  try {
    return resolveInstance(selection, env, config, configPath);
  } catch (error) {
    // A start URL nobody configured still names its legacy token file; its region is in the file.
    const url = selection.startUrl;
    if (
      error instanceof ConfigError && url !== undefined && selection.ssoRegion === undefined &&
      isHttpsUrl(url)
    ) {
      return { startUrl: url, ssoRegion: "", source: "argument" };
    }
    throw error;
  }
}

/**
 * Token cache keys of the selection: for `--profile`, its session's (or its start URL's); for a
 * start URL, the URL's own key plus every configured sso-session with that URL (and region).
 */
export async function selectedTokenKeys(
  instance: FoundInstance,
  byProfile: boolean,
  config: AwsConfigDocument | undefined,
): Promise<Set<string>> {
  const keys = new Set([await tokenCacheKey(instance)]);
  if (byProfile) return keys;
  keys.add(await tokenCacheKey({ startUrl: instance.startUrl }));
  for (const other of configInstances(config)) {
    if (
      other.sessionName !== undefined && other.startUrl === instance.startUrl &&
      (instance.ssoRegion === "" || other.ssoRegion === instance.ssoRegion)
    ) {
      keys.add(await tokenCacheKey(other));
    }
  }
  return keys;
}

/**
 * Role-credential cache files of the configured profiles whose token key is one of `keys`:
 * each profile resolved as `credential-process --profile NAME` resolves it (without env vars);
 * profiles lacking an account id or role name have no such file and are skipped.
 */
export async function profileCredentialFiles(
  config: AwsConfigDocument | undefined,
  configPath: string,
  cliCacheDir: string,
  keys: ReadonlySet<string>,
): Promise<string[]> {
  if (!config) return [];
  const files = new Set<string>();
  for (const name of profileNames(config)) {
    let settings;
    try {
      settings = resolveCredentialProcessSettings(
        { profile: name },
        () => undefined,
        config,
        configPath,
      );
    } catch {
      continue;
    }
    if (keys.has(await tokenCacheKey(settings))) {
      files.add(await credentialFilePath(cliCacheDir, settings));
    }
  }
  return [...files];
}

/** Paths of the regular files of a directory (none if it does not exist). */
async function filesIn(dir: string): Promise<string[]> {
  const paths: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile) paths.push(joinPath(dir, entry.name));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return paths.sort();
}

async function remove(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new FileSystemError(
      `Cannot delete ${shownPath(path)}: ${safeEcho((error as Error).message.split("\n")[0])}.`,
    );
  }
}

/**
 * Logs out of the selection; see the module comment. All Logout calls together are abandoned
 * after `rt.limits.logoutMs` (the files are deleted whatever happens).
 */
export async function logout(
  selection: LogoutSelection,
  rt: Runtime,
  log: DebugLog,
): Promise<LogoutResult> {
  const paths = rt.paths();
  const all = selection.profile === undefined && selection.startUrl === undefined;
  // Logging out of everything needs no config file (so a broken one cannot block it).
  const config = all ? undefined : await loadConfigFile(paths.configFile);
  const instance = selectedInstance(selection, rt.env, config, paths.configFile);
  const endpointConfig = profileEndpointConfig(config, selection.profile);
  // A bad setting is one sentence (exit 2) before anything is deleted or sent.
  resolveClientSettings(rt.env, endpointConfig.profile, endpointConfig.profileName);

  let tokenPaths: string[];
  let credentialCandidates: string[];
  if (instance) {
    log.log(`logout of ${instance.startUrl} ${instance.ssoRegion} (${instance.source})`);
    const keys = await selectedTokenKeys(instance, selection.profile !== undefined, config);
    tokenPaths = [...keys].map((k) => joinPath(paths.ssoCacheDir, `${k}.json`));
    credentialCandidates = await profileCredentialFiles(
      config,
      paths.configFile,
      paths.cliCacheDir,
      keys,
    );
  } else {
    log.log("logout of every cached SSO session");
    tokenPaths = await filesIn(paths.ssoCacheDir);
    credentialCandidates = await filesIn(paths.cliCacheDir);
  }

  const tokens: { path: string; json: Record<string, unknown> }[] = [];
  for (const path of tokenPaths) {
    const json = await readJsonObject(path);
    if (json && isTokenJson(json)) tokens.push({ path, json });
  }

  const deadline = rt.now() + rt.limits.logoutMs;
  const results = await Promise.all(tokens.map(async ({ path, json }) => {
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    const region = str(json.region) ?? (instance?.ssoRegion || undefined);
    const accessToken = str(json.accessToken);
    const result: LoggedOutToken = {
      path,
      startUrl: str(json.startUrl) ?? instance?.startUrl,
      region,
      logoutCalled: false,
    };
    if (!region || !isRegion(region) || !accessToken) {
      log.log(`${path}: no usable region or access token; not calling Logout`);
      return result;
    }
    const endpoint = resolveEndpoint("sso", region, rt.env, endpointConfig);
    log.log(`Logout of ${redact(accessToken)} via ${endpoint.url} (${endpoint.source})`);
    result.logoutCalled = true;
    try {
      await logoutApi(
        { rt, endpoint, deadline, log },
        accessToken,
      );
    } catch (error) {
      result.logoutError = (error as Error).message;
      log.log(`Logout failed (ignored): ${result.logoutError}`);
    }
    return result;
  }));

  const deletedTokens: LoggedOutToken[] = [];
  for (const result of results) {
    if (await remove(result.path)) {
      log.log(`deleted token file ${result.path}`);
      deletedTokens.push(result);
    }
  }
  const credentialFiles: string[] = [];
  for (const path of credentialCandidates) {
    if (isSsoCredentialJson(await readJsonObject(path)) && await remove(path)) {
      log.log(`deleted cached role credentials ${path}`);
      credentialFiles.push(path);
    }
  }
  return { tokens: deletedTokens, credentialFiles, instance };
}

/** The one-line summary printed on stderr. */
export function logoutSummary(result: LogoutResult): string {
  const creds = result.credentialFiles.length;
  const credText = `${creds} cached role credential file${creds === 1 ? "" : "s"}`;
  if (result.tokens.length === 0) {
    return creds === 0
      ? "No cached SSO login found."
      : `No cached SSO login found; removed ${credText}.`;
  }
  const names = [
    ...new Set(result.tokens.map((t) => t.startUrl ?? t.path.replace(/^.*[\\/]/, ""))),
  ];
  return `Logged out of ${names.join(", ")}${creds > 0 ? `; removed ${credText}` : ""}.`;
}

/** Parsed options of the command. */
export interface LogoutOptions {
  profile?: string;
  verbose?: boolean;
}

/** Runs the command: logout, the summary on stderr, debug lines on stderr with --verbose. */
export async function runLogout(
  startUrl: string | undefined,
  ssoRegion: string | undefined,
  options: LogoutOptions,
  rt: Runtime,
): Promise<void> {
  const log = new DebugLog(Boolean(options.verbose));
  let result: LogoutResult;
  try {
    result = await logout({ profile: options.profile, startUrl, ssoRegion }, rt, log);
  } finally {
    for (const line of log.lines) await rt.stderr.write(`${line}\n`);
  }
  await rt.stderr.write(`${logoutSummary(result)}\n`);
}

/** Registers `logout` on the program. */
export function register(program: Command, rt: Runtime): void {
  const command = program.command("logout")
    .argument("[START_URL]", "log out of this instance only (a URL, or a substring/regex of one)")
    .argument("[SSO_REGION]", "its SSO region")
    .summary("log out of SSO sessions and delete their cached tokens and credentials")
    .description(
      "Log out of SSO sessions: call Logout for each cached token, delete the token files and " +
        "the SSO role credentials cached from them. Without arguments: every session.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util logout                  # every session",
        "aws-sso-util logout --profile dev",
      ]),
    )
    .option("--profile <NAME>", "log out of this profile's sso-session or start URL only")
    .option("-v, --verbose", "print debug lines (e.g. Logout failures) on stderr (alias --debug)");
  addAlias(command, "--verbose", "--debug");
  command.action(async (startUrl: string | undefined, ssoRegion: string | undefined, options) => {
    await runLogout(startUrl, ssoRegion, options as LogoutOptions, rt);
  });
}

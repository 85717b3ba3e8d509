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
import { exitCodes } from "../ui/exit_codes.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { readJsonObject, tempFilesOf, tempTarget } from "../base/atomic_file.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { type AwsConfigDocument, profileNames } from "../config/aws_config_file.ts";
import { tokenCacheKey } from "../cache/cache_keys.ts";
import { credentialFilePath } from "../cache/credential_cache.ts";
import { chainCacheFilesOfLogins, chainSsoSource } from "../cache/profile_chain.ts";
import { DebugLog, redact } from "../base/debug_log.ts";
import {
  type EndpointConfig,
  profileEndpointConfig,
  resolveEndpoint,
} from "../config/endpoints.ts";
import { resolveClientSettings } from "../config/client_settings.ts";
import { ConfigError, FAILURE_CODES, FileSystemError } from "../base/errors.ts";
import { shownPath } from "../base/safe_text.ts";
import { configInstances, type FoundInstance, resolveInstance } from "../config/instance.ts";
import { type Env, joinPath } from "../base/paths.ts";
import type { Runtime } from "../base/runtime.ts";
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

/** An AssumeRole result as botocore caches it (`AssumedRoleUser` beside `Credentials`). */
function isAssumedRoleJson(json: Record<string, unknown> | undefined): boolean {
  return typeof json?.Credentials === "object" && typeof json?.AssumedRoleUser === "object";
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
  /** The assumed-role cache files of role profiles whose chain starts from a login logged out. */
  assumedRoleFiles?: string[];
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

/**
 * The cache files of a directory, a killed writer's temp file counted as its target's, and a
 * held lock (`<key>.lock`) as its `<key>.json` (a first fetch in flight may be about to write it).
 */
async function cacheFilesIn(dir: string): Promise<string[]> {
  const files = (await filesIn(dir)).map((path) =>
    path.endsWith(".lock") ? `${path.slice(0, -".lock".length)}.json` : tempTarget(path)
  );
  return [...new Set(files)];
}

/** True while a lock file of `target` exists: a refresh or fetch holds it (POSIX removes it after). */
async function lockHeld(target: string): Promise<boolean> {
  try {
    await Deno.lstat(lockPathFor(target));
    return true;
  } catch {
    return false;
  }
}

async function remove(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new FileSystemError(`Cannot delete ${shownPath(path)}: ${fileFailureReason(error)}.`);
  }
}

/** A cache file as logout sees it: its JSON and that of the temp files a killed writer left. */
interface CacheVersions {
  target: string;
  /** The target and its temp files with their JSON (undefined: missing or not JSON). */
  files: { path: string; json: Record<string, unknown> | undefined }[];
}

async function versionsOf(target: string): Promise<CacheVersions> {
  const paths = [target, ...await tempFilesOf(target)];
  return {
    target,
    files: await Promise.all(
      paths.map(async (path) => ({ path, json: await readJsonObject(path) })),
    ),
  };
}

/** True when the file or a temp file of it holds what `kind` matches. */
function holds(
  versions: CacheVersions,
  kind: (json: Record<string, unknown> | undefined) => boolean,
) {
  return versions.files.some((f) => kind(f.json));
}

/**
 * Deletes the versions of a cache file that `kind` matches, and its temp files that hold
 * nothing readable (a killed writer's partial file) when the file itself goes. Returns whether a
 * matching version was deleted.
 */
async function removeVersions(
  versions: CacheVersions,
  kind: (json: Record<string, unknown> | undefined) => boolean,
  log: DebugLog,
): Promise<boolean> {
  if (!holds(versions, kind)) return false;
  let deleted = false;
  for (const { path, json } of versions.files) {
    if (!kind(json) && (json !== undefined || path === versions.target)) continue;
    if (await remove(path)) {
      log.log(`deleted ${path}`);
      deleted ||= kind(json);
    }
  }
  return deleted;
}

/**
 * Runs `fn` under the lock that refreshes (token files) or fetches (role credentials) of the file
 * hold, so that one in flight finishes first and cannot write the file back after logout. A holder
 * that keeps it past `limits.logoutLockWaitMs` (stopped) is not waited for further: a refresh
 * that finds its token file gone stores nothing (`sso/token_provider.ts`).
 */
function underLock<T>(target: string, rt: Runtime, fn: () => Promise<T>): Promise<T> {
  return withFileLock(lockPathFor(target), rt.limits.logoutLockWaitMs, fn);
}

/**
 * Logs out of the selection; see the module comment. Each token file is handled under its token
 * lock: its current version and any newer one a killed refresh left in a temp file get a Logout
 * call (abandoned after `rt.limits.logoutMs`; the files are deleted whatever happens) and are
 * deleted. Then the role credentials, each under its credential lock.
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
  // A profile that assumes a role: the login its chain starts from.
  const chained = selection.profile !== undefined && selection.startUrl === undefined
    ? await chainSsoSource(rt, selection.profile, config)
    : undefined;
  const instance = chained?.instance ??
    selectedInstance(selection, rt.env, config, paths.configFile);
  const endpointConfig = profileEndpointConfig(config, selection.profile);
  // A bad setting is one sentence (exit 2) before anything is deleted or sent.
  resolveClientSettings(rt.env, endpointConfig.profile, endpointConfig.profileName);

  let tokenPaths: string[];
  let credentialCandidates: string[];
  let assumedCandidates: string[];
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
    assumedCandidates = await chainCacheFilesOfLogins(rt, config, keys);
  } else {
    log.log("logout of every cached SSO session");
    tokenPaths = await cacheFilesIn(paths.ssoCacheDir);
    credentialCandidates = await cacheFilesIn(paths.cliCacheDir);
    // Roles assumed from an SSO login: the config names them (a broken one hides none of the rest).
    let anyConfig: AwsConfigDocument | undefined;
    try {
      anyConfig = await loadConfigFile(paths.configFile);
    } catch (error) {
      log.log(`config file not read for role chains: ${(error as Error).message}`);
    }
    assumedCandidates = await chainCacheFilesOfLogins(rt, anyConfig, undefined);
  }

  const tokenResults = await Promise.all(tokenPaths.map(async (path) => {
    // Only files that hold a token are locked (the directory has registrations, logs, locks).
    if (!holds(await versionsOf(path), isTokenJson)) return undefined;
    return await underLock(path, rt, async () => {
      const versions = await versionsOf(path);
      const tokens = versions.files.flatMap((f) => isTokenJson(f.json) ? [f.json!] : []);
      if (tokens.length === 0) return undefined;
      const deadline = rt.now() + rt.limits.logoutMs;
      const calls = await Promise.all(
        [...new Map(tokens.map((t) => [t.accessToken, t])).values()].map((json) =>
          logoutOne(path, json, instance, endpointConfig, deadline, rt, log)
        ),
      );
      if (!await removeVersions(versions, isTokenJson, log)) return undefined;
      // The file's own version (or the newest other) names the session.
      return calls.find((c) => c.logoutCalled) ?? calls[0];
    });
  }));

  const [credentialFiles, assumedRoleFiles] = await Promise.all([
    removeCached(credentialCandidates, isSsoCredentialJson, "role credentials", rt, log),
    removeCached(assumedCandidates, isAssumedRoleJson, "assumed-role credentials", rt, log),
  ]);
  const tokens = tokenResults.filter((t): t is LoggedOutToken => t !== undefined);
  return { tokens, credentialFiles, assumedRoleFiles, instance };
}

/**
 * Deletes the cache files among `candidates` that hold `kind` of JSON, each under its lock after
 * any fetch in flight; returns the paths deleted.
 */
async function removeCached(
  candidates: readonly string[],
  kind: (json: Record<string, unknown> | undefined) => boolean,
  what: string,
  rt: Runtime,
  log: DebugLog,
): Promise<string[]> {
  const removed = await Promise.all(candidates.map(async (path) => {
    // A fetch in flight holds the lock before the file exists: wait for it too. The lock is
    // looked at first: a fetch that writes the file and lets go between the two looks is then
    // seen by the second (the other order would miss it).
    if (!await lockHeld(path) && !holds(await versionsOf(path), kind)) return undefined;
    return await underLock(path, rt, async () => {
      const deleted = await removeVersions(await versionsOf(path), kind, log);
      if (deleted) log.log(`deleted cached ${what} ${path}`);
      return deleted ? path : undefined;
    });
  }));
  return removed.filter((p): p is string => p !== undefined);
}

/** The Logout call for one cached token (its failure is logged and ignored). */
async function logoutOne(
  path: string,
  json: Record<string, unknown>,
  instance: FoundInstance | undefined,
  endpointConfig: EndpointConfig,
  deadline: number,
  rt: Runtime,
  log: DebugLog,
): Promise<LoggedOutToken> {
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
}

/** The one-line summary printed on stderr. */
export function logoutSummary(result: LogoutResult): string {
  const count = (n: number, what: string) => n > 0 ? [`${n} ${what}${n === 1 ? "" : "s"}`] : [];
  const removed = [
    ...count(result.credentialFiles.length, "cached role credential file"),
    ...count(result.assumedRoleFiles?.length ?? 0, "cached assumed-role credential file"),
  ].join(" and ");
  if (result.tokens.length === 0) {
    return removed === ""
      ? "No cached SSO login found."
      : `No cached SSO login found; removed ${removed}.`;
  }
  const names = [
    ...new Set(result.tokens.map((t) => t.startUrl ?? t.path.replace(/^.*[\\/]/, ""))),
  ];
  return `Logged out of ${names.join(", ")}${removed === "" ? "" : `; removed ${removed}`}.`;
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
  const command = exitCodes(program.command("logout"), FAILURE_CODES.logout)
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

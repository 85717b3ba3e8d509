/**
 * `aws-sso-util status [--profile NAME] [--json]`: every cached SSO login, whether it is valid,
 * can be refreshed silently or needs a new login, the role credentials cached from it and the
 * profiles that use it. Offline: it reads `~/.aws/config` and the caches, and never calls AWS.
 *
 * With `--profile`, only that profile's login, judged as `credential-process --profile NAME`
 * would resolve it; exit 1 when a new login is required (`status --profile dev || login`).
 */
import type { Command } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import type { Runtime } from "../base/runtime.ts";
import { tokenCacheKey } from "../cache/cache_keys.ts";
import {
  areCredentialsReusable,
  credentialFilePath,
  readCachedCredentials,
} from "../cache/credential_cache.ts";
import {
  type CachedLogin,
  type ConfiguredKeys,
  configuredKeys,
  scanLogins,
} from "../cache/login_inventory.ts";
import {
  cachedChainCredentials,
  type ConfiguredChain,
  configuredChains,
  profileChain,
} from "../cache/profile_chain.ts";
import { chainSummary } from "../config/role_chain.ts";
import { FAILURE_CODES, LoginRequiredError } from "../base/errors.ts";
import { profileNames } from "../config/aws_config_file.ts";
import { credentialProcessShadowing } from "../config/credential_process_shadowing.ts";
import { findingLine } from "../base/check_finding.ts";
import { examplesText } from "../ui/help_text.ts";
import {
  type CredentialProcessSettings,
  loadConfigFile,
  resolveCredentialProcessSettings,
  shownUrl,
} from "../config/settings.ts";
import { usableWithoutLogin } from "../cache/login_state.ts";
import {
  type ChainStatus,
  chainStatusText,
  localTime,
  statusJson,
  statusText,
} from "../ui/status_report.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import { relativeTime } from "../base/timestamps.ts";

/** The flags of `status`. */
export interface StatusOptions {
  profile?: string;
  json?: boolean;
}

/** Runs `status`; throws LoginRequiredError (exit 1) when `--profile`'s login must be renewed. */
export async function runStatus(options: StatusOptions, rt: Runtime): Promise<void> {
  const paths = rt.paths();
  const config = await loadConfigFile(paths.configFile);
  const keys = configuredKeys(config);
  const now = rt.now();
  // The credential_process lines that SDKs never run, as `check` names them.
  const warnings = credentialProcessShadowing(
    config,
    options.profile === undefined ? (config ? profileNames(config) : []) : [options.profile],
  ).filter((f) => f.level === "warning").map((f) => f.text);
  const warningLines = warnings.map((w) => findingLine({ level: "warning", text: w }) + "\n");
  const write = async (logins: CachedLogin[], chains: ChainStatus[], text: string) => {
    if (options.json) await rt.stdout.write(statusJson(logins, warnings, chains));
    else {
      const gap = text !== "" && chains.length > 0 ? "\n" : "";
      await rt.stdout.write(text + gap + chainStatusText(chains, now) + warningLines.join(""));
    }
  };
  if (options.profile === undefined) {
    const logins = scanLogins({ ...paths, keys, now });
    const chains = await Promise.all(
      (await configuredChains(rt, config)).map((c) => chainStatus(c, paths.cliCacheDir, now)),
    );
    await write(
      logins,
      chains,
      logins.length === 0
        ? `No cached SSO logins in ${shownPath(paths.ssoCacheDir)}.\n`
        : statusText(logins, now),
    );
    return;
  }

  const profile = options.profile;
  const chain = await profileChain(rt, profile, config);
  const chains = chain ? [await chainStatus({ profile, chain }, paths.cliCacheDir, now)] : [];
  if (chain?.source.kind === "static") {
    await write([], chains, "");
    return; // its keys need no login
  }
  // Exactly what credential-process resolves (env overrides included): its token and role.
  const settings = chain?.source.kind === "sso"
    ? chain.source.settings
    : resolveCredentialProcessSettings({ profile }, rt.env, config, paths.configFile);
  const sso = await ssoStatus(settings, keys, now, rt);
  await write(sso.logins, chains, sso.text);
  if (sso.usable || chains[0]?.reusable) return;
  throw new LoginRequiredError(
    `Profile ${safeEcho(profile)} needs a new login: run \`aws-sso-util login --profile ${
      safeEcho(profile)
    }\` (or \`aws sso login --profile ${safeEcho(settings.profileName ?? profile)}\`).`,
  );
}

/**
 * The login `settings` use and their cached role credentials, as the text report shows them, and
 * whether `credential-process` can get credentials without a new login.
 */
async function ssoStatus(
  settings: CredentialProcessSettings,
  keys: ConfiguredKeys,
  now: number,
  rt: Runtime,
): Promise<{ logins: CachedLogin[]; text: string; usable: boolean }> {
  const paths = rt.paths();
  const tokenKey = await tokenCacheKey(settings);
  const logins = scanLogins({ ...paths, keys, now, onlyTokenKeys: new Set([tokenKey]) });
  const login = logins[0];
  const credentialsPath = await credentialFilePath(paths.cliCacheDir, settings);
  const credentials = await readCachedCredentials(credentialsPath);
  const reusable = credentials !== undefined && areCredentialsReusable(credentials, now);
  const listed = login?.credentials.some((c) =>
    c.accountId === settings.accountId && c.roleName === settings.roleName
  );
  if (login && credentials && !listed) {
    // The role came from AWS_SSO_* overrides, which no profile in the file names.
    login.credentials.push({
      accountId: settings.accountId,
      roleName: settings.roleName,
      expiration: credentials.expiration,
      reusable,
    });
  }
  const usable = (login !== undefined && usableWithoutLogin(login.state)) || reusable;
  if (login) return { logins, text: statusText(logins, now), usable };
  const what = settings.sessionName === undefined
    ? `start URL ${shownUrl(settings.startUrl)}`
    : `sso-session ${safeEcho(settings.sessionName)}`;
  const cached = credentials === undefined
    ? ""
    : `; cached role credentials for ${safeEcho(settings.accountId)} ${
      safeEcho(settings.roleName)
    } ${credentials.expiration > now ? "expire" : "expired"} ${
      localTime(credentials.expiration)
    } (${relativeTime(credentials.expiration, now)})`;
  return { logins, text: `No cached SSO login for ${what}${cached}.\n`, usable };
}

/** A role profile's line of the report: its chain and its cached credentials (offline). */
async function chainStatus(
  configured: ConfiguredChain,
  cliCacheDir: string,
  now: number,
): Promise<ChainStatus> {
  const { profile, chain, problem } = configured;
  if (!chain) return { profile, problem };
  const cached = await cachedChainCredentials(chain, cliCacheDir);
  return {
    profile,
    roleArn: chain.hops[chain.hops.length - 1].roleArn,
    summary: chainSummary(chain),
    source: { kind: chain.source.kind, profile: chain.source.profile },
    expiration: cached?.credentials.expiration,
    reusable: cached !== undefined && areCredentialsReusable(cached.credentials, now),
  };
}

/**
 * The options of a plain `status` command line (`--json`, `--profile NAME` or `--profile=NAME`,
 * each at most once), which `main.ts` runs without loading the CLI framework; undefined for
 * anything else (help, a mistake), which the full CLI handles.
 */
export function plainStatusOptions(argv: readonly string[]): StatusOptions | undefined {
  const options: StatusOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json" && !options.json) {
      options.json = true;
      continue;
    }
    let value: string | undefined;
    if (arg.startsWith("--profile=")) value = arg.slice("--profile=".length);
    else if (arg === "--profile") value = argv[++i];
    // A missing, empty or dash-led value, a repeated flag or anything else: the CLI decides.
    if (value === undefined || !/^[^-]/.test(value) || options.profile !== undefined) {
      return undefined;
    }
    options.profile = value;
  }
  return options;
}

/** Registers `status` on the program. */
export function register(program: Command, rt: Runtime): void {
  exitCodes(program.command("status"), FAILURE_CODES.status)
    .summary("show cached SSO logins and role credentials (offline)")
    .description(
      "Show every cached SSO login: valid, refreshable without a new login, or expired; until " +
        "when it can be refreshed; the role credentials cached from it and the profiles that " +
        "use it. Reads only local files. With --profile, exits 1 when that profile needs a new login.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util status",
        "aws-sso-util status --profile dev || aws-sso-util login --profile dev",
        "aws-sso-util status --json",
      ]),
    )
    .option("--profile <NAME>", "only this profile's login; exit 1 when it needs a new login")
    .option("--json", "print JSON (ISO-8601 UTC timestamps) instead of text")
    .action(async (options: StatusOptions) => {
      await runStatus(options, rt);
    });
}

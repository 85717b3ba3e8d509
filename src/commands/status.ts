/**
 * `aws-sso-util status [--profile NAME] [--json]`: every cached SSO login, whether it is valid,
 * can be refreshed silently or needs a new login, the role credentials cached from it and the
 * profiles that use it. Offline: it reads `~/.aws/config` and the caches, and never calls AWS.
 *
 * With `--profile`, only that profile's login, judged as `credential-process --profile NAME`
 * would resolve it; exit 1 when a new login is required (`status --profile dev || login`).
 */
import type { Command } from "../ui/commander.ts";
import type { Runtime } from "../base/runtime.ts";
import { tokenCacheKey } from "../cache/cache_keys.ts";
import {
  areCredentialsReusable,
  credentialFilePath,
  readCachedCredentials,
} from "../cache/credential_cache.ts";
import { configuredKeys, scanLogins } from "../cache/login_inventory.ts";
import { LoginRequiredError } from "../base/errors.ts";
import { profileNames } from "../config/aws_config_file.ts";
import { credentialProcessShadowing } from "../config/credential_process_shadowing.ts";
import { findingLine } from "../base/check_finding.ts";
import { examplesText } from "../ui/help_text.ts";
import { loadConfigFile, resolveCredentialProcessSettings, shownUrl } from "../config/settings.ts";
import { usableWithoutLogin } from "../cache/login_state.ts";
import { localTime, statusJson, statusText } from "../ui/status_report.ts";
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
  if (options.profile === undefined) {
    const logins = scanLogins({ ...paths, keys, now });
    if (options.json) await rt.stdout.write(statusJson(logins, warnings));
    else if (logins.length === 0) {
      await rt.stdout.write(
        `No cached SSO logins in ${shownPath(paths.ssoCacheDir)}.\n${warningLines.join("")}`,
      );
    } else await rt.stdout.write(statusText(logins, now) + warningLines.join(""));
    return;
  }

  const profile = options.profile;
  // Exactly what credential-process resolves (env overrides included): its token and role.
  const settings = resolveCredentialProcessSettings({ profile }, rt.env, config, paths.configFile);
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
  if (options.json) await rt.stdout.write(statusJson(logins, warnings));
  else if (login) await rt.stdout.write(statusText(logins, now) + warningLines.join(""));
  else {
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
    await rt.stdout.write(`No cached SSO login for ${what}${cached}.\n${warningLines.join("")}`);
  }
  if ((login && usableWithoutLogin(login.state)) || reusable) return;
  throw new LoginRequiredError(
    `Profile ${safeEcho(profile)} needs a new login: run \`aws-sso-util login --profile ${
      safeEcho(profile)
    }\` (or \`aws sso login --profile ${safeEcho(profile)}\`).`,
  );
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
  program.command("status")
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

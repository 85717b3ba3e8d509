/**
 * `aws-sso-util check`: is an SSO instance configured, is its cached token usable (refreshing it
 * when it can be), and are an account and role available — with the original tool's exit codes
 * (`sso/access_check.ts`) — plus the set-up diagnostics it reports alongside (profiles, caches,
 * config file, `AWS_PROFILE`), which never change the exit code. One line per finding on stdout.
 */
import { type Command, Option } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { CONFIGURE_DEFAULT_ENV } from "../config/configure_defaults.ts";
import { type AwsConfigDocument, profileNames } from "../config/aws_config_file.ts";
import { credentialsFilePath } from "../cache/credentials_file.ts";
import { credentialsFileProfiles } from "../cache/credentials_file_profiles.ts";
import { profileDiagnostics } from "../config/profile_diagnostics.ts";
import { loadConfigFile } from "../config/settings.ts";
import { cacheExposure } from "../cache/cache_exposure.ts";
import { formatAwsTimestamp, relativeTime } from "../base/timestamps.ts";
import { DebugLog } from "../base/debug_log.ts";
import { ConfigError, FAILURE_CODES } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import {
  type AccessCheckInput,
  type AccessCheckRequest,
  checkAccess,
  checkedProfile,
} from "../sso/access_check.ts";
import { profileChain } from "../cache/profile_chain.ts";
import { chainSummary, type RoleChain } from "../config/role_chain.ts";
import { chainCredentials, chainRole } from "./chain_credentials.ts";
import { type Finding, findingLine } from "../base/check_finding.ts";
import { versionLine } from "../base/version.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";

/** Parsed options (commander's names). */
export interface CheckOptions {
  ssoStartUrl?: string;
  ssoRegion?: string;
  accountId?: string;
  roleName?: string;
  checkProfile?: string;
  /** Whose default-instance variables to use: `default` and `login` (the same here) or `configure`. */
  command?: string;
  instanceDetails?: boolean;
  skipTokenCheck?: boolean;
  forceRefresh?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** The values of `--command`: whose default-instance environment variables apply. */
const CHECK_COMMANDS = ["default", "configure", "login"];

/**
 * An account is an id (up to 12 digits) or an AWS account name (1 to 50 printable ASCII
 * characters); a role is a permission set name (1 to 32 of letters, digits and `_+=,.@-`).
 */
const ACCOUNT = /^(\d{1,12}|[\x20-\x7e]{1,50})$/;
const ROLE = /^[\w+=,.@-]{1,32}$/;

/** The usage errors (exit 2) of a combination of flags, and of values no account or role has. */
function checkUsage(options: CheckOptions): void {
  if (options.accountId !== undefined && !ACCOUNT.test(options.accountId)) {
    throw new ConfigError(
      `-a/--account-id ${
        safeEcho(options.accountId)
      } is neither an account id (up to 12 digits) nor an account name (1 to 50 printable ASCII characters).`,
    );
  }
  if (options.roleName !== undefined && !ROLE.test(options.roleName)) {
    throw new ConfigError(
      `-r/--role-name ${
        safeEcho(options.roleName)
      } is not a role name (1 to 32 letters, digits and _+=,.@-).`,
    );
  }
  const given = (flags: [string, unknown][]) =>
    flags.filter(([, v]) => v !== undefined && v !== false).map(([f]) => f);
  if (options.checkProfile !== undefined) {
    const clash = given([
      ["-u/--sso-start-url", options.ssoStartUrl],
      ["--sso-region", options.ssoRegion],
      ["-a/--account-id", options.accountId],
      ["-r/--role-name", options.roleName],
    ]);
    if (clash.length > 0) {
      throw new ConfigError(`--check-profile cannot be combined with ${clash.join(", ")}.`);
    }
  }
  if (options.skipTokenCheck) {
    const clash = given([
      ["-a/--account-id", options.accountId],
      ["-r/--role-name", options.roleName],
      ["--force-refresh", options.forceRefresh],
    ]);
    if (clash.length > 0) {
      throw new ConfigError(`--skip-token-check cannot be combined with ${clash.join(", ")}.`);
    }
  }
}

/** Runs the checks and the diagnostics; prints the report; throws the failed check's error. */
export async function runCheck(options: CheckOptions, rt: Runtime): Promise<void> {
  checkUsage(options);
  const log = new DebugLog(Boolean(options.verbose));
  try {
    const findings: Finding[] = [{
      level: "info",
      text: `${versionLine()} check at ${formatAwsTimestamp(rt.now())}.`,
    }];
    const paths = rt.paths();
    let config: AwsConfigDocument | undefined;
    let configProblem: string | undefined;
    try {
      config = await loadConfigFile(paths.configFile);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      configProblem = error.message;
    }
    let failure: unknown;
    let chain: RoleChain | undefined;
    const report = (finding: Finding) => void findings.push(finding);
    try {
      const request: AccessCheckRequest = {
        startUrl: options.ssoStartUrl,
        ssoRegion: options.ssoRegion,
        account: options.accountId,
        roleName: options.roleName,
        profile: options.checkProfile,
        defaultEnv: options.command === "configure" ? CONFIGURE_DEFAULT_ENV : undefined,
        instanceDetails: options.instanceDetails,
        skipTokenCheck: options.skipTokenCheck,
        forceRefresh: options.forceRefresh,
      };
      const input = { config, configProblem, paths };
      chain = options.checkProfile === undefined
        ? undefined
        : await profileChain(rt, options.checkProfile, config);
      if (chain) await checkChain(chain, request, input, rt, log, report);
      else await checkAccess(request, input, rt, log, report);
    } catch (error) {
      failure = error;
    }
    if (configProblem !== undefined) findings.push({ level: "warning", text: configProblem });
    const examined = options.checkProfile === undefined
      ? (config ? profileNames(config) : [])
      : chain
      ? [...new Set([chain.profile, ...chain.hops.map((h) => h.profile), chain.source.profile])]
      : [...new Set([options.checkProfile, checkedProfile(config, options.checkProfile)])];
    let credentialsProfiles: string[] = [];
    try {
      credentialsProfiles = await credentialsFileProfiles(credentialsFilePath(rt.env));
    } catch { /* no home directory: checkAccess has said so */ }
    findings.push(
      ...await profileDiagnostics({ config, profiles: examined, env: rt.env, credentialsProfiles }),
      ...await cacheExposure([paths.ssoCacheDir, paths.cliCacheDir]),
    );
    if (!options.quiet) await rt.stdout.write(findings.map((f) => `${findingLine(f)}\n`).join(""));
    if (failure !== undefined) throw failure;
  } finally {
    for (const line of log.lines) await rt.stderr.write(`${line}\n`);
  }
}

/**
 * `--check-profile` of a profile that assumes a role: the chain (its resolution is the first
 * check), the login and role of its SSO source as for an SSO profile (static keys are reported,
 * not tested), then the chain's credentials as `credential-process` gets them: cached ones with
 * 15+ minutes left (or, with `--force-refresh`, none), else each role assumed. A hop that needs
 * an MFA code and has no terminal to ask on is exit 201, as a login that is needed.
 */
async function checkChain(
  chain: RoleChain,
  request: AccessCheckRequest,
  input: AccessCheckInput,
  rt: Runtime,
  log: DebugLog,
  report: (finding: Finding) => void,
): Promise<void> {
  report({
    level: "ok",
    text: `Profile ${safeEcho(chain.profile)} assumes a role: ${
      chainSummary(chain)
    }; STS in ${chain.stsRegion} (${chain.stsRegionSource}).`,
  });
  const { source } = chain;
  if (source.kind === "sso") {
    const { settings } = source;
    await checkAccess(
      settings.profileName !== undefined ? { ...request, profile: settings.profileName } : {
        ...request,
        profile: undefined,
        startUrl: settings.startUrl,
        ssoRegion: settings.ssoRegion,
        account: settings.accountId,
        roleName: settings.roleName,
      },
      input,
      rt,
      log,
      report,
    );
  } else {
    report({
      level: "info",
      text: `The chain starts from the static keys of profile ${safeEcho(source.profile)} in ${
        shownPath(source.file)
      }; STS tests them when the first role is assumed.`,
    });
  }
  if (request.skipTokenCheck) return;
  const warnings: string[] = [];
  // A hop's MFA code with no terminal to ask on is a login required: check's 201.
  const credentials = await chainCredentials(chain, {
    rt,
    log,
    warn: (sentence) => void warnings.push(sentence),
    forceRefresh: request.forceRefresh,
  });
  for (const text of warnings) report({ level: "warning", text });
  report({
    level: "ok",
    text: `The credentials of ${chainRole(chain)} are valid until ${
      formatAwsTimestamp(credentials.expiration)
    } (${relativeTime(credentials.expiration, rt.now())}).`,
  });
}

/** Registers `check` on the program. */
export function register(program: Command, rt: Runtime): void {
  const check = exitCodes(program.command("check"), FAILURE_CODES.check)
    .summary("check the SSO configuration, login, account and role, and diagnose set-up mistakes")
    .description(
      "Check that an SSO instance is configured, that its cached login is usable (refreshing it " +
        "when it can be), and that an account and role are available; report set-up problems " +
        "(shadowed credential_process lines, commands GUI apps cannot run, exposed caches, " +
        "a broken config file, AWS_PROFILE naming no profile). Exit codes: docs/check.md.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util check --check-profile dev",
        'aws-sso-util check -q -a 123456789012 -r Admin || echo "no access: $?"',
      ]),
    )
    .option("-u, --sso-start-url <URL>", "SSO start URL, or a substring/regex of a configured one")
    .option("--sso-region <REGION>", "SSO region of the start URL")
    .option("-a, --account-id <ACCOUNT>", "check this account (id or exact name)")
    .option("-r, --role-name <ROLE>", "check this role (in the account, or in any account)")
    .option(
      "--check-profile <NAME>",
      "check this profile's SSO settings (legacy or sso-session; follows a credential_process line to the profile it names); for a profile with role_arn, its chain, its source and its role",
    )
    .addOption(
      new Option(
        "--command <COMMAND>",
        "take the default instance from the variables of this command: default or login (AWS_SSO_LOGIN_DEFAULT_*, AWS_DEFAULT_SSO_*), or configure (AWS_CONFIGURE_SSO_DEFAULT_*, …)",
      ).choices(CHECK_COMMANDS).default("default"),
    )
    .option("--instance-details", "report the instance even when an account or role is checked")
    .option("--skip-token-check", "check only the instance, not the login")
    .option("--force-refresh", "refresh the SSO token even when it is still fresh")
    .option("-q, --quiet", "print nothing on stdout (the exit code tells)")
    .option("-v, --verbose", "print debug lines on stderr");
  addAlias(check, "--account-id", "--account <ACCOUNT>");
  check.action(async (options: CheckOptions) => {
    await runCheck(options, rt);
  });
}

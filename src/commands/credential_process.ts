/** `aws-sso-util credential-process`: print role credentials for the `credential_process` hook. */
import { formatHelp, type OptionSpec, parseOptions } from "../ui/args.ts";
import { credentialProcessJson, type RoleCredentials } from "../cache/credential_cache.ts";
import { debugEnabled, DebugLog } from "../base/debug_log.ts";
import { describeFailure, ExitCode, FAILURE_CODES } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { loadConfigFile, resolveCredentialProcessSettings } from "../config/settings.ts";
import { assumesRole } from "../config/aws_config_file.ts";
import { warnOnce } from "../sso/role_credentials.ts";
import { roleCredentialsWithLogin } from "../login/lazy_login.ts";

export const CREDENTIAL_PROCESS_OPTIONS: readonly OptionSpec[] = [
  {
    names: ["--profile"],
    key: "profile",
    value: "NAME",
    description: "read the settings from this profile of the AWS config file",
  },
  {
    names: ["--sso-start-url", "--start-url"],
    key: "ssoStartUrl",
    value: "URL",
    description: "SSO start URL (env AWS_SSO_START_URL)",
  },
  {
    names: ["--sso-region", "--region"],
    key: "ssoRegion",
    value: "REGION",
    description: "SSO region (env AWS_SSO_REGION)",
  },
  {
    names: ["--account-id"],
    key: "accountId",
    value: "ID",
    description: "12-digit AWS account id (env AWS_SSO_ACCOUNT_ID)",
  },
  {
    names: ["--role-name"],
    key: "roleName",
    value: "NAME",
    description: "role (permission set) name (env AWS_SSO_ROLE_NAME)",
  },
  {
    names: ["--force-refresh"],
    key: "forceRefresh",
    description: "ignore cached credentials and refresh the SSO token when possible",
  },
  {
    names: ["--login"],
    key: "login",
    description:
      "log in first when a login is required and a terminal or browser can reach you (profile key aws_sso_util_auto_login = true)",
  },
  {
    names: ["--verbose", "-v", "--debug"],
    key: "debug",
    description:
      "write debug lines to ~/.aws/sso/aws-sso-util-credential-process-log.txt (stderr is the SDK's; env AWS_SSO_CREDENTIAL_PROCESS_DEBUG=true)",
  },
];

/** Parsed options of the command. */
export interface CredentialProcessOptions {
  profile?: string;
  ssoStartUrl?: string;
  ssoRegion?: string;
  accountId?: string;
  roleName?: string;
  forceRefresh?: boolean;
  /** Log in interactively when a login is required (also `aws_sso_util_auto_login = true`). */
  login?: boolean;
  debug?: boolean;
}

/**
 * Loaded only for a role-chain profile. A variable (not a literal) keeps Deno from loading the
 * chain's module graph (STS, its cache, the signer's loader) at every start; `aws-sso-util.ts`
 * imports it literally so binaries embed it.
 */
const CHAIN_MODULE = "./chain_credentials.ts";

/**
 * Resolves settings (for a profile with `role_arn`, its role chain: `chain_credentials.ts`), then
 * returns cached role credentials with 15+ minutes left, or fetches new
 * ones with a usable SSO token (one fetch shared by concurrent processes) and caches them.
 * The network calls are abandoned `rt.limits.credentialProcessMs` after the start (under 30 s).
 * The debug log is written whatever the outcome.
 */
export async function credentialProcess(
  options: CredentialProcessOptions,
  rt: Runtime,
): Promise<RoleCredentials> {
  const log = new DebugLog(
    debugEnabled(Boolean(options.debug), rt.env("AWS_SSO_CREDENTIAL_PROCESS_DEBUG")),
  );
  const paths = rt.paths();
  const warnings = warnOnce(rt, log);
  try {
    log.log(`credential-process ${JSON.stringify({ ...options })}`);
    const config = options.profile !== undefined
      ? await loadConfigFile(paths.configFile)
      : undefined;
    if (options.profile !== undefined && assumesRole(config, options.profile)) {
      // A role chain (role_arn + source_profile): its module is loaded only now.
      const chains: typeof import("./chain_credentials.ts") = await import(CHAIN_MODULE);
      return await chains.roleProfileCredentials(options.profile, config, [
        ["--sso-start-url", options.ssoStartUrl],
        ["--sso-region", options.ssoRegion],
        ["--account-id", options.accountId],
        ["--role-name", options.roleName],
      ], {
        rt,
        log,
        warn: warnings.warn,
        loginWanted: options.login,
        forceRefresh: options.forceRefresh,
      });
    }
    const settings = resolveCredentialProcessSettings(options, rt.env, config, paths.configFile);
    for (const [name, source] of Object.entries(settings.sources)) {
      log.log(`setting ${name} from ${source}`);
    }
    if (settings.sessionName) log.log(`sso-session ${settings.sessionName}`);
    return await roleCredentialsWithLogin(settings, {
      rt,
      log,
      warn: warnings.warn,
      loginWanted: options.login,
      forceRefresh: options.forceRefresh,
    });
  } catch (error) {
    log.log(`failed: ${(error as Error).name}: ${(error as Error).message}`);
    throw error;
  } finally {
    await warnings.settled();
    await log.flush(paths.debugLogFile);
  }
}

const USAGE = "aws-sso-util credential-process [options]";
const SUMMARY =
  "Print AWS credentials for an IAM Identity Center (SSO) role in the credential_process format. " +
  "Each setting comes from its flag, else its AWS_SSO_* env var, else the --profile section.";
const EXAMPLES = [
  "credential_process = /usr/local/bin/aws-sso-util credential-process --profile dev  # ~/.aws/config",
  "aws-sso-util credential-process --profile dev --verbose  # then read the debug log",
];

/** The command-line front end: parses argv, prints the JSON line or one error sentence, returns the exit code. */
export async function runCredentialProcess(
  argv: readonly string[],
  rt: Runtime,
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    await rt.stdout.write(formatHelp(USAGE, SUMMARY, CREDENTIAL_PROCESS_OPTIONS, EXAMPLES));
    return ExitCode.ok;
  }
  try {
    const options = parseOptions(argv, CREDENTIAL_PROCESS_OPTIONS) as CredentialProcessOptions;
    const creds = await credentialProcess(options, rt);
    await rt.stdout.write(credentialProcessJson(creds) + "\n");
    return ExitCode.ok;
  } catch (error) {
    const { message, exitCode } = describeFailure(error, FAILURE_CODES.credentialProcess);
    await rt.stderr.write(message + "\n");
    return exitCode;
  }
}

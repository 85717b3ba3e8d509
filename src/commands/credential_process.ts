/** `aws-sso-util credential-process`: print role credentials for the `credential_process` hook. */
import { formatHelp, type OptionSpec, parseOptions } from "../ui/args.ts";
import { writeStderrSync, writeText } from "../ui/output.ts";
import {
  areCredentialsReusable,
  credentialFilePath,
  credentialProcessJson,
  readCachedCredentials,
  type RoleCredentials,
  writeCachedCredentials,
} from "../cache/credential_cache.ts";
import { debugEnabled, DebugLog, redact } from "../debug_log.ts";
import { resolveEndpoint } from "../config/endpoints.ts";
import { AwsApiError, describeFailure, ExitCode, LoginRequiredError } from "../errors.ts";
import { lockPathFor, withFileLock } from "../cache/file_lock.ts";
import { awsPaths, type Env, processEnv } from "../config/paths.ts";
import {
  type CredentialProcessSettings,
  loadConfigFile,
  resolveCredentialProcessSettings,
} from "../config/settings.ts";
import { getRoleCredentials } from "../sso/sso_api.ts";
import type { SsoToken } from "../cache/token_cache.ts";
import {
  getUsableToken,
  loginRequiredMessage,
  markTokenRejected,
  type TokenContext,
} from "../sso/token_provider.ts";

/** The command gives up on the network this long after it started (issue: within 30 s). */
export const TIME_LIMIT_MS = 28_000;

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
    names: ["--debug", "--verbose", "-v"],
    key: "debug",
    description: "write a debug log to ~/.aws/sso/aws-sso-util-credential-process-log.txt",
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

/** The outside world the command reads: environment and clock. */
export interface CredentialProcessContext {
  env: Env;
  now: () => number;
  /**
   * How auto-login reaches the user (tests inject one); default: the controlling terminal or a
   * browser, probed only when a login is needed. See `UserChannel` in `../login/user_channel.ts`.
   */
  reachUser?: () => Promise<import("../login/user_channel.ts").UserChannel | undefined>;
  /** Sleep between device-code polls of an auto-login (tests); default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Time limit of the network calls (tests); default {@link TIME_LIMIT_MS}. */
  timeLimitMs?: number;
  /** Time a refresh may take while the token is still valid (tests); default `REFRESH_BUDGET_MS`. */
  refreshBudgetMs?: number;
  /**
   * Where a warning sentence goes (tests); default stderr. Each distinct sentence is said once per
   * run, e.g. why a still-valid token is used instead of being refreshed.
   */
  warn?: (sentence: string) => void;
}

/**
 * Resolves settings, then returns cached role credentials with 15+ minutes left, or fetches new
 * ones with a usable SSO token (one fetch shared by concurrent processes) and caches them.
 * The debug log is written whatever the outcome.
 */
export async function credentialProcess(
  options: CredentialProcessOptions,
  ctx: CredentialProcessContext,
): Promise<RoleCredentials> {
  const log = new DebugLog(
    debugEnabled(Boolean(options.debug), ctx.env("AWS_SSO_CREDENTIAL_PROCESS_DEBUG")),
  );
  const paths = awsPaths(ctx.env);
  try {
    log.log(`credential-process ${JSON.stringify({ ...options })}`);
    const config = options.profile !== undefined
      ? await loadConfigFile(paths.configFile)
      : undefined;
    const settings = resolveCredentialProcessSettings(options, ctx.env, config, paths.configFile);
    for (const [name, source] of Object.entries(settings.sources)) {
      log.log(`setting ${name} from ${source}`);
    }
    if (settings.sessionName) log.log(`sso-session ${settings.sessionName}`);
    return await fetchWithCache(settings, options, ctx, log, paths);
  } catch (error) {
    log.log(`failed: ${(error as Error).name}: ${(error as Error).message}`);
    throw error;
  } finally {
    await log.flush(paths.debugLogFile);
  }
}

async function fetchWithCache(
  settings: CredentialProcessSettings,
  options: CredentialProcessOptions,
  ctx: CredentialProcessContext,
  log: DebugLog,
  paths: ReturnType<typeof awsPaths>,
): Promise<RoleCredentials> {
  const started = ctx.now();
  const deadline = started + (ctx.timeLimitMs ?? TIME_LIMIT_MS);
  const credPath = await credentialFilePath(paths.cliCacheDir, settings);
  if (!options.forceRefresh) {
    const cached = await readCachedCredentials(credPath);
    if (cached && areCredentialsReusable(cached, started)) {
      log.log(`credential cache hit: ${credPath} (${redact(cached.accessKeyId)})`);
      return { ...cached, accountId: cached.accountId ?? settings.accountId };
    }
    log.log(`credential cache ${cached ? "stale" : "miss"}: ${credPath}`);
  }
  return await withFileLock(
    lockPathFor(credPath),
    Math.max(0, deadline - ctx.now() - 3000),
    async (locked) => {
      log.log(locked ? "credential lock acquired" : "credential lock not acquired; going on");
      const cached = locked ? await readCachedCredentials(credPath) : undefined;
      // Another process fetched while we waited (with --force-refresh: after we started).
      if (
        cached && areCredentialsReusable(cached, ctx.now()) &&
        (!options.forceRefresh || await modifiedSince(credPath, started))
      ) {
        log.log(`credential cache filled by another process (${redact(cached.accessKeyId)})`);
        return { ...cached, accountId: cached.accountId ?? settings.accountId };
      }
      const creds = await fetchCredentials(settings, options, ctx, log, paths, deadline);
      try {
        await writeCachedCredentials(credPath, creds);
        log.log(`credentials cached: ${credPath}`);
      } catch (error) {
        log.log(`could not write the credential cache: ${(error as Error).message}`);
      }
      return creds;
    },
  );
}

async function fetchCredentials(
  settings: CredentialProcessSettings,
  options: CredentialProcessOptions,
  ctx: CredentialProcessContext,
  log: DebugLog,
  paths: ReturnType<typeof awsPaths>,
  initialDeadline: number,
): Promise<RoleCredentials> {
  let deadline = initialDeadline;
  const message = loginRequiredMessage(settings, settings.profileName);
  const autoLogin = Boolean(options.login) || settings.autoLogin;
  let loggedIn = false;
  let token: SsoToken;
  const said = new Set<string>();
  const warn = ctx.warn ?? ((sentence: string) => writeStderrSync(sentence + "\n"));
  const tokenContext = (rejectedAccessToken?: string): TokenContext => ({
    ssoCacheDir: paths.ssoCacheDir,
    env: ctx.env,
    endpointConfig: settings.endpointConfig,
    now: ctx.now,
    deadline,
    log,
    forceRefresh: options.forceRefresh,
    loginRequiredMessage: message,
    rejectedAccessToken,
    refreshBudgetMs: ctx.refreshBudgetMs,
    warn: (sentence) => {
      log.log(`warning: ${sentence}`);
      if (!said.has(sentence)) warn(sentence);
      said.add(sentence);
    },
  });
  let refreshTried = false;
  try {
    token = await getUsableToken(settings, tokenContext());
  } catch (error) {
    if (!(error instanceof LoginRequiredError) || !autoLogin) throw error;
    token = await loginFirst(settings, ctx, log, paths, error);
    loggedIn = true;
    // The interactive wait does not count against the time limit of the network calls.
    deadline = ctx.now() + (ctx.timeLimitMs ?? TIME_LIMIT_MS);
  }
  const endpoint = resolveEndpoint("sso", settings.ssoRegion, ctx.env, settings.endpointConfig);
  while (true) {
    log.log(`GetRoleCredentials via ${endpoint.url} (${endpoint.source})`);
    try {
      const creds = await getRoleCredentials(
        {
          region: settings.ssoRegion,
          endpoint: endpoint.url,
          caBundle: endpoint.caBundle,
          deadline,
          log,
        },
        {
          accessToken: token.accessToken,
          accountId: settings.accountId,
          roleName: settings.roleName,
        },
      );
      log.log(
        `got credentials ${redact(creds.accessKeyId)} expiring ${
          new Date(creds.expiration).toISOString()
        }`,
      );
      return creds;
    } catch (error) {
      if (error instanceof AwsApiError && error.errorCode === "UnauthorizedException") {
        if (!refreshTried) {
          // Rejected although its expiresAt says valid: its refresh token may still work (once).
          refreshTried = true;
          log.log("token rejected; trying to refresh it once");
          try {
            token = await getUsableToken(settings, tokenContext(token.accessToken));
            continue;
          } catch (refreshError) {
            if (!(refreshError instanceof LoginRequiredError)) throw refreshError;
          }
        } else {
          await markTokenRejected(settings, token.accessToken, tokenContext(token.accessToken));
        }
        const rejected = new LoginRequiredError(
          `The SSO token was rejected as unauthorized. ${message}`,
        );
        if (!autoLogin || loggedIn) throw rejected;
        token = await loginFirst(settings, ctx, log, paths, rejected, token.accessToken);
        loggedIn = true;
        deadline = ctx.now() + (ctx.timeLimitMs ?? TIME_LIMIT_MS);
        continue;
      }
      throw error;
    }
  }
}

/**
 * Loaded only when a login is needed. A variable (not a literal) keeps Deno from loading the login
 * flows' module graph at every start; `deno task compile` adds it with `--include`.
 */
const AUTO_LOGIN_MODULE = "../login/auto_login.ts";

/**
 * Auto-login (`--login` / `aws_sso_util_auto_login = true`): loads the login flows only now, so
 * the usual path never imports them. Throws `loginRequired` at once when nobody can be reached.
 */
async function loginFirst(
  settings: CredentialProcessSettings,
  ctx: CredentialProcessContext,
  log: DebugLog,
  paths: ReturnType<typeof awsPaths>,
  loginRequired: LoginRequiredError,
  rejectedAccessToken?: string,
): Promise<SsoToken> {
  log.log("login required; trying an auto-login");
  const { autoLogin }: typeof import("../login/auto_login.ts") = await import(AUTO_LOGIN_MODULE);
  return await autoLogin({
    instance: settings,
    profileName: settings.profileName,
    configFile: settings.profileName !== undefined ? paths.configFile : undefined,
    ssoCacheDir: paths.ssoCacheDir,
    env: ctx.env,
    endpointConfig: settings.endpointConfig,
    now: ctx.now,
    sleep: ctx.sleep,
    log,
    loginRequired,
    rejectedAccessToken,
    reachUser: ctx.reachUser,
  });
}

async function modifiedSince(path: string, since: number): Promise<boolean> {
  try {
    const mtime = (await Deno.stat(path)).mtime?.getTime() ?? 0;
    return mtime >= since;
  } catch {
    return false;
  }
}

const USAGE = "aws-sso-util credential-process [options]";
const SUMMARY =
  "Print AWS credentials for an IAM Identity Center (SSO) role in the credential_process format.\n" +
  "Each setting comes from its flag, else its AWS_SSO_* env var, else the --profile section.";

/** The command-line front end: parses argv, prints the JSON line or one error sentence, returns the exit code. */
export async function runCredentialProcess(
  argv: readonly string[],
  ctx: CredentialProcessContext = { env: processEnv, now: Date.now },
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    await writeText(Deno.stdout, formatHelp(USAGE, SUMMARY, CREDENTIAL_PROCESS_OPTIONS));
    return ExitCode.ok;
  }
  try {
    const options = parseOptions(argv, CREDENTIAL_PROCESS_OPTIONS) as CredentialProcessOptions;
    const creds = await credentialProcess(options, ctx);
    await writeText(Deno.stdout, credentialProcessJson(creds) + "\n");
    return ExitCode.ok;
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    await writeText(Deno.stderr, message + "\n");
    return exitCode;
  }
}

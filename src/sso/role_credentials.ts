/**
 * The one credential path: an account and role's settings → role credentials, through the role
 * credential cache shared with the AWS CLI (reused while 15+ minutes are left), one fetch shared by
 * concurrent processes (a lock on the cache file), a usable SSO token (refreshed when it can be),
 * one retry with a refreshed token when the service rejects it, and — with `login` or the profile's
 * `aws_sso_util_auto_login = true` — an interactive login first when one is required. Used by
 * `credential-process` and `console`; the error sentences and exit codes are the same for both.
 *
 * @module
 */
import {
  areCredentialsReusable,
  credentialFilePath,
  readCachedCredentials,
  type RoleCredentials,
  writeCachedCredentials,
} from "../cache/credential_cache.ts";
import { type DebugLog, redact } from "../base/debug_log.ts";
import {
  type EndpointConfig,
  type ResolvedEndpoint,
  resolveEndpoint,
} from "../config/endpoints.ts";
import { AwsApiError, LoginRequiredError } from "../base/errors.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { type AwsPaths, dirName } from "../base/paths.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { shownMessage, shownPath } from "../base/safe_text.ts";
import type { Runtime } from "../base/runtime.ts";
import type { CredentialProcessSettings, SsoInstance } from "../config/settings.ts";
import { getRoleCredentials } from "./sso_api.ts";
import type { SsoToken } from "../cache/token_cache.ts";
import {
  getUsableTokenOfEither,
  loginRequiredMessage,
  markTokenRejected,
  type TokenContext,
} from "./token_provider.ts";

/** How fresh the credentials must be, and whether a login may be started. */
export interface RoleCredentialOptions {
  /** Ignore cached credentials and refresh the SSO token when possible. */
  forceRefresh?: boolean;
  /** Log in first when a login is required (also the profile's `aws_sso_util_auto_login`). */
  login?: boolean;
}

/** One run's runtime, debug log, paths, warning sink and login capability. */
export interface RoleCredentialRun {
  rt: Runtime;
  log: DebugLog;
  paths: AwsPaths;
  /** Says a warning sentence (each distinct one once per run). */
  warn(sentence: string): void;
  /** Logs in when one is required and allowed (`login/lazy_login.ts`); none: never. */
  autoLogin?: AutoLogin;
}

/** What an auto-login is given (`login/auto_login.ts` implements it). */
export interface AutoLoginOptions {
  /**
   * Environment, clock, transport, `reachUser` (how to find the user; default
   * {@link probeUserChannel}) and limits: `loginLockWaitMs` is how long to wait for another
   * process's login (the token lock) before starting one's own.
   */
  rt: Runtime;
  instance: SsoInstance;
  profileName?: string;
  /** The config file, for `sso_use_device_code` and sessions sharing a legacy start URL. */
  configFile?: string;
  ssoCacheDir: string;
  endpointConfig?: EndpointConfig;
  log?: DebugLog;
  /** The error to throw when the user cannot be reached. */
  loginRequired: LoginRequiredError;
  /** A token the service rejected: not reused even if it looks fresh. */
  rejectedAccessToken?: string;
}

/** An interactive login on a command's behalf: resolves with the new token. */
export type AutoLogin = (options: AutoLoginOptions) => Promise<SsoToken>;

/**
 * The warning sink of one run: each distinct sentence is logged and said once on stderr;
 * `settled()` waits until those writes are done (call it before the run returns).
 */
export function warnOnce(
  rt: Runtime,
  log: DebugLog,
): { warn(sentence: string): void; settled(): Promise<void> } {
  const said = new Set<string>();
  const writes: Promise<void>[] = [];
  return {
    warn(sentence) {
      log.log(`warning: ${sentence}`);
      if (!said.has(sentence)) writes.push(rt.stderr.write(shownMessage(sentence) + "\n"));
      said.add(sentence);
    },
    settled: async () => {
      await Promise.all(writes);
    },
  };
}

/**
 * Cached role credentials with 15+ minutes left, or new ones fetched with a usable SSO token (one
 * fetch shared by concurrent processes) and cached. The network calls are abandoned
 * `rt.limits.credentialProcessMs` after the start (an interactive login restarts the clock).
 */
export async function roleCredentials(
  settings: CredentialProcessSettings,
  options: RoleCredentialOptions,
  run: RoleCredentialRun,
): Promise<RoleCredentials> {
  const { rt, log, paths } = run;
  const started = rt.now();
  const deadline = started + rt.limits.credentialProcessMs;
  // Settings are checked on every run, cache hit or not: a bad value is one sentence (exit 2).
  const endpoint = resolveEndpoint("sso", settings.ssoRegion, rt.env, settings.endpointConfig);
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
    Math.min(rt.limits.credentialLockWaitMs, Math.max(0, deadline - rt.now() - 3000)),
    async (locked) => {
      log.log(locked ? "credential lock acquired" : "credential lock not acquired; going on");
      const cached = locked ? await readCachedCredentials(credPath) : undefined;
      // Another process fetched while we waited (with --force-refresh: after we started).
      if (
        cached && areCredentialsReusable(cached, rt.now()) &&
        (!options.forceRefresh || await modifiedSince(credPath, started))
      ) {
        log.log(`credential cache filled by another process (${redact(cached.accessKeyId)})`);
        return { ...cached, accountId: cached.accountId ?? settings.accountId };
      }
      const creds = await fetchCredentials(settings, endpoint, options, run, deadline);
      try {
        await writeCachedCredentials(credPath, creds);
        log.log(`credentials cached: ${credPath}`);
      } catch (error) {
        log.log(`could not write the credential cache: ${(error as Error).message}`);
        // Nothing to share (and no lock to share it under): say so, once per run.
        run.warn(
          `Cannot store role credentials in ${shownPath(dirName(credPath))} (${
            fileFailureReason(error)
          }); other runs cannot reuse them, so each fetches its own.`,
        );
      }
      return creds;
    },
  );
}

async function fetchCredentials(
  settings: CredentialProcessSettings,
  endpoint: ResolvedEndpoint,
  options: RoleCredentialOptions,
  run: RoleCredentialRun,
  initialDeadline: number,
): Promise<RoleCredentials> {
  const { rt, log, paths } = run;
  let deadline = initialDeadline;
  const message = loginRequiredMessage(settings, settings.profileName);
  const autoLogin = Boolean(options.login) || settings.autoLogin;
  let loggedIn = false;
  let token: SsoToken;
  const tokenContext = (rejectedAccessToken?: string): TokenContext => ({
    rt,
    ssoCacheDir: paths.ssoCacheDir,
    endpointConfig: settings.endpointConfig,
    deadline,
    log,
    forceRefresh: options.forceRefresh,
    loginRequiredMessage: message,
    rejectedAccessToken,
    warn: run.warn,
  });
  let refreshTried = false;
  const legacy = settings.sameUrlLegacy;
  try {
    token = await getUsableTokenOfEither(settings, legacy, tokenContext());
  } catch (error) {
    if (!(error instanceof LoginRequiredError) || !autoLogin) throw error;
    token = await loginFirst(settings, run, error);
    loggedIn = true;
    // The interactive wait does not count against the time limit of the network calls.
    deadline = rt.now() + rt.limits.credentialProcessMs;
  }
  while (true) {
    log.log(`GetRoleCredentials via ${endpoint.url} (${endpoint.source})`);
    try {
      const creds = await getRoleCredentials(
        {
          rt,
          endpoint,
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
            token = await getUsableTokenOfEither(settings, legacy, tokenContext(token.accessToken));
            continue;
          } catch (refreshError) {
            if (!(refreshError instanceof LoginRequiredError)) throw refreshError;
          }
        } else {
          for (const instance of legacy ? [settings, legacy] : [settings]) {
            await markTokenRejected(instance, token.accessToken, tokenContext(token.accessToken));
          }
        }
        const rejected = new LoginRequiredError(
          `The SSO token was rejected as unauthorized. ${message}`,
        );
        if (!autoLogin || loggedIn) throw rejected;
        token = await loginFirst(settings, run, rejected, token.accessToken);
        loggedIn = true;
        deadline = rt.now() + rt.limits.credentialProcessMs;
        continue;
      }
      throw error;
    }
  }
}

/**
 * Auto-login (`--login` / `aws_sso_util_auto_login = true`) through the run's injected
 * capability (the command loads the login flows only then); without one, or when nobody can be
 * reached, `loginRequired` is thrown.
 */
async function loginFirst(
  settings: CredentialProcessSettings,
  { rt, log, paths, autoLogin }: RoleCredentialRun,
  loginRequired: LoginRequiredError,
  rejectedAccessToken?: string,
): Promise<SsoToken> {
  if (autoLogin === undefined) throw loginRequired;
  log.log("login required; trying an auto-login");
  return await autoLogin({
    rt,
    instance: settings,
    profileName: settings.profileName,
    configFile: settings.profileName !== undefined ? paths.configFile : undefined,
    ssoCacheDir: paths.ssoCacheDir,
    endpointConfig: settings.endpointConfig,
    log,
    loginRequired,
    rejectedAccessToken,
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

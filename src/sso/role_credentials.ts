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
import { AwsApiError, LoginRequiredError } from "../base/errors.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { dirName } from "../base/paths.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { shownMessage, shownPath } from "../base/safe_text.ts";
import type { Runtime } from "../base/runtime.ts";
import type { CredentialProcessSettings } from "../config/settings.ts";
import { getRoleCredentials } from "./sso_api.ts";
import type { SsoToken } from "../cache/token_cache.ts";
import { getUsableTokenOfEither, markTokenRejected } from "./token_provider.ts";
import { type SessionOptions, SsoSession } from "./session.ts";

/** How fresh the credentials must be (a login is started when the session can). */
export interface RoleCredentialOptions {
  /** Ignore cached credentials and refresh the SSO token when possible. */
  forceRefresh?: boolean;
}

/**
 * The session of a run for a role's settings: the instance, endpoint settings and profile of
 * `settings`, the run's log and warning sink, and the login capability when a login is wanted
 * (`--login`) or the profile asks for one (`aws_sso_util_auto_login = true`).
 */
export function settingsSession(
  settings: CredentialProcessSettings,
  parts: Pick<SessionOptions, "rt" | "log" | "warn" | "login"> & { loginWanted?: boolean },
): SsoSession {
  const { loginWanted, login, ...rest } = parts;
  return new SsoSession({
    ...rest,
    instance: settings,
    endpointConfig: settings.endpointConfig,
    profileName: settings.profileName,
    login: loginWanted || settings.autoLogin ? login : undefined,
  });
}

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
  session: SsoSession,
  role: { accountId: string; roleName: string },
  options: RoleCredentialOptions,
): Promise<RoleCredentials> {
  const { rt, log } = session;
  const started = rt.now();
  const deadline = started + rt.limits.credentialProcessMs;
  // Settings are checked on every run, cache hit or not: a bad value is one sentence (exit 2).
  session.endpoint("sso");
  const settings = { ...session.instance, ...role };
  const credPath = await credentialFilePath(rt.paths().cliCacheDir, settings);
  if (!options.forceRefresh) {
    const cached = await readCachedCredentials(credPath);
    if (cached && areCredentialsReusable(cached, started)) {
      log.log(`credential cache hit: ${credPath} (${redact(cached.accessKeyId)})`);
      return { ...cached, accountId: cached.accountId ?? settings.accountId };
    }
    log.log(`credential cache ${cached ? "stale" : "miss"}: ${credPath}`);
  }
  // With --force-refresh, only credentials written after this point count (the file's own clock:
  // its modification time is compared with itself, never with the runtime's clock).
  const seen = options.forceRefresh ? await modifiedAt(credPath) : undefined;
  return await withFileLock(
    lockPathFor(credPath),
    Math.min(rt.limits.credentialLockWaitMs, Math.max(0, deadline - rt.now() - 3000)),
    async (locked) => {
      log.log(locked ? "credential lock acquired" : "credential lock not acquired; going on");
      const cached = locked ? await readCachedCredentials(credPath) : undefined;
      // Another process fetched while we waited (with --force-refresh: after we started).
      if (
        cached && areCredentialsReusable(cached, rt.now()) &&
        (!options.forceRefresh || await modifiedAt(credPath) !== seen)
      ) {
        log.log(`credential cache filled by another process (${redact(cached.accessKeyId)})`);
        return { ...cached, accountId: cached.accountId ?? settings.accountId };
      }
      const creds = await fetchCredentials(session, role, options, deadline);
      try {
        await writeCachedCredentials(credPath, creds);
        log.log(`credentials cached: ${credPath}`);
      } catch (error) {
        log.log(`could not write the credential cache: ${(error as Error).message}`);
        // Nothing to share (and no lock to share it under): say so, once per run.
        session.warn(
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
  session: SsoSession,
  role: { accountId: string; roleName: string },
  options: RoleCredentialOptions,
  initialDeadline: number,
): Promise<RoleCredentials> {
  const { rt, log } = session;
  let deadline = initialDeadline;
  const message = session.loginRequiredMessage;
  const mayLogin = session.login !== undefined;
  let loggedIn = false;
  let token: SsoToken;
  const request = (rejectedAccessToken?: string) => ({
    deadline,
    forceRefresh: options.forceRefresh,
    rejectedAccessToken,
  });
  const loginFirst = (loginRequired: LoginRequiredError, rejectedAccessToken?: string) => {
    log.log("login required; trying an auto-login");
    return session.login!(session, { loginRequired, rejectedAccessToken });
  };
  let refreshTried = false;
  try {
    token = await getUsableTokenOfEither(session, request());
  } catch (error) {
    if (!(error instanceof LoginRequiredError) || !mayLogin) throw error;
    token = await loginFirst(error);
    loggedIn = true;
    // The interactive wait does not count against the time limit of the network calls.
    deadline = rt.now() + rt.limits.credentialProcessMs;
  }
  while (true) {
    const endpoint = session.endpoint("sso");
    log.log(`GetRoleCredentials via ${endpoint.url} (${endpoint.source})`);
    try {
      const creds = await getRoleCredentials(session.api("sso", deadline), {
        accessToken: token.accessToken,
        accountId: role.accountId,
        roleName: role.roleName,
      });
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
            token = await getUsableTokenOfEither(session, request(token.accessToken));
            continue;
          } catch (refreshError) {
            if (!(refreshError instanceof LoginRequiredError)) throw refreshError;
          }
        } else {
          await markTokenRejected(session, token.accessToken, deadline);
        }
        const rejected = new LoginRequiredError(
          `The SSO token was rejected as unauthorized. ${message}`,
        );
        if (!mayLogin || loggedIn) throw rejected;
        token = await loginFirst(rejected, token.accessToken);
        loggedIn = true;
        deadline = rt.now() + rt.limits.credentialProcessMs;
        continue;
      }
      throw error;
    }
  }
}

/** The file's modification time in ms, or undefined when it cannot be read. */
async function modifiedAt(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime();
  } catch {
    return undefined;
  }
}

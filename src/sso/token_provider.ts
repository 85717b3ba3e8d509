import { probeWritable, recoverFromTempFiles } from "../base/atomic_file.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { redact } from "../base/debug_log.ts";
import { AwsApiError, FileSystemError, LoginRequiredError } from "../base/errors.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { dirName } from "../base/paths.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { SsoSession } from "./session.ts";
import { readRegistration, registrationFilePath } from "../cache/registration_cache.ts";
import { shownUrl, type SsoInstance } from "../config/settings.ts";
import { refreshAccessToken } from "./sso_api.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";
import {
  accessOnlyTokenJson,
  isTokenFresh,
  isTokenRefreshable,
  readToken,
  refreshedTokenJson,
  type SsoToken,
  tokenFilePath,
  tokenFromJson,
  writeToken,
} from "../cache/token_cache.ts";

/** What one request for a token asks. */
export interface TokenRequest {
  /** Epoch ms by which any network call must be done. */
  deadline: number;
  /** Refresh even a fresh token (when it can be refreshed). */
  forceRefresh?: boolean;
  /**
   * An access token the service rejected (HTTP 401) although its `expiresAt` says valid: it is
   * treated as expired (refreshed when possible, never returned), and marked expired in the
   * token file when no other token can replace it, so that `login` logs in again.
   */
  rejectedAccessToken?: string;
}

/**
 * A temp file of the token file at least this old is taken as the result of a killed write (a
 * write takes milliseconds) and recovered when it holds a newer token.
 */
export const TOKEN_RECOVERY_MIN_AGE_MS = 1_000;

/**
 * CreateToken errors that reject the refresh itself: only a new login helps. Any other failure
 * (5xx, throttling, time-out, connection error) is an outage: trying later may work.
 */
const DEFINITIVE_REFRESH_ERRORS: ReadonlySet<string> = new Set([
  "InvalidGrantException",
  "InvalidClientException",
  "UnauthorizedClientException",
  "ExpiredTokenException",
  "AccessDeniedException",
]);

/**
 * Returns a token that can be used now: the cached one while it has more than 15 minutes left;
 * otherwise a refreshed one when it carries a refresh token and a live registration (one
 * refresh shared by concurrent processes through a lock next to the token file); otherwise the
 * cached one while it has not expired. Throws LoginRequiredError when none is usable.
 *
 * Sessions are kept whatever fails: a newer token that a killed write left in a temp file is
 * recovered first; a refresh is not attempted when the token file cannot be written (it would
 * rotate the refresh token away), and gets `limits.refreshBudgetMs` while the current token
 * can stand in (so that a hanging SSO OIDC service does not eat the time GetRoleCredentials
 * needs; a refresh of an expired token may use the time up to `deadline`); an expired token whose refresh fails for a reason other than a rejection is reported
 * as an SSO OIDC outage (AwsApiError, exit 4), not as "Login required".
 */
export async function getUsableToken(
  session: SsoSession,
  request: TokenRequest,
  instance: SsoInstance = session.instance,
): Promise<SsoToken> {
  const path = await tokenFilePath(session.ssoCacheDir, instance);
  let token = await readToken(path);
  if (!token || !isTokenFresh(token, session.rt.now()) || isRejected(token, request)) {
    if (await recoverFromTempFiles(path, TOKEN_RECOVERY_MIN_AGE_MS)) {
      session.log.log(`recovered a newer token that an interrupted write left next to ${path}`);
      token = await readToken(path) ?? token;
    }
  }
  if (!token) {
    session.log.log(`token cache miss: ${path}`);
    throw new LoginRequiredError(session.loginRequiredMessage);
  }
  const left = Math.round((token.expiresAt - session.rt.now()) / 1000);
  session.log.log(`token ${redact(token.accessToken)} from ${path}, ${left}s left`);
  if (isRejected(token, request)) {
    session.log.log("this token was rejected by the service");
  } else if (isTokenFresh(token, session.rt.now()) && !request.forceRefresh) return token;
  const cached = token;
  return await withFileLock(
    lockPathFor(path),
    tokenLockWait(cached, session, request),
    async (locked) => {
      // Writers hold this lock: under it, a temp file of the token is a killed writer's, however
      // young (a refresh killed after the service rotated the refresh token left the only live one).
      if (locked && await recoverFromTempFiles(path, 0)) {
        session.log.log(`recovered the token an interrupted write left next to ${path}`);
      }
      const onDisk = await readToken(path);
      if (locked && onDisk === undefined) {
        session.log.log("the token file was removed meanwhile (logout)");
        throw new LoginRequiredError(session.loginRequiredMessage);
      }
      const current = onDisk ?? cached;
      if (
        current.accessToken !== cached.accessToken && isTokenFresh(current, session.rt.now()) &&
        !isRejected(current, request)
      ) {
        session.log.log("token was refreshed by another process");
        return current;
      }
      if (!isTokenRefreshable(current, session.rt.now())) {
        session.log.log("token cannot be refreshed (no refresh token or registration expired)");
        return await usableOrLoginRequired(current, path, session, request);
      }
      // A refresh rotates the refresh token on the server: never refresh what cannot be stored.
      const unwritable = await probeWritable(path, JSON.stringify(current.raw).length + 2048);
      if (unwritable) return cannotStoreRefresh(current, path, unwritable, session, request);
      if (!locked && isUsable(current, session, request)) {
        // Another process holds the lock past our budget (slow, or stopped): never refresh beside
        // it (both would rotate the refresh token); the current token is still valid.
        session.log.log(
          "token lock not acquired within the refresh budget; using the current token",
        );
        return current;
      }
      return await refresh(instance, current, path, session, request);
    },
  );
}

/**
 * How long to wait for the token lock: while the token is still usable, the refresh budget (a
 * holder slower than that, or stopped, must not eat the time the caller's next call needs: the
 * current token is used instead); for an expired one, up to the deadline less a refresh budget
 * left for a refresh of our own.
 */
function tokenLockWait(token: SsoToken, session: SsoSession, request: TokenRequest): number {
  const left = Math.max(0, request.deadline - session.rt.now());
  return isUsable(token, session, request)
    ? Math.min(left, session.rt.limits.refreshBudgetMs)
    : Math.max(0, left - session.rt.limits.refreshBudgetMs);
}

/**
 * A usable token of the session's instance, whose login may be cached under two keys: its own
 * (an sso-session's) and the session's `legacy`, the start URL's key that `aws sso login` writes for a profile
 * without `sso_session`. A fresh one is taken first; the other is tried when the first needs a
 * login. Throws the first LoginRequiredError when neither can be used.
 */
export async function getUsableTokenOfEither(
  session: SsoSession,
  request: TokenRequest,
): Promise<SsoToken> {
  const { instance, legacy } = session;
  const candidates: SsoInstance[] = [instance];
  if (legacy !== undefined) {
    const fresh = async (i: SsoInstance) => {
      const token = await readToken(await tokenFilePath(session.ssoCacheDir, i));
      return token !== undefined && isTokenFresh(token, session.rt.now());
    };
    if (!await fresh(instance) && await fresh(legacy)) candidates.unshift(legacy);
    else candidates.push(legacy);
  }
  let loginRequired: LoginRequiredError | undefined;
  for (const candidate of candidates) {
    try {
      return await getUsableToken(session, request, candidate);
    } catch (error) {
      if (!(error instanceof LoginRequiredError)) throw error;
      loginRequired ??= error;
    }
  }
  throw loginRequired;
}

/**
 * A usable token of the session's instance, or — when a login is required and the session can
 * log in — a new login's. `forceLogin` logs in without looking at the cache (a token the service
 * no longer accepts).
 */
export async function tokenOrLogin(
  session: SsoSession,
  request: TokenRequest,
  forceLogin = false,
): Promise<SsoToken> {
  let loginRequired = new LoginRequiredError(session.loginRequiredMessage);
  if (!forceLogin) {
    try {
      return await getUsableTokenOfEither(session, request);
    } catch (error) {
      if (!(error instanceof LoginRequiredError)) throw error;
      loginRequired = error;
    }
  }
  if (session.login === undefined) throw loginRequired;
  return await session.login(session, {
    loginRequired,
    rejectedAccessToken: request.rejectedAccessToken,
  });
}

function isRejected(token: SsoToken, request: TokenRequest): boolean {
  return request.rejectedAccessToken !== undefined &&
    token.accessToken === request.rejectedAccessToken;
}

/** True when `token` can be used now: not expired and not rejected by the service. */
function isUsable(token: SsoToken, session: SsoSession, request: TokenRequest): boolean {
  return token.expiresAt > session.rt.now() && !isRejected(token, request);
}

async function refresh(
  instance: SsoInstance,
  token: SsoToken,
  path: string,
  session: SsoSession,
  request: TokenRequest,
): Promise<SsoToken> {
  const endpoint = session.endpoint("sso-oidc");
  const fallback = isUsable(token, session, request);
  const deadline = fallback
    ? Math.min(request.deadline, session.rt.now() + session.rt.limits.refreshBudgetMs)
    : request.deadline;
  session.log.log(
    `refreshing token via ${endpoint.url} (${endpoint.source}) within ${
      deadline - session.rt.now()
    }ms`,
  );
  let created;
  try {
    created = await refreshAccessToken(
      session.api("sso-oidc", deadline),
      {
        clientId: token.clientId!,
        clientSecret: token.clientSecret!,
        refreshToken: token.refreshToken!,
      },
    );
  } catch (error) {
    if (!(error instanceof AwsApiError)) throw error;
    session.log.log(`token refresh failed: ${error.errorCode} ${error.message}`);
    if (DEFINITIVE_REFRESH_ERRORS.has(error.errorCode)) {
      if (error.errorCode === "InvalidClientException") {
        await forgetRegistration(instance, token, session);
      }
      const left = await forgetRefresh(path, token, session);
      return await usableOrLoginRequired(left, path, session, request);
    }
    if (fallback) {
      session.log.log("using the current token, which is still valid");
      return token;
    }
    // A TLS, proxy or request problem keeps its own sentence; an unavailable service is an outage.
    if (!isOutage(error)) throw error;
    throw new AwsApiError(outageMessage(endpoint.url, error), error.errorCode, true);
  }
  const json = refreshedTokenJson(token.raw, instance, created, session.rt.now());
  if (await readToken(path) === undefined) {
    // `logout` removed the file while CreateToken ran: storing the new token would undo it.
    session.log.log(
      "the token file was removed during the refresh (logout); not storing the new one",
    );
    throw new LoginRequiredError(session.loginRequiredMessage);
  }
  try {
    await writeToken(path, json);
  } catch (error) {
    session.log.log(`could not write refreshed token: ${(error as Error).message}`);
    session.warn(
      `Could not store the refreshed SSO token in ${path} (${
        fileFailureReason(error)
      }); the next run may need a new login.`,
    );
  }
  session.log.log(`token refreshed: ${redact(created.accessToken)}, expires ${json.expiresAt}`);
  return tokenFromJson(json)!;
}

/** 5xx, throttling, a time-out or a connection failure: the service is unavailable for now. */
function isOutage(error: AwsApiError): boolean {
  return error.retryable || error.errorCode === "Timeout" || error.errorCode === "NetworkError";
}

/** The sentence of an SSO OIDC outage during a refresh (exit 4: trying later may work). */
function outageMessage(endpoint: string, error: AwsApiError): string {
  const status = /^HTTP(\d+)$/.exec(error.errorCode)?.[1];
  const what = error.errorCode === "Timeout"
    ? "did not answer in time"
    : error.errorCode === "NetworkError"
    ? "could not be reached"
    : status !== undefined
    ? `answered with HTTP status ${status}`
    : `failed with ${safeEcho(error.errorCode || "an unknown error")}`;
  return `Could not refresh the SSO token: the SSO OIDC service at ${
    shownUrl(endpoint)
  } ${what}; try again later.`;
}

/** The token when it can be used now; else (marking a rejected token expired) LoginRequiredError. */
async function usableOrLoginRequired(
  token: SsoToken,
  path: string,
  session: SsoSession,
  request: TokenRequest,
): Promise<SsoToken> {
  if (isUsable(token, session, request)) return token;
  if (isRejected(token, request)) await markExpired(path, token, session);
  else session.log.log("token has expired");
  throw new LoginRequiredError(session.loginRequiredMessage);
}

/**
 * Marks `accessToken` expired in the token files of the session's instance (and its legacy
 * login) that still hold it, under the token lock: for a token the service rejected that no
 * refresh replaced.
 */
export async function markTokenRejected(
  session: SsoSession,
  accessToken: string,
  deadline: number,
): Promise<void> {
  for (const instance of session.legacy ? [session.instance, session.legacy] : [session.instance]) {
    const path = await tokenFilePath(session.ssoCacheDir, instance);
    await withFileLock(lockPathFor(path), Math.max(0, deadline - session.rt.now()), async () => {
      const current = await readToken(path);
      if (current?.accessToken === accessToken) await markExpired(path, current, session);
    });
  }
}

/**
 * Records in the token file that the service rejected its access token: `expiresAt` becomes now
 * (every other field kept), so that `login` logs in again instead of answering "Already logged
 * in", and botocore treats the token as expired as well. Called with the token lock held; a file
 * that meanwhile holds another token is left alone.
 */
async function markExpired(
  path: string,
  token: SsoToken,
  session: SsoSession,
): Promise<void> {
  const current = await readToken(path);
  if (current?.accessToken !== token.accessToken) return;
  try {
    await writeToken(path, { ...current.raw, expiresAt: formatAwsTimestamp(session.rt.now()) });
    session.log.log(`rejected token marked expired in ${path}`);
  } catch (error) {
    session.log.log(`could not mark the rejected token expired: ${(error as Error).message}`);
  }
}

/**
 * The service rejected the token's refresh for good: drops the refresh token and client
 * registration from the token file (the access token and its expiry stay, so the AWS CLI still
 * reads the file and uses the token until it expires), so that `status` and `check` no longer call
 * the login refreshable and nothing tries the dead refresh token again. Called with the token lock
 * held; a file that meanwhile holds another refresh token is left alone. Returns the token as
 * it now is.
 */
async function forgetRefresh(
  path: string,
  token: SsoToken,
  session: SsoSession,
): Promise<SsoToken> {
  const current = await readToken(path);
  if (current?.refreshToken === undefined || current.refreshToken !== token.refreshToken) {
    return token;
  }
  const json = accessOnlyTokenJson(current.raw);
  try {
    await writeToken(path, json);
    session.log.log(`the rejected refresh token and its client were dropped from ${path}`);
  } catch (error) {
    session.log.log(`could not drop the rejected refresh token: ${(error as Error).message}`);
  }
  return tokenFromJson(json) ?? token;
}

/**
 * The service no longer knows the token's client registration: removes the cached registration
 * of that client, so that the next login registers again instead of failing with it.
 */
async function forgetRegistration(
  instance: SsoInstance,
  token: SsoToken,
  session: SsoSession,
): Promise<void> {
  const path = await registrationFilePath(session.ssoCacheDir, instance);
  const registration = await readRegistration(path);
  if (!registration || registration.clientId !== token.clientId) return;
  try {
    await Deno.remove(path);
    session.log.log(`removed the client registration the service rejected: ${path}`);
  } catch (error) {
    session.log.log(
      `could not remove the rejected client registration: ${(error as Error).message}`,
    );
  }
}

/**
 * The token file cannot be written (read-only or full): refreshing would rotate the refresh token
 * on the server without storing the new one. Uses the still-valid token with one sentence on
 * stderr, or fails with exit 5 when none is left.
 */
function cannotStoreRefresh(
  token: SsoToken,
  path: string,
  error: Error,
  session: SsoSession,
  request: TokenRequest,
): SsoToken {
  const reason = fileFailureReason(error);
  const dir = dirName(path);
  session.log.log(`token cache not writable (${error.message}); not refreshing`);
  if (isUsable(token, session, request)) {
    session.warn(
      `Not refreshing the SSO token because ${dir} cannot be written (${reason}); using the current token, which expires at ${
        formatAwsTimestamp(token.expiresAt)
      }.`,
    );
    return token;
  }
  throw new FileSystemError(
    `The SSO token has expired and cannot be refreshed because ${dir} cannot be written (${reason}); fix that and try again (refreshing now would lose the session).`,
  );
}

import { probeWritable, recoverFromTempFiles } from "../base/atomic_file.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { type DebugLog, redact } from "../base/debug_log.ts";
import { type EndpointConfig, resolveEndpoint } from "../config/endpoints.ts";
import { AwsApiError, FileSystemError, LoginRequiredError } from "../base/errors.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { dirName } from "../base/paths.ts";
import type { Runtime } from "../base/runtime.ts";
import { safeEcho } from "../base/safe_text.ts";
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

/** What getting a usable token needs from the outside world. */
export interface TokenContext {
  /** Environment, clock, limits (`refreshBudgetMs`) and HTTP transport. */
  rt: Runtime;
  ssoCacheDir: string;
  endpointConfig?: EndpointConfig;
  /** Epoch ms by which any network call must be done. */
  deadline: number;
  log: DebugLog;
  /** Refresh even a fresh token (when it can be refreshed). */
  forceRefresh?: boolean;
  /** Message of the LoginRequiredError thrown when no usable token exists. */
  loginRequiredMessage: string;
  /**
   * An access token the service rejected (HTTP 401) although its `expiresAt` says valid: it is
   * treated as expired (refreshed when possible, never returned), and marked expired in the
   * token file when no other token can replace it, so that `login` logs in again.
   */
  rejectedAccessToken?: string;
  /** Receives the one sentence said when a still-valid token is used because it cannot be refreshed safely. */
  warn?: (sentence: string) => void;
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

/** The one sentence that tells the user how to log in again. */
export function loginRequiredMessage(instance: SsoInstance, profileName?: string): string {
  return profileName !== undefined
    ? `Login required. Use \`aws-sso-util login --profile ${
      safeEcho(profileName)
    }\` or \`aws sso login --profile ${safeEcho(profileName)}\` and try again.`
    : `Login required for ${safeEcho(instance.startUrl)}. Use \`aws-sso-util login ${
      safeEcho(instance.startUrl)
    } ${safeEcho(instance.ssoRegion)}\` and try again.`;
}

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
export async function getUsableToken(instance: SsoInstance, ctx: TokenContext): Promise<SsoToken> {
  const path = await tokenFilePath(ctx.ssoCacheDir, instance);
  let token = await readToken(path);
  if (!token || !isTokenFresh(token, ctx.rt.now()) || isRejected(token, ctx)) {
    if (await recoverFromTempFiles(path, TOKEN_RECOVERY_MIN_AGE_MS)) {
      ctx.log.log(`recovered a newer token that an interrupted write left next to ${path}`);
      token = await readToken(path) ?? token;
    }
  }
  if (!token) {
    ctx.log.log(`token cache miss: ${path}`);
    throw new LoginRequiredError(ctx.loginRequiredMessage);
  }
  const left = Math.round((token.expiresAt - ctx.rt.now()) / 1000);
  ctx.log.log(`token ${redact(token.accessToken)} from ${path}, ${left}s left`);
  if (isRejected(token, ctx)) ctx.log.log("this token was rejected by the service");
  else if (isTokenFresh(token, ctx.rt.now()) && !ctx.forceRefresh) return token;
  const cached = token;
  return await withFileLock(lockPathFor(path), tokenLockWait(cached, ctx), async (locked) => {
    // Writers hold this lock: under it, a temp file of the token is a killed writer's, however
    // young (a refresh killed after the service rotated the refresh token left the only live one).
    if (locked && await recoverFromTempFiles(path, 0)) {
      ctx.log.log(`recovered the token an interrupted write left next to ${path}`);
    }
    const onDisk = await readToken(path);
    if (locked && onDisk === undefined) {
      ctx.log.log("the token file was removed meanwhile (logout)");
      throw new LoginRequiredError(ctx.loginRequiredMessage);
    }
    const current = onDisk ?? cached;
    if (
      current.accessToken !== cached.accessToken && isTokenFresh(current, ctx.rt.now()) &&
      !isRejected(current, ctx)
    ) {
      ctx.log.log("token was refreshed by another process");
      return current;
    }
    if (!isTokenRefreshable(current, ctx.rt.now())) {
      ctx.log.log("token cannot be refreshed (no refresh token or registration expired)");
      return await usableOrLoginRequired(current, path, ctx);
    }
    // A refresh rotates the refresh token on the server: never refresh what cannot be stored.
    const unwritable = await probeWritable(path, JSON.stringify(current.raw).length + 2048);
    if (unwritable) return cannotStoreRefresh(current, path, unwritable, ctx);
    if (!locked && isUsable(current, ctx)) {
      // Another process holds the lock past our budget (slow, or stopped): never refresh beside
      // it (both would rotate the refresh token); the current token is still valid.
      ctx.log.log("token lock not acquired within the refresh budget; using the current token");
      return current;
    }
    return await refresh(instance, current, path, ctx);
  });
}

/**
 * How long to wait for the token lock: while the token is still usable, the refresh budget (a
 * holder slower than that, or stopped, must not eat the time the caller's next call needs: the
 * current token is used instead); for an expired one, up to the deadline less a refresh budget
 * left for a refresh of our own.
 */
function tokenLockWait(token: SsoToken, ctx: TokenContext): number {
  const left = Math.max(0, ctx.deadline - ctx.rt.now());
  return isUsable(token, ctx)
    ? Math.min(left, ctx.rt.limits.refreshBudgetMs)
    : Math.max(0, left - ctx.rt.limits.refreshBudgetMs);
}

/**
 * A usable token for an instance whose login may be cached under two keys: its own (an
 * sso-session's) and `legacy`, the start URL's key that `aws sso login` writes for a profile
 * without `sso_session`. A fresh one is taken first; the other is tried when the first needs a
 * login. Throws the first LoginRequiredError when neither can be used.
 */
export async function getUsableTokenOfEither(
  instance: SsoInstance,
  legacy: SsoInstance | undefined,
  ctx: TokenContext,
): Promise<SsoToken> {
  const candidates: SsoInstance[] = [instance];
  if (legacy !== undefined) {
    const fresh = async (i: SsoInstance) => {
      const token = await readToken(await tokenFilePath(ctx.ssoCacheDir, i));
      return token !== undefined && isTokenFresh(token, ctx.rt.now());
    };
    if (!await fresh(instance) && await fresh(legacy)) candidates.unshift(legacy);
    else candidates.push(legacy);
  }
  let loginRequired: LoginRequiredError | undefined;
  for (const candidate of candidates) {
    try {
      return await getUsableToken(candidate, ctx);
    } catch (error) {
      if (!(error instanceof LoginRequiredError)) throw error;
      loginRequired ??= error;
    }
  }
  throw loginRequired;
}

function isRejected(token: SsoToken, ctx: TokenContext): boolean {
  return ctx.rejectedAccessToken !== undefined && token.accessToken === ctx.rejectedAccessToken;
}

/** True when `token` can be used now: not expired and not rejected by the service. */
function isUsable(token: SsoToken, ctx: TokenContext): boolean {
  return token.expiresAt > ctx.rt.now() && !isRejected(token, ctx);
}

async function refresh(
  instance: SsoInstance,
  token: SsoToken,
  path: string,
  ctx: TokenContext,
): Promise<SsoToken> {
  const endpoint = resolveEndpoint("sso-oidc", instance.ssoRegion, ctx.rt.env, ctx.endpointConfig);
  const fallback = isUsable(token, ctx);
  const deadline = fallback
    ? Math.min(ctx.deadline, ctx.rt.now() + ctx.rt.limits.refreshBudgetMs)
    : ctx.deadline;
  ctx.log.log(
    `refreshing token via ${endpoint.url} (${endpoint.source}) within ${deadline - ctx.rt.now()}ms`,
  );
  let created;
  try {
    created = await refreshAccessToken(
      {
        rt: ctx.rt,
        endpoint,
        deadline,
        log: ctx.log,
      },
      {
        clientId: token.clientId!,
        clientSecret: token.clientSecret!,
        refreshToken: token.refreshToken!,
      },
    );
  } catch (error) {
    if (!(error instanceof AwsApiError)) throw error;
    ctx.log.log(`token refresh failed: ${error.errorCode} ${error.message}`);
    if (DEFINITIVE_REFRESH_ERRORS.has(error.errorCode)) {
      if (error.errorCode === "InvalidClientException") {
        await forgetRegistration(instance, token, ctx);
      }
      const left = await forgetRefresh(path, token, ctx);
      return await usableOrLoginRequired(left, path, ctx);
    }
    if (fallback) {
      ctx.log.log("using the current token, which is still valid");
      return token;
    }
    // A TLS, proxy or request problem keeps its own sentence; an unavailable service is an outage.
    if (!isOutage(error)) throw error;
    throw new AwsApiError(outageMessage(endpoint.url, error), error.errorCode, true);
  }
  const json = refreshedTokenJson(token.raw, instance, created, ctx.rt.now());
  if (await readToken(path) === undefined) {
    // `logout` removed the file while CreateToken ran: storing the new token would undo it.
    ctx.log.log("the token file was removed during the refresh (logout); not storing the new one");
    throw new LoginRequiredError(ctx.loginRequiredMessage);
  }
  try {
    await writeToken(path, json);
  } catch (error) {
    ctx.log.log(`could not write refreshed token: ${(error as Error).message}`);
    ctx.warn?.(
      `Could not store the refreshed SSO token in ${path} (${
        fileFailureReason(error)
      }); the next run may need a new login.`,
    );
  }
  ctx.log.log(`token refreshed: ${redact(created.accessToken)}, expires ${json.expiresAt}`);
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
  ctx: TokenContext,
): Promise<SsoToken> {
  if (isUsable(token, ctx)) return token;
  if (isRejected(token, ctx)) await markExpired(path, token, ctx);
  else ctx.log.log("token has expired");
  throw new LoginRequiredError(ctx.loginRequiredMessage);
}

/**
 * Marks `accessToken` expired in the instance's token file (under the token lock) when the file
 * still holds it: for a token the service rejected that no refresh replaced.
 */
export async function markTokenRejected(
  instance: SsoInstance,
  accessToken: string,
  ctx: TokenContext,
): Promise<void> {
  const path = await tokenFilePath(ctx.ssoCacheDir, instance);
  await withFileLock(lockPathFor(path), Math.max(0, ctx.deadline - ctx.rt.now()), async () => {
    const current = await readToken(path);
    if (current?.accessToken === accessToken) await markExpired(path, current, ctx);
  });
}

/**
 * Records in the token file that the service rejected its access token: `expiresAt` becomes now
 * (every other field kept), so that `login` logs in again instead of answering "Already logged
 * in", and botocore treats the token as expired as well. Called with the token lock held; a file
 * that meanwhile holds another token is left alone.
 */
async function markExpired(path: string, token: SsoToken, ctx: TokenContext): Promise<void> {
  const current = await readToken(path);
  if (current?.accessToken !== token.accessToken) return;
  try {
    await writeToken(path, { ...current.raw, expiresAt: formatAwsTimestamp(ctx.rt.now()) });
    ctx.log.log(`rejected token marked expired in ${path}`);
  } catch (error) {
    ctx.log.log(`could not mark the rejected token expired: ${(error as Error).message}`);
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
async function forgetRefresh(path: string, token: SsoToken, ctx: TokenContext): Promise<SsoToken> {
  const current = await readToken(path);
  if (current?.refreshToken === undefined || current.refreshToken !== token.refreshToken) {
    return token;
  }
  const json = accessOnlyTokenJson(current.raw);
  try {
    await writeToken(path, json);
    ctx.log.log(`the rejected refresh token and its client were dropped from ${path}`);
  } catch (error) {
    ctx.log.log(`could not drop the rejected refresh token: ${(error as Error).message}`);
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
  ctx: TokenContext,
): Promise<void> {
  const path = await registrationFilePath(ctx.ssoCacheDir, instance);
  const registration = await readRegistration(path);
  if (!registration || registration.clientId !== token.clientId) return;
  try {
    await Deno.remove(path);
    ctx.log.log(`removed the client registration the service rejected: ${path}`);
  } catch (error) {
    ctx.log.log(`could not remove the rejected client registration: ${(error as Error).message}`);
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
  ctx: TokenContext,
): SsoToken {
  const reason = fileFailureReason(error);
  const dir = dirName(path);
  ctx.log.log(`token cache not writable (${error.message}); not refreshing`);
  if (isUsable(token, ctx)) {
    ctx.warn?.(
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

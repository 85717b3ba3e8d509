/**
 * Every time limit of the tool, in one place. Commands read them from their {@link Runtime}
 * (`rt.limits`), so tests hand in small ones and never wait out a real limit.
 *
 * @module
 */

/** The time limits, all in milliseconds. */
export interface Limits {
  /** credential-process gives up on the network this long after it started (under 30 s). */
  credentialProcessMs: number;
  /** A token refresh while the current token can stand in (past it, the current one is used). */
  refreshBudgetMs: number;
  /** One HTTP attempt of an AWS call. */
  requestTimeoutMs: number;
  /** Getting a usable token for `roles` (refresh included). */
  rolesTokenMs: number;
  /** One page of a ListAccounts / ListAccountRoles listing. */
  listingPageMs: number;
  /** Getting a token for `configure`'s pickers. */
  configureTokenMs: number;
  /** Getting (or refreshing) the token that `check` tests. */
  checkTokenMs: number;
  /** The Logout call of `logout` (files are deleted whatever happens). */
  logoutMs: number;
  /** One call of a login flow (RegisterClient, StartDeviceAuthorization, CreateToken). */
  loginCallMs: number;
  /** How long a login waits for the browser's redirect (PKCE). */
  authCodeMs: number;
  /** What a device-code poll adds to its interval when the service says `slow_down`. */
  slowDownStepMs: number;
  /**
   * A credential endpoint (`serve`, `run-as --container-credentials`) fetches new credentials
   * once those it holds have less than this left (the SDKs refresh theirs 5–15 minutes ahead).
   */
  endpointRefreshAheadMs: number;
  /** `console`: the getSigninToken call of the federation endpoint. */
  consoleSigninMs: number;
  /** How long an auto-login waits for another process's login (the token lock). */
  loginLockWaitMs: number;
  /** Backoff base of a retried AWS call: errors, throttling, and the cap of any one delay. */
  retryBaseMs: number;
  throttlingRetryBaseMs: number;
  maxRetryDelayMs: number;
  /** `configure populate`: throttled listing calls are retried until this long after the start. */
  populateListingMs: number;
}

/** The real limits. */
export const LIMITS: Readonly<Limits> = {
  credentialProcessMs: 28_000,
  refreshBudgetMs: 5_000,
  requestTimeoutMs: 10_000,
  rolesTokenMs: 28_000,
  listingPageMs: 30_000,
  configureTokenMs: 60_000,
  checkTokenMs: 28_000,
  logoutMs: 5_000,
  loginCallMs: 30_000,
  authCodeMs: 10 * 60 * 1000,
  slowDownStepMs: 5_000,
  endpointRefreshAheadMs: 20 * 60 * 1000,
  consoleSigninMs: 15_000,
  // The longest a login can take (the browser wait) plus a margin.
  loginLockWaitMs: 10 * 60 * 1000 + 30_000,
  // The AWS SDKs' standard retry mode.
  retryBaseMs: 100,
  throttlingRetryBaseMs: 500,
  maxRetryDelayMs: 20_000,
  populateListingMs: 15 * 60 * 1000,
};

/**
 * Every time limit and pace of the tool, in one place. Commands read them from their
 * {@link Runtime} (`rt.limits`), so tests hand in small ones and never wait out a real limit.
 *
 * @module
 */

/** Token-bucket settings: at most `burst + perSecond * seconds` acquisitions in any window. */
export interface RateLimit {
  /** Sustained acquisitions per second. */
  perSecond: number;
  /** Acquisitions allowed at once after an idle period (bucket size, at least 1). */
  burst: number;
}

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry; doubles each time. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

/** The time limits (all in milliseconds) and the paces of listings. */
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
  /** A whole listing of accounts and roles (`roles`, `check`, `configure`'s pickers). */
  listingMs: number;
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
  /** The shortest wait between two device-code polls, whatever interval the service names. */
  devicePollMinMs: number;
  /** What a device-code poll adds to its interval when the service says `slow_down`. */
  slowDownStepMs: number;
  /**
   * A credential endpoint (`serve`, `run-as --container-credentials`) fetches new credentials
   * once those it holds have less than this left (the SDKs refresh theirs 5–15 minutes ahead).
   */
  endpointRefreshAheadMs: number;
  /** `console`: the getSigninToken call of the federation endpoint. */
  consoleSigninMs: number;
  /** `console launch`: how long the one-time loopback redirect waits for the browser. */
  consoleOpenMs: number;
  /**
   * How long a run waits for another process fetching the same role's credentials (the
   * credential lock) before fetching its own: a holder that is stopped must not hold every other
   * run up to its deadline.
   */
  credentialLockWaitMs: number;
  /** How long `logout` waits for a refresh or fetch in flight (the token and credential locks). */
  logoutLockWaitMs: number;
  /** How long an auto-login waits for another process's login (the token lock). */
  loginLockWaitMs: number;
  /**
   * Backoff of a retried AWS call (`net/retry_policy.ts`): the standard and adaptive modes'
   * bases for transient errors and for throttling, the legacy mode's base, and the cap of any
   * one delay of the standard and adaptive modes.
   */
  retryBaseMs: number;
  throttlingRetryBaseMs: number;
  legacyRetryBaseMs: number;
  maxRetryDelayMs: number;
  /** `configure populate`: throttled listing calls are retried until this long after the start. */
  populateListingMs: number;
  /** How often `configure populate` prints a progress line when stderr is not a terminal. */
  populateProgressMs: number;
  /** The request rate of `roles` and `configure`'s pickers (under the service's ~20/s). */
  rolesRate: RateLimit;
  /** Retries of a listing call still throttled after the API client's own retries. */
  throttleRetry: RetryPolicy;
  /** The request rate of `configure populate`'s listing. */
  populateRate: RateLimit;
  /** The backoff of `configure populate`'s throttled calls (retried until `populateListingMs`). */
  populateRetry: Omit<RetryPolicy, "retries">;
}

/** The real limits. */
export const LIMITS: Readonly<Limits> = {
  credentialProcessMs: 28_000,
  refreshBudgetMs: 5_000,
  requestTimeoutMs: 10_000,
  rolesTokenMs: 28_000,
  listingPageMs: 30_000,
  listingMs: 15 * 60 * 1000,
  configureTokenMs: 60_000,
  checkTokenMs: 28_000,
  logoutMs: 5_000,
  loginCallMs: 30_000,
  authCodeMs: 10 * 60 * 1000,
  devicePollMinMs: 1_000,
  slowDownStepMs: 5_000,
  endpointRefreshAheadMs: 20 * 60 * 1000,
  consoleSigninMs: 15_000,
  consoleOpenMs: 60_000,
  // A fetch takes one call (a refresh first at most: refreshBudgetMs); 64 processes at once
  // on two cores still get theirs from the one that holds the lock well within it.
  credentialLockWaitMs: 10_000,
  // A refresh while the token can stand in holds the token lock about refreshBudgetMs.
  logoutLockWaitMs: 10_000,
  // The longest a login can take (the browser wait) plus a margin.
  loginLockWaitMs: 10 * 60 * 1000 + 30_000,
  // The AWS SDKs' retry modes: standard (the 2026 values of the JS SDK v3 and botocore), and
  // botocore's legacy mode (rand × 2^(n−1) seconds).
  retryBaseMs: 50,
  throttlingRetryBaseMs: 1_000,
  legacyRetryBaseMs: 1_000,
  maxRetryDelayMs: 20_000,
  populateListingMs: 15 * 60 * 1000,
  populateProgressMs: 10_000,
  // At most 4 + 15 = 19 requests in any one-second window: under the service's ~20/s.
  rolesRate: { perSecond: 15, burst: 4 },
  throttleRetry: { retries: 4, baseDelayMs: 1000, maxDelayMs: 8000 },
  // At most 1 + 18 = 19 requests in any one-second window.
  populateRate: { perSecond: 18, burst: 1 },
  populateRetry: { baseDelayMs: 1000, maxDelayMs: 8000 },
};

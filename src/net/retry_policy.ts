/**
 * When and how long to wait before trying a failed AWS call again, in the three retry modes of
 * the AWS SDKs (`AWS_RETRY_MODE` / `retry_mode`):
 *
 * - `legacy`, botocore's default (and so boto3's and the Python aws-sso-util's): HTTP 500, 502,
 *   503, 504, 509 and 429, the five throttling codes with HTTP 400 (for STS also
 *   `IDPCommunicationError`), and connection errors are retried after `rand × 2^(n−1)` seconds.
 * - `standard`, the JS SDK v3's and the AWS CLI v2's (the SDKs' 2026 retry behaviour): throttling
 *   (HTTP 429 or a throttling code) waits `rand × min(2^(n−1) × 1 s, 20 s)`, transient failures
 *   (HTTP 500, 502, 503, 504, time-outs, connection errors) `rand × min(2^(n−1) × 50 ms, 20 s)`,
 *   stretched towards an `x-amz-retry-after` / `Retry-After` hint by at most 5 s; a per-endpoint
 *   retry quota (500, −14 per retry, −5 per throttled retry, refunded on success) stops retry
 *   storms. Other 5xx (501, 505…) and client errors are final.
 * - `adaptive`: `standard` plus the SDKs' client-side rate limiter (CUBIC), which slows the
 *   sending rate after throttling and lets it grow back.
 *
 * The bases are limits (`rt.limits`), so tests make them tiny; nothing here waits.
 *
 * @module
 */
import type { Limits } from "../base/limits.ts";
import type { RetryMode } from "../config/client_settings.ts";

/** How the SDKs classify a failed attempt. */
export type FailureKind = "throttling" | "transient" | "serverError" | "clientError";

/** What a retry decision needs to know about a failed attempt. */
export interface AttemptFailure {
  /** HTTP status, or undefined when no response arrived. */
  status?: number;
  /** The error code (`ThrottlingException`), when the response named one. */
  code?: string;
  /** No response: a connection error or time-out that may pass (a bad certificate will not). */
  transientNetwork?: boolean;
  /** The response's retry hint in milliseconds (`x-amz-retry-after`, `Retry-After`). */
  retryAfterMs?: number;
}

/** The SDKs' throttling codes (standard and adaptive modes). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

const TRANSIENT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/** botocore's legacy retry rules (`botocore/data/_retry.json`). */
const LEGACY_STATUS = new Set([429, 500, 502, 503, 504, 509]);
const LEGACY_THROTTLING_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
]);

/** The standard mode's retry quota (the SDKs' 2026 costs). */
const QUOTA_INITIAL = 500;
const QUOTA_RETRY_COST = 14;
const QUOTA_THROTTLING_COST = 5;
const QUOTA_NO_RETRY_INCREMENT = 1;
/** The longest a retry hint may stretch a delay past the computed one. */
const RETRY_AFTER_MAX_EXTRA_MS = 5_000;

/** The kind of a failed attempt, as the SDKs' standard mode sees it. */
export function failureKind(failure: AttemptFailure): FailureKind {
  if (failure.status === 429 || THROTTLING_CODES.has(failure.code ?? "")) return "throttling";
  if (
    failure.status === undefined
      ? failure.transientNetwork === true
      : TRANSIENT_STATUS.has(failure.status) || TRANSIENT_CODES.has(failure.code ?? "")
  ) {
    return "transient";
  }
  if (failure.status !== undefined && failure.status >= 500 && failure.status <= 599) {
    return "serverError";
  }
  return "clientError";
}

/** Whether `mode` retries this failure (attempts and quota aside). */
export function isRetryable(mode: RetryMode, failure: AttemptFailure, service = ""): boolean {
  if (mode !== "legacy") {
    const kind = failureKind(failure);
    return kind === "throttling" || kind === "transient";
  }
  if (failure.status === undefined) return failure.transientNetwork === true;
  if (LEGACY_STATUS.has(failure.status)) return true;
  return failure.status === 400 &&
    (LEGACY_THROTTLING_CODES.has(failure.code ?? "") ||
      (service === "sts" && failure.code === "IDPCommunicationError"));
}

/**
 * The wait before retry number `retry` (1 for the first retry) in `mode`, in milliseconds;
 * `random` is in [0, 1).
 */
export function retryDelayMs(
  mode: RetryMode,
  failure: AttemptFailure,
  retry: number,
  limits: Pick<
    Limits,
    "retryBaseMs" | "throttlingRetryBaseMs" | "legacyRetryBaseMs" | "maxRetryDelayMs"
  >,
  random: number,
): number {
  if (mode === "legacy") return random * limits.legacyRetryBaseMs * 2 ** (retry - 1);
  const base = failureKind(failure) === "throttling"
    ? limits.throttlingRetryBaseMs
    : limits.retryBaseMs;
  const delay = Math.floor(random * Math.min(base * 2 ** (retry - 1), limits.maxRetryDelayMs));
  if (failure.retryAfterMs === undefined) return delay;
  return Math.max(delay, Math.min(failure.retryAfterMs, delay + RETRY_AFTER_MAX_EXTRA_MS));
}

/** The standard mode's retry quota of one endpoint (the SDKs keep one per client). */
export class RetryQuota {
  #capacity = QUOTA_INITIAL;

  /** Takes the cost of one retry of `failure`; false (and nothing taken) when too little is left. */
  acquire(failure: AttemptFailure): number | undefined {
    const cost = failureKind(failure) === "throttling" ? QUOTA_THROTTLING_COST : QUOTA_RETRY_COST;
    if (this.#capacity < cost) return undefined;
    this.#capacity -= cost;
    return cost;
  }

  /** A success gives back the last retry's cost, or a little when there was no retry. */
  release(lastCost: number | undefined): void {
    this.#capacity = Math.min(
      QUOTA_INITIAL,
      this.#capacity + (lastCost ?? QUOTA_NO_RETRY_INCREMENT),
    );
  }

  get capacity(): number {
    return this.#capacity;
  }
}

/**
 * The adaptive mode's client-side rate limiter: the SDKs' CUBIC token bucket, on the runtime's
 * clock (seconds in the formulas, as in the SDKs).
 */
export class AdaptiveRateLimiter {
  #beta = 0.7;
  #minCapacity = 1;
  #minFillRate = 0.5;
  #scaleConstant = 0.4;
  #smooth = 0.8;
  #enabled = false;
  #availableTokens = 0;
  #lastMaxRate = 0;
  #measuredTxRate = 0;
  #requestCount = 0;
  #fillRate = this.#minFillRate;
  #lastThrottleTime: number;
  #lastTimestamp = 0;
  #lastTxRateBucket: number;
  #maxCapacity = this.#minCapacity;
  #timeWindow = 0;

  constructor(private readonly now: () => number) {
    this.#lastThrottleTime = this.#seconds();
    this.#lastTxRateBucket = Math.floor(this.#seconds());
  }

  #seconds(): number {
    return this.now() / 1000;
  }

  /** How long to wait (ms) before the next request may be sent; takes its token. */
  acquireDelayMs(): number {
    if (!this.#enabled) return 0;
    this.#refill();
    let delay = 0;
    if (this.#availableTokens < 1) {
      delay = ((1 - this.#availableTokens) / this.#fillRate) * 1000;
      this.#availableTokens = 1;
      this.#lastTimestamp = this.#seconds() + delay / 1000;
    }
    this.#availableTokens -= 1;
    return delay;
  }

  /** Records the outcome of a request: throttled or not. */
  update(throttled: boolean): void {
    this.#updateMeasuredRate();
    let rate: number;
    if (throttled) {
      const rateToUse = this.#enabled
        ? Math.min(this.#measuredTxRate, this.#fillRate)
        : this.#measuredTxRate;
      this.#lastMaxRate = rateToUse;
      this.#calculateTimeWindow();
      this.#lastThrottleTime = this.#seconds();
      rate = precise(rateToUse * this.#beta);
      this.#enabled = true;
    } else {
      this.#calculateTimeWindow();
      rate = precise(
        this.#scaleConstant *
            Math.pow(this.#seconds() - this.#lastThrottleTime - this.#timeWindow, 3) +
          this.#lastMaxRate,
      );
    }
    const newRate = Math.min(rate, 2 * this.#measuredTxRate);
    this.#refill();
    this.#fillRate = Math.max(newRate, this.#minFillRate);
    this.#maxCapacity = Math.max(newRate, this.#minCapacity);
    this.#availableTokens = Math.min(this.#availableTokens, this.#maxCapacity);
  }

  #refill(): void {
    const timestamp = this.#seconds();
    if (!this.#lastTimestamp) {
      this.#lastTimestamp = timestamp;
      return;
    }
    if (timestamp <= this.#lastTimestamp) return;
    const fill = (timestamp - this.#lastTimestamp) * this.#fillRate;
    this.#availableTokens = Math.min(this.#maxCapacity, this.#availableTokens + fill);
    this.#lastTimestamp = timestamp;
  }

  #calculateTimeWindow(): void {
    this.#timeWindow = precise(
      Math.pow((this.#lastMaxRate * (1 - this.#beta)) / this.#scaleConstant, 1 / 3),
    );
  }

  #updateMeasuredRate(): void {
    const t = this.#seconds();
    const bucket = Math.floor(t * 2) / 2;
    this.#requestCount++;
    if (bucket > this.#lastTxRateBucket) {
      const currentRate = this.#requestCount / (bucket - this.#lastTxRateBucket);
      this.#measuredTxRate = precise(
        currentRate * this.#smooth + this.#measuredTxRate * (1 - this.#smooth),
      );
      this.#requestCount = 0;
      this.#lastTxRateBucket = bucket;
    }
  }
}

function precise(n: number): number {
  return parseFloat(n.toFixed(8));
}

/** The quota and rate limiter of one endpoint, kept per runtime (the SDKs keep them per client). */
interface EndpointRetryState {
  quota: RetryQuota;
  limiter?: AdaptiveRateLimiter;
}

const states = new WeakMap<object, Map<string, EndpointRetryState>>();

/** What a {@link Retries} takes from the runtime: its clock and backoff limits. */
export interface RetryRuntime {
  now(): number;
  readonly limits: Pick<
    Limits,
    "retryBaseMs" | "throttlingRetryBaseMs" | "legacyRetryBaseMs" | "maxRetryDelayMs"
  >;
}

/**
 * The retry decisions of one call in one mode: when the next attempt may be sent, and whether and
 * after how long a failed attempt is tried again. The quota and the rate limiter are shared by
 * every call to the same endpoint in the same runtime.
 */
export class Retries {
  readonly #mode: RetryMode;
  readonly #maxAttempts: number;
  readonly #service: string;
  readonly #rt: RetryRuntime;
  readonly #state: EndpointRetryState;
  #lastCost: number | undefined;

  constructor(
    rt: RetryRuntime,
    endpoint: { url: string; service: string; mode: RetryMode; maxAttempts: number },
  ) {
    this.#rt = rt;
    this.#mode = endpoint.mode;
    this.#maxAttempts = endpoint.maxAttempts;
    this.#service = endpoint.service;
    let byEndpoint = states.get(rt);
    if (!byEndpoint) states.set(rt, byEndpoint = new Map());
    let state = byEndpoint.get(endpoint.url);
    if (!state) byEndpoint.set(endpoint.url, state = { quota: new RetryQuota() });
    if (this.#mode === "adaptive") state.limiter ??= new AdaptiveRateLimiter(() => rt.now());
    this.#state = state;
  }

  /** How long to wait before the next attempt may be sent (the adaptive mode's rate limiter). */
  sendDelayMs(): number {
    return this.#state.limiter?.acquireDelayMs() ?? 0;
  }

  /** Records a successful attempt. */
  succeeded(): void {
    this.#state.limiter?.update(false);
    this.#state.quota.release(this.#lastCost);
  }

  /**
   * Records failed attempt number `attempt`; the wait before the next one, or undefined when
   * there is none (a final failure, the last attempt, or the retry quota used up).
   */
  failed(failure: AttemptFailure, attempt: number, random = Math.random()): number | undefined {
    this.#state.limiter?.update(failureKind(failure) === "throttling");
    if (attempt >= this.#maxAttempts || !isRetryable(this.#mode, failure, this.#service)) {
      return undefined;
    }
    if (this.#mode !== "legacy") {
      const cost = this.#state.quota.acquire(failure);
      if (cost === undefined) return undefined;
      this.#lastCost = cost;
    }
    return retryDelayMs(this.#mode, failure, attempt, this.#rt.limits, random);
  }
}

/**
 * A response's retry hint in milliseconds: `x-amz-retry-after` (milliseconds), else
 * `Retry-After` (seconds, or an HTTP date); undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const amz = headers.get("x-amz-retry-after");
  if (amz !== null) {
    const ms = Number(amz.trim());
    return amz.trim() !== "" && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  }
  const header = headers.get("retry-after")?.trim();
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) && date >= now ? date - now : undefined;
}

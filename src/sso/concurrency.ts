import type { RateLimit, RetryPolicy } from "../base/limits.ts";
/**
 * Small helpers to call an API politely: a bounded-concurrency gate, a token-bucket rate limiter
 * and retries with exponential backoff for throttling. Time comes from an injected {@link Clock}
 * (the runtime's, `src/base/runtime.ts`), so the logic is deterministic under test.
 */

/** The passage of time, injectable. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Runs at most `limit` functions at once; the others wait their turn in call order. */
export class Semaphore {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`Semaphore limit must be at least 1, got ${limit}`);
  }

  /** Number of functions running now. */
  get active(): number {
    return this.#active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next) next();
      else this.#active--;
    }
  }
}

/**
 * A token bucket. `acquire()` resolves when a request may be sent; callers are served in order.
 * In any time window of `w` ms at most `burst + perSecond * w / 1000` acquisitions succeed.
 */
export class RateLimiter {
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly limit: RateLimit, readonly clock: Clock) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError("RateLimiter needs perSecond > 0 and burst >= 1");
    }
    this.#tokens = limit.burst;
    this.#last = clock.now();
  }

  acquire(): Promise<void> {
    const turn = this.#queue.then(() => this.#take());
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const { perSecond, burst } = this.limit;
      this.#tokens = Math.min(
        burst,
        this.#tokens + (Math.max(0, now - this.#last) * perSecond) / 1000,
      );
      this.#last = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / perSecond)));
    }
  }
}

/**
 * Delay before retry number `retry` (0-based): `min(max, base * 2^retry)`, scaled by a jitter
 * factor in [0.5, 1) drawn from `random` (a value in [0, 1)).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling * (0.5 + Math.min(Math.max(random, 0), 1) / 2));
}

/** Everything {@link RequestLimiter} needs. */
export interface RequestLimiterOptions {
  rate: RateLimit;
  retry: RetryPolicy;
  /** Whether a failure is worth another attempt (e.g. throttling). */
  isRetryable: (error: unknown) => boolean;
  clock: Clock;
  /** A number in [0, 1) for jitter (default Math.random). */
  random?: () => number;
  /** Called before each retry's delay (for logging). */
  onRetry?: (error: unknown, retry: number, delayMs: number) => void;
}

/**
 * Sends requests through a shared rate limit and retries the retryable failures with backoff;
 * every attempt (retries included) takes a token from the bucket.
 */
export class RequestLimiter {
  readonly #rate: RateLimiter;
  readonly #clock: Clock;
  /** Attempts made so far (all callers). */
  attempts = 0;
  /** Retries made so far (all callers). */
  retries = 0;

  constructor(readonly options: RequestLimiterOptions) {
    this.#clock = options.clock;
    this.#rate = new RateLimiter(options.rate, this.#clock);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const { retry, isRetryable, onRetry } = this.options;
    const random = this.options.random ?? Math.random;
    for (let n = 0;; n++) {
      await this.#rate.acquire();
      this.attempts++;
      try {
        return await fn();
      } catch (error) {
        if (n >= retry.retries || !isRetryable(error)) throw error;
        const delay = backoffDelay(n, retry, random());
        this.retries++;
        onRetry?.(error, n + 1, delay);
        await this.#clock.sleep(delay);
      }
    }
  }
}

/**
 * What a test injects into the fake: errors (next N calls or every call of an operation),
 * connection drops and response delays. Delays end early when the fake closes.
 *
 * @module
 */

import type { InjectedFailure, OpName } from "./types.ts";

/** Injected failures, drops and delays, per operation (the Identity Center's, or another fake's). */
export class FakeControl<Op extends string = OpName> {
  #failNext = new Map<Op, { failure: InjectedFailure; times: number }[]>();
  #failAlways = new Map<Op, InjectedFailure>();
  #dropNext = new Map<Op, number>();
  #delays = new Map<Op, number>();
  #sleepers = new Set<() => void>();
  #throttle = new Map<Op, { fraction: number; random: () => number }>();
  #throttled = new Map<Op, number>();

  /** Fail the next `times` (default 1) calls of `op` with the given error. */
  failNext(op: Op, failure: InjectedFailure & { times?: number }): void {
    const { times = 1, ...rest } = failure;
    const queue = this.#failNext.get(op) ?? [];
    queue.push({ failure: rest, times });
    this.#failNext.set(op, queue);
  }

  /** Fail every call of `op` with the given error until {@link clearFailures}. */
  failAlways(op: Op, failure: InjectedFailure): void {
    this.#failAlways.set(op, failure);
  }

  /** Drop the connection for the next `times` calls of `op`. */
  closeConnectionNext(op: Op, times = 1): void {
    this.#dropNext.set(op, (this.#dropNext.get(op) ?? 0) + times);
  }

  /** Removes all injected failures and connection drops (not delays). */
  clearFailures(): void {
    this.#failNext.clear();
    this.#failAlways.clear();
    this.#dropNext.clear();
    this.#throttle.clear();
  }

  /**
   * Throttle (HTTP 429 `TooManyRequestsException`) a `fraction` (0 to 1) of the calls of `op`,
   * chosen at random from `seed` (the same seed gives the same sequence); 0 stops it. Applies
   * after the "next" and "always" failures.
   */
  throttleFraction(op: Op, fraction: number, seed = 1): void {
    if (fraction > 0) this.#throttle.set(op, { fraction, random: seededRandom(seed) });
    else this.#throttle.delete(op);
  }

  /** Calls of `op` throttled by {@link throttleFraction} so far. */
  throttledCalls(op: Op): number {
    return this.#throttled.get(op) ?? 0;
  }

  /** Delay every response of `op` by `ms` (0 removes the delay). */
  delay(op: Op, ms: number): void {
    if (ms > 0) this.#delays.set(op, ms);
    else this.#delays.delete(op);
  }

  /** Waits for the delay set for `op`, if any (less if {@link wakeAll} is called meanwhile). */
  async waitDelay(op: Op): Promise<void> {
    const ms = this.#delays.get(op);
    if (ms !== undefined) await this.#sleep(ms);
  }

  /** Whether this call of `op` must be dropped (consumes one drop). */
  takeDrop(op: Op): boolean {
    const drops = this.#dropNext.get(op) ?? 0;
    if (drops <= 0) return false;
    this.#dropNext.set(op, drops - 1);
    return true;
  }

  /** The failure to inject into this call of `op`, if any (consumes a "next" failure). */
  takeFailure(op: Op): InjectedFailure | undefined {
    const queue = this.#failNext.get(op);
    const head = queue?.[0];
    if (queue && head) {
      if (--head.times <= 0) queue.shift();
      return head.failure;
    }
    const always = this.#failAlways.get(op);
    if (always) return always;
    const throttle = this.#throttle.get(op);
    if (throttle && throttle.random() < throttle.fraction) {
      this.#throttled.set(op, this.throttledCalls(op) + 1);
      return { errorType: "TooManyRequestsException" };
    }
    return undefined;
  }

  /** Ends every pending delay now (used when the fake closes). */
  wakeAll(): void {
    for (const wake of [...this.#sleepers]) wake();
  }

  /** Sleeps `ms`, or less if {@link wakeAll} is called meanwhile. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }
}

/** A small deterministic generator (mulberry32) of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

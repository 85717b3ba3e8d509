/**
 * What a test injects into the fake: errors (next N calls or every call of an operation),
 * connection drops and response delays. Delays end early when the fake closes.
 *
 * @module
 */

import type { InjectedFailure, OpName } from "./types.ts";

/** Injected failures, drops and delays, per operation. */
export class FakeControl {
  #failNext = new Map<OpName, { failure: InjectedFailure; times: number }[]>();
  #failAlways = new Map<OpName, InjectedFailure>();
  #dropNext = new Map<OpName, number>();
  #delays = new Map<OpName, number>();
  #sleepers = new Set<() => void>();

  /** Fail the next `times` (default 1) calls of `op` with the given error. */
  failNext(op: OpName, failure: InjectedFailure & { times?: number }): void {
    const { times = 1, ...rest } = failure;
    const queue = this.#failNext.get(op) ?? [];
    queue.push({ failure: rest, times });
    this.#failNext.set(op, queue);
  }

  /** Fail every call of `op` with the given error until {@link clearFailures}. */
  failAlways(op: OpName, failure: InjectedFailure): void {
    this.#failAlways.set(op, failure);
  }

  /** Drop the connection for the next `times` calls of `op`. */
  closeConnectionNext(op: OpName, times = 1): void {
    this.#dropNext.set(op, (this.#dropNext.get(op) ?? 0) + times);
  }

  /** Removes all injected failures and connection drops (not delays). */
  clearFailures(): void {
    this.#failNext.clear();
    this.#failAlways.clear();
    this.#dropNext.clear();
  }

  /** Delay every response of `op` by `ms` (0 removes the delay). */
  delay(op: OpName, ms: number): void {
    if (ms > 0) this.#delays.set(op, ms);
    else this.#delays.delete(op);
  }

  /** Waits for the delay set for `op`, if any (less if {@link wakeAll} is called meanwhile). */
  async waitDelay(op: OpName): Promise<void> {
    const ms = this.#delays.get(op);
    if (ms !== undefined) await this.#sleep(ms);
  }

  /** Whether this call of `op` must be dropped (consumes one drop). */
  takeDrop(op: OpName): boolean {
    const drops = this.#dropNext.get(op) ?? 0;
    if (drops <= 0) return false;
    this.#dropNext.set(op, drops - 1);
    return true;
  }

  /** The failure to inject into this call of `op`, if any (consumes a "next" failure). */
  takeFailure(op: OpName): InjectedFailure | undefined {
    const queue = this.#failNext.get(op);
    const head = queue?.[0];
    if (queue && head) {
      if (--head.times <= 0) queue.shift();
      return head.failure;
    }
    return this.#failAlways.get(op);
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

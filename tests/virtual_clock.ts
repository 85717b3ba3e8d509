/**
 * The clock of in-process test runtimes (`testRuntime()` and `runCli()` in `helpers.ts`): no test
 * waits for a real limit, a pace or a backoff.
 *
 * - `sleep(ms)` does not wait: the clock jumps to the sleeper's wake time and the sleeper goes on
 *   at once (after one turn of the event loop, so that I/O callbacks still run). Concurrent
 *   sleepers wake one at a time in the order of their wake times, so time moves to the latest of
 *   them, not by their sum.
 * - `now()` is the real time plus every jump so far, so real I/O (the fake server on loopback, a
 *   file lock held by another process) still takes the real time it takes; with `frozenAt` it is
 *   that time plus the jumps only: time moves only when something sleeps.
 * - `timeout(ms)` is an AbortSignal that aborts when the clock passes `ms` from now, by a jump or
 *   by real time. It is the runtime's `timeout` in module tests whose HTTP transport is a
 *   function (`tests/fake_http.ts`): a fake that does not answer sleeps until its signal aborts,
 *   and the jump lands exactly on the attempt's time limit. Runs against a real server keep the
 *   system's `AbortSignal.timeout`: a jump of another sleeper must not abort a request that is
 *   answered in real milliseconds.
 *
 * @module
 */
import { setImmediate } from "node:timers";

interface Pending {
  at: number;
  seq: number;
  /** A sleeper lets time jump; a time-out only fires when time reaches it. */
  sleeper: boolean;
  fire(): void;
}

/** A clock whose sleeps return at once and move it on (see the module's description). */
export class VirtualClock {
  readonly #frozenAt: number | undefined;
  #skipped = 0;
  #pending: Pending[] = [];
  #seq = 0;
  #ticking = false;

  /** `frozenAt`: start at that epoch time, and let only sleeps move the clock. */
  constructor(options: { frozenAt?: number } = {}) {
    this.#frozenAt = options.frozenAt;
  }

  /** Epoch milliseconds. */
  readonly now = (): number => (this.#frozenAt ?? Date.now()) + this.#skipped;

  /** The milliseconds sleeps have skipped so far. */
  get skippedMs(): number {
    return this.#skipped;
  }

  /**
   * Resolves when the clock has reached `ms` from now, which it jumps to unless an earlier
   * sleeper or time-out comes first; rejects with the signal's reason if `signal` aborts first.
   * `Infinity` sleeps until the signal aborts (a server that never answers).
   */
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.#remove(entry);
        reject(signal!.reason);
      };
      const entry = this.#add(ms, true, () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });

  /** An AbortSignal that aborts `ms` from now on this clock (or, at the latest, in real time). */
  readonly timeout = (ms: number): AbortSignal => {
    const controller = new AbortController();
    const entry = this.#add(
      ms,
      false,
      () => controller.abort(new DOMException("Signal timed out.", "TimeoutError")),
    );
    const real = AbortSignal.timeout(ms);
    real.addEventListener("abort", () => this.#remove(entry), { once: true });
    return AbortSignal.any([controller.signal, real]);
  };

  #add(ms: number, sleeper: boolean, fire: () => void): Pending {
    const entry = { at: this.now() + Math.max(0, ms), seq: this.#seq++, sleeper, fire };
    let i = this.#pending.length;
    while (i > 0 && this.#pending[i - 1].at > entry.at) i--;
    this.#pending.splice(i, 0, entry);
    this.#tick();
    return entry;
  }

  #remove(entry: Pending): void {
    const i = this.#pending.indexOf(entry);
    if (i >= 0) this.#pending.splice(i, 1);
  }

  /** After a turn of the event loop: wakes the earliest sleeper or time-out, jumping to it. */
  #tick(): void {
    if (this.#ticking || !this.#pending.some((p) => p.sleeper)) return;
    this.#ticking = true;
    setImmediate(() => {
      this.#ticking = false;
      const next = this.#pending[0];
      if (!next || next.at === Infinity || !this.#pending.some((p) => p.sleeper)) return;
      this.#pending.shift();
      const now = this.now();
      if (next.at > now) this.#skipped += next.at - now;
      next.fire();
      this.#tick();
    });
  }
}

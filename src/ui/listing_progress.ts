/**
 * The progress of a listing at organisation scale on stderr (`configure populate`): one line
 * updated in place on a terminal, a line now and then in a log.
 *
 * @module
 */
import type { Runtime } from "../base/runtime.ts";
import type { ListingProgress } from "../sso/organisation_listing.ts";

/** "Listing: 12/334 accounts, 40 roles, 0 throttled retries" */
function progressText(p: ListingProgress): string {
  const total = `${p.accountsKnown}${p.accountsComplete ? "" : "+"}`;
  return `Listing: ${p.accountsDone}/${total} accounts, ${p.roles} roles, ${p.throttledRetries} throttled retries`;
}

/**
 * The listing's progress on stderr: on a terminal, one line updated in place (at most 5 times a
 * second); otherwise (CI logs, a pipe) a line every `limits.populateProgressMs`.
 */
export function progressLine(rt: Runtime): {
  update: (p: ListingProgress) => void;
  done: () => Promise<void>;
} {
  if (!rt.stderr.isTerminal()) {
    let next = rt.now() + rt.limits.populateProgressMs;
    let pending: Promise<void> = Promise.resolve();
    return {
      update: (p) => {
        if (rt.now() < next) return;
        next = rt.now() + rt.limits.populateProgressMs;
        const line = `${progressText(p)}\n`;
        pending = pending.then(() => rt.stderr.write(line)).catch(() => {});
      },
      done: () => pending,
    };
  }
  let last = 0;
  let shown = false;
  let pending: Promise<void> = Promise.resolve();
  return {
    update: (p) => {
      const now = rt.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      const text = `\r${progressText(p)}\x1b[K`;
      pending = pending.then(() => rt.stderr.write(text)).catch(() => {});
    },
    done: async () => {
      await pending;
      if (shown) await rt.stderr.write("\r\x1b[K");
    },
  };
}

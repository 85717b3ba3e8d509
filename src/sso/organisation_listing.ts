/**
 * Every account and role of an organisation-sized assignment list, for `configure populate`:
 * ListAccounts pages are read one after the other while the roles of the accounts already known
 * are listed by a bounded pool of workers, all calls through one shared limiter (rate under the
 * service's limit; throttled calls retried with jittered exponential backoff until a deadline,
 * not a fixed small count). Progress is reported after every call.
 *
 * @module
 */
import type { DebugLog } from "../base/debug_log.ts";
import type { Limits } from "../base/limits.ts";
import {
  createRolesLimiter,
  listAllAccountRoles,
  type Listing,
  PageTokens,
} from "./account_listing.ts";
import { type Clock, type RequestLimiter, Semaphore } from "./concurrency.ts";
import { type AccountInfo, listAccountsPage } from "./sso_api.ts";

/** Where the listing stands. */
export interface ListingProgress {
  accountsKnown: number;
  /** All pages of ListAccounts read. */
  accountsComplete: boolean;
  accountsDone: number;
  roles: number;
  throttledRetries: number;
}

/** One account and its roles. */
export interface AccountRoles {
  account: AccountInfo;
  roles: string[];
}

/**
 * A limiter for a long listing: `limits.populateRate` for every attempt, throttling retried with
 * `limits.populateRetry`'s backoff (jittered) for as long as the clock is before `deadline`.
 */
export function createPatientLimiter(
  rt: Clock & { limits: Pick<Limits, "populateRate" | "populateRetry"> },
  deadline: number,
  log?: DebugLog,
  random?: () => number,
): RequestLimiter {
  return createRolesLimiter({
    clock: rt,
    random,
    log,
    rate: rt.limits.populateRate,
    retry: { retries: Number.MAX_SAFE_INTEGER, ...rt.limits.populateRetry },
    retryWhile: () => rt.now() < deadline,
  });
}

/**
 * Lists every account (all pages) and every account's roles (all pages), with the roles of a
 * page's accounts listed while the next page loads (the listing's limiter paces every call). Results are in ListAccounts order. On a failure nothing new starts and the calls in
 * flight are awaited before the error is thrown.
 */
export async function listOrganisation(
  listing: Listing,
  onProgress?: (progress: ListingProgress) => void,
): Promise<AccountRoles[]> {
  const gate = new Semaphore(listing.concurrency);
  const progress: ListingProgress = {
    accountsKnown: 0,
    accountsComplete: false,
    accountsDone: 0,
    roles: 0,
    throttledRetries: 0,
  };
  const report = () => {
    progress.throttledRetries = listing.limiter.retries;
    onProgress?.({ ...progress });
  };
  let failed = false;
  const tasks: Promise<AccountRoles>[] = [];
  try {
    const tokens = new PageTokens("ListAccounts");
    let nextToken: string | undefined;
    do {
      const page = await listing.limiter.run(() =>
        listAccountsPage(listing.api(), listing.accessToken, nextToken)
      ).catch((error) => {
        throw listing.rejection(error);
      });
      for (const account of page.items) {
        const task = gate.run(async () => {
          if (failed) return { account, roles: [] };
          const roles = await listAllAccountRoles(listing, account.accountId);
          progress.accountsDone++;
          progress.roles += roles.length;
          report();
          return { account, roles };
        });
        task.catch(() => {
          failed = true;
        });
        tasks.push(task);
      }
      progress.accountsKnown += page.items.length;
      nextToken = tokens.follow(page.nextToken);
      report();
    } while (nextToken && !failed);
    progress.accountsComplete = true;
    report();
    const results = await Promise.all(tasks);
    listing.log.log(
      `listed ${results.length} account(s), ${progress.roles} role(s), ${listing.limiter.attempts} request(s), ${listing.limiter.retries} throttled retr(ies)`,
    );
    return results;
  } catch (error) {
    failed = true;
    await Promise.allSettled(tasks);
    throw listing.rejection(error);
  }
}

/**
 * The one account/role listing of the tool (`roles`, and the pickers of `configure profile`):
 * every page of ListAccounts and ListAccountRoles, with bounded concurrency, a request rate under
 * the service's limit shared by all calls, and retries of throttled calls.
 */
import { type Clock, RequestLimiter, Semaphore } from "./concurrency.ts";
import type { DebugLog } from "../base/debug_log.ts";
import { LIMITS, type Limits, type RateLimit, type RetryPolicy } from "../base/limits.ts";
import type { SsoSession } from "./session.ts";
import { AwsApiError, type CliError } from "../base/errors.ts";
import {
  type AccountInfo,
  type ApiContext,
  listAccountRolesPage,
  listAccountsPage,
  type Page,
} from "./sso_api.ts";

/** ListAccountRoles calls in flight at once. */
export const ROLES_CONCURRENCY = 4;

/** True for a throttling error (HTTP 429 TooManyRequestsException or a ThrottlingException). */
export function isThrottling(error: unknown): boolean {
  return error instanceof AwsApiError &&
    /TooManyRequests|Throttl|SlowDown/i.test(error.errorCode);
}

/**
 * The listing's limiter: `limits.rolesRate` and `limits.throttleRetry` unless given, retrying
 * throttled calls (while `retryWhile()` holds, when given).
 */
export function createRolesLimiter(
  options: {
    clock: Clock;
    /** Default: the real {@link LIMITS}. */
    limits?: Pick<Limits, "rolesRate" | "throttleRetry">;
    random?: () => number;
    log?: DebugLog;
    rate?: RateLimit;
    retry?: RetryPolicy;
    retryWhile?: () => boolean;
  },
): RequestLimiter {
  const { retryWhile } = options;
  return new RequestLimiter({
    rate: options.rate ?? (options.limits ?? LIMITS).rolesRate,
    retry: options.retry ?? (options.limits ?? LIMITS).throttleRetry,
    isRetryable: (error) => isThrottling(error) && (retryWhile?.() ?? true),
    clock: options.clock,
    random: options.random,
    onRetry: (error, retry, delay) =>
      options.log?.log(
        `throttled (${(error as AwsApiError).errorCode}); retry ${retry} in ${delay}ms`,
      ),
  });
}

/** How one listing runs: until when, at what pace, and what a rejected token becomes. */
export interface ListingOptions {
  /**
   * Epoch ms by which the whole listing must be done (the command's deadline): no page starts
   * after it, and no page call runs past it.
   */
  deadline: number;
  /** Shared by all calls (default: {@link createRolesLimiter}). */
  limiter?: RequestLimiter;
  /** Accounts whose roles are listed at once (default {@link ROLES_CONCURRENCY}). */
  concurrency?: number;
  /**
   * The error to throw when the service rejects the token (UnauthorizedException); without it,
   * that AwsApiError is thrown (for a caller that logs in again and retries).
   */
  unauthorized?: () => CliError;
}

/**
 * One listing of a session's accounts and roles with one access token: the portal calls, paced
 * by one limiter, each page given `listingPageMs` and none past the listing's deadline.
 */
export class Listing {
  readonly limiter: RequestLimiter;
  readonly concurrency: number;
  readonly deadline: number;
  readonly #unauthorized?: () => CliError;

  constructor(readonly session: SsoSession, readonly accessToken: string, options: ListingOptions) {
    const { rt, log } = session;
    this.deadline = options.deadline;
    this.limiter = options.limiter ?? createRolesLimiter({ clock: rt, limits: rt.limits, log });
    this.concurrency = options.concurrency ?? ROLES_CONCURRENCY;
    this.#unauthorized = options.unauthorized;
  }

  get log(): DebugLog {
    return this.session.log;
  }

  /**
   * The API context of one listing call: its page gets `listingPageMs` from now, never past the
   * listing's deadline. Throws the listing's time-out when that deadline has passed.
   */
  api(): ApiContext {
    const now = this.session.rt.now();
    if (now >= this.deadline) {
      throw new AwsApiError(
        "Listing the accounts and roles did not finish within the time limit; try again later.",
        "Timeout",
      );
    }
    return this.session.api(
      "sso",
      Math.min(this.deadline, now + this.session.rt.limits.listingPageMs),
    );
  }

  /** `error`, or the listing's own error for a token the service rejected. */
  rejection(error: unknown): unknown {
    const rejected = error instanceof AwsApiError && error.errorCode === "UnauthorizedException";
    return rejected && this.#unauthorized ? this.#unauthorized() : error;
  }
}

/**
 * The page tokens of one paged listing: a token the service already gave would make the listing
 * start over for ever, so it ends the listing with one sentence (exit 4) instead.
 */
export class PageTokens {
  readonly #seen = new Set<string>();

  constructor(readonly operation: string) {}

  /** `token` (undefined: the last page), after checking it was not given before. */
  follow(token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    if (this.#seen.has(token)) {
      throw new AwsApiError(
        `The SSO service returned the same ${this.operation} page token twice, so the listing would never end; try again later.`,
        "InvalidResponse",
      );
    }
    this.#seen.add(token);
    return token;
  }
}

/** Every item of a listing, one paced page call after the other. */
async function allPages<T>(
  listing: Listing,
  operation: string,
  page: (api: ApiContext, nextToken?: string) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  const tokens = new PageTokens(operation);
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const result = await listing.limiter.run(() => page(listing.api(), nextToken)).catch(
      (error) => {
        throw listing.rejection(error);
      },
    );
    items.push(...result.items);
    nextToken = tokens.follow(result.nextToken);
    pages++;
  } while (nextToken);
  return { items, pages };
}

/** Every account, following every page of ListAccounts. */
export async function listAllAccounts(listing: Listing): Promise<AccountInfo[]> {
  const { items, pages } = await allPages(
    listing,
    "ListAccounts",
    (api, next) => listAccountsPage(api, listing.accessToken, next),
  );
  listing.log.log(`ListAccounts: ${items.length} account(s) in ${pages} page(s)`);
  return items;
}

/** Every role of one account, following every page of ListAccountRoles. */
export async function listAllAccountRoles(
  listing: Listing,
  accountId: string,
): Promise<string[]> {
  const { items } = await allPages(
    listing,
    "ListAccountRoles",
    (api, next) => listAccountRolesPage(api, listing.accessToken, accountId, next),
  );
  return items;
}

/**
 * The roles of each account, yielded in the accounts' order while up to `concurrency` accounts
 * are listed at once. On a failure (or when the consumer stops early) nothing new is started and
 * the calls in flight are awaited before the generator finishes.
 */
export async function* accountsWithRoles(
  listing: Listing,
  accounts: readonly AccountInfo[],
): AsyncGenerator<{ account: AccountInfo; roles: string[] }> {
  const gate = new Semaphore(listing.concurrency);
  let stopped = false;
  const tasks = accounts.map((a) =>
    gate.run(() => stopped ? Promise.resolve([]) : listAllAccountRoles(listing, a.accountId))
  );
  for (const task of tasks) task.catch(() => {}); // each is awaited below, in order
  try {
    for (let i = 0; i < accounts.length; i++) {
      yield { account: accounts[i], roles: await tasks[i] };
    }
  } finally {
    stopped = true;
    await Promise.allSettled(tasks);
  }
}

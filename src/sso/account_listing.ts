/**
 * The one account/role listing of the tool (`roles`, and the pickers of `configure profile`):
 * every page of ListAccounts and ListAccountRoles, with bounded concurrency, a request rate under
 * the service's limit shared by all calls, and retries of throttled calls.
 */
import { type Clock, RequestLimiter, Semaphore } from "./concurrency.ts";
import type { DebugLog } from "../base/debug_log.ts";
import { LIMITS, type Limits, type RateLimit, type RetryPolicy } from "../base/limits.ts";
import type { ResolvedEndpoint } from "../config/endpoints.ts";
import { AwsApiError, type CliError } from "../base/errors.ts";
import {
  type AccountInfo,
  type ApiContext,
  type CallRuntime,
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

/** Where and with what token to list. */
export interface ListingContext {
  /** Clock, limits (`listingPageMs`: one page, the API client's retries included) and transport. */
  rt: CallRuntime;
  /** The portal's endpoint. */
  endpoint: ResolvedEndpoint;
  accessToken: string;
  /**
   * Epoch ms by which the whole listing must be done (the command's deadline): no page starts
   * after it, and no page call runs past it.
   */
  deadline: number;
  log?: DebugLog;
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
 * The API context of one listing call: its page gets `listingPageMs` from now, never past the
 * listing's deadline. Throws the listing's time-out when that deadline has passed.
 */
export function listingApiContext(ctx: ListingContext): ApiContext {
  const now = ctx.rt.now();
  if (now >= ctx.deadline) {
    throw new AwsApiError(
      "Listing the accounts and roles did not finish within the time limit; try again later.",
      "Timeout",
    );
  }
  return {
    rt: ctx.rt,
    endpoint: ctx.endpoint,
    deadline: Math.min(ctx.deadline, now + ctx.rt.limits.listingPageMs),
    log: ctx.log,
  };
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

function limiterOf(ctx: ListingContext): RequestLimiter {
  ctx.limiter ??= createRolesLimiter({ clock: ctx.rt, limits: ctx.rt.limits, log: ctx.log });
  return ctx.limiter;
}

/** Every item of a listing, one paced page call after the other. */
async function allPages<T>(
  ctx: ListingContext,
  operation: string,
  page: (api: ApiContext, nextToken?: string) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const limiter = limiterOf(ctx);
  const items: T[] = [];
  const tokens = new PageTokens(operation);
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const result = await limiter.run(() => page(listingApiContext(ctx), nextToken)).catch(
      (error) => {
        const rejected = error instanceof AwsApiError &&
          error.errorCode === "UnauthorizedException";
        throw rejected && ctx.unauthorized ? ctx.unauthorized() : error;
      },
    );
    items.push(...result.items);
    nextToken = tokens.follow(result.nextToken);
    pages++;
  } while (nextToken);
  return { items, pages };
}

/** Every account, following every page of ListAccounts. */
export async function listAllAccounts(ctx: ListingContext): Promise<AccountInfo[]> {
  const { items, pages } = await allPages(
    ctx,
    "ListAccounts",
    (api, next) => listAccountsPage(api, ctx.accessToken, next),
  );
  ctx.log?.log(`ListAccounts: ${items.length} account(s) in ${pages} page(s)`);
  return items;
}

/** Every role of one account, following every page of ListAccountRoles. */
export async function listAllAccountRoles(
  ctx: ListingContext,
  accountId: string,
): Promise<string[]> {
  const { items } = await allPages(
    ctx,
    "ListAccountRoles",
    (api, next) => listAccountRolesPage(api, ctx.accessToken, accountId, next),
  );
  return items;
}

/**
 * The roles of each account, yielded in the accounts' order while up to `concurrency` accounts
 * are listed at once. On a failure (or when the consumer stops early) nothing new is started and
 * the calls in flight are awaited before the generator finishes.
 */
export async function* accountsWithRoles(
  ctx: ListingContext,
  accounts: readonly AccountInfo[],
): AsyncGenerator<{ account: AccountInfo; roles: string[] }> {
  const gate = new Semaphore(ctx.concurrency ?? ROLES_CONCURRENCY);
  let stopped = false;
  const tasks = accounts.map((a) =>
    gate.run(() => stopped ? Promise.resolve([]) : listAllAccountRoles(ctx, a.accountId))
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

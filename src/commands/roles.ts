/**
 * `aws-sso-util roles`: list the accounts and roles the SSO login gives access to, following every
 * page of ListAccounts and ListAccountRoles, with bounded concurrency, a request rate under the
 * service's limit, and retries of throttled calls.
 */
import { type Command, Option } from "npm:commander@15.1.0";
import {
  type Clock,
  type RateLimit,
  RequestLimiter,
  type RetryPolicy,
  Semaphore,
} from "../sso/concurrency.ts";
import { DebugLog, redact } from "../debug_log.ts";
import { profileEndpointConfig, resolveEndpoint } from "../config/endpoints.ts";
import type { CaBundle } from "../net/http_client.ts";
import { AwsApiError, ConfigError, LoginRequiredError } from "../errors.ts";
import { type FoundInstance, resolveInstance } from "../config/instance.ts";
import { writeText } from "../ui/output.ts";
import { awsPaths, type Env, processEnv } from "../config/paths.ts";
import {
  type AccountFilter,
  accountFilter,
  accountMatches,
  columnOrder,
  compilePattern,
  effectiveSort,
  formatJson,
  formatTable,
  headerLine,
  parseSortBy,
  roleMatches,
  type RoleRow,
  rowLine,
  sortRows,
} from "../ui/roles_table.ts";
import { loadConfigFile, type SsoInstance } from "../config/settings.ts";
import {
  type AccountInfo,
  type ApiContext,
  listAccountRolesPage,
  listAccountsPage,
} from "../sso/sso_api.ts";
import { getUsableToken, loginRequiredMessage } from "../sso/token_provider.ts";
import { isTokenFresh, readToken, type SsoToken, tokenFilePath } from "../cache/token_cache.ts";

/** ListAccountRoles calls in flight at once. */
export const ROLES_CONCURRENCY = 4;
/** At most 4 + 15 = 19 requests in any one-second window: under the service's ~20/s. */
export const ROLES_RATE: RateLimit = { perSecond: 15, burst: 4 };
/** Retries of a call still throttled after the SDK's own retries. */
export const THROTTLE_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 1000, maxDelayMs: 8000 };
/** One page request is abandoned after this long (SDK retries included). */
export const PAGE_TIME_LIMIT_MS = 30_000;
/** Getting (or refreshing) the token is abandoned after this long. */
const TOKEN_TIME_LIMIT_MS = 28_000;

/** True for a throttling error (HTTP 429 TooManyRequestsException or a ThrottlingException). */
export function isThrottling(error: unknown): boolean {
  return error instanceof AwsApiError &&
    /TooManyRequests|Throttl|SlowDown/i.test(error.errorCode);
}

/** The limiter `roles` uses: {@link ROLES_RATE}, {@link THROTTLE_RETRY}, retrying throttling. */
export function createRolesLimiter(
  options: { clock?: Clock; random?: () => number; log?: DebugLog } = {},
): RequestLimiter {
  return new RequestLimiter({
    rate: ROLES_RATE,
    retry: THROTTLE_RETRY,
    isRetryable: isThrottling,
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
  region: string;
  endpoint: string;
  caBundle?: CaBundle;
  accessToken: string;
  log?: DebugLog;
  /** Shared by all calls (default: {@link createRolesLimiter}). */
  limiter?: RequestLimiter;
  /** Accounts whose roles are listed at once (default {@link ROLES_CONCURRENCY}). */
  concurrency?: number;
  now?: () => number;
}

function apiContext(ctx: ListingContext): ApiContext {
  return {
    region: ctx.region,
    endpoint: ctx.endpoint,
    caBundle: ctx.caBundle,
    deadline: (ctx.now ?? Date.now)() + PAGE_TIME_LIMIT_MS,
    log: ctx.log,
  };
}

function limiterOf(ctx: ListingContext): RequestLimiter {
  ctx.limiter ??= createRolesLimiter({ log: ctx.log });
  return ctx.limiter;
}

/** Every account, following every page of ListAccounts. */
export async function listAllAccounts(ctx: ListingContext): Promise<AccountInfo[]> {
  const limiter = limiterOf(ctx);
  const accounts: AccountInfo[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await limiter.run(() =>
      listAccountsPage(apiContext(ctx), ctx.accessToken, nextToken)
    );
    accounts.push(...page.items);
    nextToken = page.nextToken;
    pages++;
  } while (nextToken);
  ctx.log?.log(`ListAccounts: ${accounts.length} account(s) in ${pages} page(s)`);
  return accounts;
}

/** Every role of one account, following every page of ListAccountRoles. */
export async function listAllAccountRoles(
  ctx: ListingContext,
  accountId: string,
): Promise<string[]> {
  const limiter = limiterOf(ctx);
  const roles: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await limiter.run(() =>
      listAccountRolesPage(apiContext(ctx), ctx.accessToken, accountId, nextToken)
    );
    roles.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return roles;
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

/** Filters applied while listing (accounts are filtered before their roles are listed). */
export interface RoleFilters {
  accounts?: AccountFilter;
  roles?: RegExp[];
}

/** Rows of one account that pass the role filter. */
function rowsOf(account: AccountInfo, roles: string[], filters: RoleFilters): RoleRow[] {
  return roles.filter((r) => roleMatches(filters.roles ?? [], r)).map((roleName) => ({
    accountId: account.accountId,
    accountName: account.accountName,
    roleName,
  }));
}

/** Every (account, role) pair that passes the filters, in ListAccounts order. */
export async function listAvailableRoles(
  ctx: ListingContext,
  filters: RoleFilters = {},
  onRows?: (rows: RoleRow[]) => Promise<void> | void,
): Promise<RoleRow[]> {
  const accounts = (await listAllAccounts(ctx)).filter((a) =>
    !filters.accounts || accountMatches(filters.accounts, a.accountId, a.accountName)
  );
  const rows: RoleRow[] = [];
  for await (const { account, roles } of accountsWithRoles(ctx, accounts)) {
    const found = rowsOf(account, roles, filters);
    rows.push(...found);
    await onRows?.(found);
  }
  ctx.log?.log(`${rows.length} role(s) in ${accounts.length} account(s)`);
  return rows;
}

/** Parsed options of the command. */
export interface RolesOptions {
  ssoStartUrl?: string;
  ssoRegion?: string;
  profile?: string;
  accountId?: string[];
  account?: string[];
  roleName?: string[];
  separator?: string;
  sep?: string;
  header?: boolean;
  sortBy?: string;
  output?: string;
  forceRefresh?: boolean;
  verbose?: boolean;
}

/** The outside world of the command. */
export interface RolesContext {
  env: Env;
  now: () => number;
  write: (text: string) => Promise<void>;
}

/**
 * The token to use for an instance. For an sso-session found by its start URL
 * ({@link FoundInstance.sameUrlLegacy}), the token cache may hold the session's token, the
 * legacy start-URL-keyed one (`aws sso login` of a legacy profile), or both: a fresh one is
 * taken first, and the other is tried when the first needs a login.
 */
export async function instanceToken(
  instance: FoundInstance,
  ssoCacheDir: string,
  now: number,
  getToken: (candidate: SsoInstance) => Promise<SsoToken>,
): Promise<SsoToken> {
  const candidates: SsoInstance[] = [instance];
  const legacy = instance.sameUrlLegacy;
  if (legacy !== undefined) {
    const fresh = async (i: SsoInstance) => {
      const token = await readToken(await tokenFilePath(ssoCacheDir, i));
      return token !== undefined && isTokenFresh(token, now);
    };
    if (!await fresh(instance) && await fresh(legacy)) candidates.unshift(legacy);
    else candidates.push(legacy);
  }
  let loginRequired: LoginRequiredError | undefined;
  for (const candidate of candidates) {
    try {
      return await getToken(candidate);
    } catch (error) {
      if (!(error instanceof LoginRequiredError)) throw error;
      loginRequired ??= error;
    }
  }
  throw loginRequired;
}

/** Resolves the instance and token, lists, filters, sorts and prints the roles on stdout. */
export async function runRoles(options: RolesOptions, ctx: RolesContext): Promise<void> {
  const log = new DebugLog(Boolean(options.verbose));
  try {
    await listAndPrint(options, ctx, log);
  } finally {
    for (const line of log.lines) await writeText(Deno.stderr, `${line}\n`);
  }
}

async function listAndPrint(options: RolesOptions, ctx: RolesContext, log: DebugLog) {
  // Validate every flag before any file or network access.
  const json = options.output === "json";
  const separator = options.separator ?? options.sep;
  const sort = effectiveSort(parseSortBy(options.sortBy), separator, json);
  const filters: RoleFilters = {
    accounts: accountFilter([...(options.accountId ?? []), ...(options.account ?? [])]),
    roles: (options.roleName ?? []).map((p) => compilePattern(p, "--role-name")),
  };
  const format = { columns: columnOrder(sort), separator, header: options.header !== false };
  if (options.ssoStartUrl !== undefined && options.profile !== undefined) {
    throw new ConfigError("Give either -u/--sso-start-url or --profile, not both.");
  }

  const paths = awsPaths(ctx.env);
  const config = await loadConfigFile(paths.configFile);
  const instance = resolveInstance(
    { startUrl: options.ssoStartUrl, ssoRegion: options.ssoRegion, profile: options.profile },
    ctx.env,
    config,
    paths.configFile,
  );
  log.log(`instance ${instance.startUrl} ${instance.ssoRegion} (${instance.source})`);
  const endpointConfig = profileEndpointConfig(config, options.profile);
  const message = loginRequiredMessage(instance, options.profile);
  const deadline = ctx.now() + TOKEN_TIME_LIMIT_MS;
  const token = await instanceToken(
    instance,
    paths.ssoCacheDir,
    ctx.now(),
    (candidate) =>
      getUsableToken(candidate, {
        ssoCacheDir: paths.ssoCacheDir,
        env: ctx.env,
        endpointConfig,
        now: ctx.now,
        deadline,
        log,
        forceRefresh: options.forceRefresh,
        loginRequiredMessage: message,
      }),
  );
  const endpoint = resolveEndpoint("sso", instance.ssoRegion, ctx.env, endpointConfig);
  log.log(`token ${redact(token.accessToken)}; portal ${endpoint.url} (${endpoint.source})`);
  const listing: ListingContext = {
    region: instance.ssoRegion,
    endpoint: endpoint.url,
    caBundle: endpoint.caBundle,
    accessToken: token.accessToken,
    log,
    now: ctx.now,
  };

  const streaming = !json && sort === undefined;
  try {
    if (streaming) {
      // The header goes out with the first rows, so that a failed first call prints nothing.
      let pending = headerLine(format);
      const write = async (lines: string[]) => {
        if (pending !== undefined) lines.unshift(pending);
        pending = undefined;
        if (lines.length > 0) await ctx.write(lines.map((l) => `${l}\n`).join(""));
      };
      await listAvailableRoles(
        listing,
        filters,
        (rows) => write(rows.map((r) => rowLine(r, format))),
      );
      await write([]);
      return;
    }
    const rows = sortRows(await listAvailableRoles(listing, filters), sort ?? []);
    await ctx.write(json ? formatJson(rows) : formatTable(rows, format));
  } catch (error) {
    if (error instanceof AwsApiError && error.errorCode === "UnauthorizedException") {
      throw new LoginRequiredError(`The SSO token was rejected as unauthorized. ${message}`);
    }
    throw error;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `roles` on the program. */
export function register(program: Command): void {
  program.command("roles")
    .summary("list the accounts and roles you can access")
    .description(
      "List the accounts and roles you can access. The SSO instance comes from --profile, " +
        "-u/--sso-start-url and --sso-region, AWS_DEFAULT_SSO_START_URL/AWS_DEFAULT_SSO_REGION, " +
        "or the single one in the AWS config file.",
    )
    .option("-u, --sso-start-url <URL>", "SSO start URL, or a substring/regex of a configured one")
    .option("--sso-region <REGION>", "SSO region of the start URL")
    .option("--profile <NAME>", "use the SSO instance of this profile")
    .addOption(
      new Option(
        "-a, --account-id <ACCOUNT>",
        "only accounts whose id starts or ends with ACCOUNT or whose name matches it as a regex (repeatable)",
      ).argParser(collect),
    )
    .addOption(new Option("--account <ACCOUNT>").argParser(collect).hideHelp())
    .addOption(
      new Option("-r, --role-name <REGEX>", "only roles whose name matches the regex (repeatable)")
        .argParser(collect),
    )
    .option(
      "--separator <SEP>",
      "separate fields with SEP instead of aligning columns (alias --sep); without --sort-by, rows print as they arrive",
    )
    .addOption(new Option("--sep <SEP>").hideHelp())
    .option("--header", "print the header row (default)")
    .option("--no-header", "do not print the header row")
    .option(
      "--sort-by <KEYS>",
      "sort and order columns by id,role | name,role | role,id | role,name (default name,role without --separator)",
    )
    .addOption(
      new Option("-o, --output <FORMAT>", "output format (default text)").choices(["text", "json"]),
    )
    .option("--force-refresh", "refresh the SSO token first (when it can be refreshed)")
    .option("-v, --verbose", "print debug lines on stderr")
    .action(async (options: RolesOptions) => {
      await runRoles(options, {
        env: processEnv,
        now: Date.now,
        write: (text) => writeText(Deno.stdout, text),
      });
    });
}

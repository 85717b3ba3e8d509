/**
 * `aws-sso-util roles`: list the accounts and roles the SSO login gives access to, following every
 * page of ListAccounts and ListAccountRoles, with bounded concurrency, a request rate under the
 * service's limit, and retries of throttled calls.
 */
import { type Command, Option } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { DebugLog, redact } from "../base/debug_log.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { ConfigError, FAILURE_CODES, LoginRequiredError } from "../base/errors.ts";
import { resolveInstance } from "../config/instance.ts";
import type { Runtime } from "../base/runtime.ts";
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
import { loadConfigFile } from "../config/settings.ts";
import type { UserPattern } from "../base/user_pattern.ts";
import type { AccountInfo } from "../sso/sso_api.ts";
import { accountsWithRoles, listAllAccounts, Listing } from "../sso/account_listing.ts";
import { getUsableTokenOfEither } from "../sso/token_provider.ts";
import { SsoSession } from "../sso/session.ts";

// The listing's limiter, as the tests of this command know it.
export { createRolesLimiter, isThrottling } from "../sso/account_listing.ts";

/** Filters applied while listing (accounts are filtered before their roles are listed). */
export interface RoleFilters {
  accounts?: AccountFilter;
  roles?: UserPattern[];
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
  listing: Listing,
  filters: RoleFilters = {},
  onRows?: (rows: RoleRow[]) => Promise<void> | void,
): Promise<RoleRow[]> {
  const accounts = (await listAllAccounts(listing)).filter((a) =>
    !filters.accounts || accountMatches(filters.accounts, a.accountId, a.accountName)
  );
  const rows: RoleRow[] = [];
  for await (const { account, roles } of accountsWithRoles(listing, accounts)) {
    const found = rowsOf(account, roles, filters);
    rows.push(...found);
    await onRows?.(found);
  }
  listing.log.log(`${rows.length} role(s) in ${accounts.length} account(s)`);
  return rows;
}

/** Parsed options of the command. */
export interface RolesOptions {
  ssoStartUrl?: string;
  ssoRegion?: string;
  profile?: string;
  accountId?: string[];
  roleName?: string[];
  separator?: string;
  header?: boolean;
  sortBy?: string;
  output?: string;
  forceRefresh?: boolean;
  verbose?: boolean;
}

/** Resolves the instance and token, lists, filters, sorts and prints the roles on stdout. */
export async function runRoles(options: RolesOptions, rt: Runtime): Promise<void> {
  const log = new DebugLog(Boolean(options.verbose));
  try {
    await listAndPrint(options, rt, log);
  } finally {
    for (const line of log.lines) await rt.stderr.write(`${line}\n`);
  }
}

async function listAndPrint(options: RolesOptions, rt: Runtime, log: DebugLog) {
  // Validate every flag before any file or network access.
  const json = options.output === "json";
  const separator = options.separator;
  const sort = effectiveSort(parseSortBy(options.sortBy), separator, json);
  const filters: RoleFilters = {
    accounts: accountFilter(options.accountId ?? []),
    roles: (options.roleName ?? []).map((p) => compilePattern(p, "--role-name")),
  };
  const format = { columns: columnOrder(sort), separator, header: options.header !== false };
  if (options.ssoStartUrl !== undefined && options.profile !== undefined) {
    throw new ConfigError("Give either -u/--sso-start-url or --profile, not both.");
  }

  const paths = rt.paths();
  const config = await loadConfigFile(paths.configFile);
  const instance = resolveInstance(
    { startUrl: options.ssoStartUrl, ssoRegion: options.ssoRegion, profile: options.profile },
    rt.env,
    config,
    paths.configFile,
  );
  log.log(`instance ${instance.startUrl} ${instance.ssoRegion} (${instance.source})`);
  const session = new SsoSession({
    rt,
    instance,
    config,
    log,
    profileName: options.profile,
  });
  const token = await getUsableTokenOfEither(session, {
    deadline: rt.now() + rt.limits.rolesTokenMs,
    forceRefresh: options.forceRefresh,
  });
  const endpoint = session.endpoint("sso");
  log.log(`token ${redact(token.accessToken)}; portal ${endpoint.url} (${endpoint.source})`);
  const listing = new Listing(session, token.accessToken, {
    deadline: rt.now() + rt.limits.listingMs,
    unauthorized: () =>
      new LoginRequiredError(
        `The SSO token was rejected as unauthorized. ${session.loginRequiredMessage}`,
      ),
  });

  const streaming = !json && sort === undefined;
  if (streaming) {
    // The header goes out with the first rows, so that a failed first call prints nothing.
    let pending = headerLine(format);
    const write = async (lines: string[]) => {
      if (pending !== undefined) lines.unshift(pending);
      pending = undefined;
      if (lines.length > 0) await rt.stdout.write(lines.map((l) => `${l}\n`).join(""));
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
  await rt.stdout.write(json ? formatJson(rows) : formatTable(rows, format));
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `roles` on the program. */
export function register(program: Command, rt: Runtime): void {
  const roles = exitCodes(program.command("roles"), FAILURE_CODES.roles)
    .summary("list the accounts and roles you can access")
    .description(
      "List the accounts and roles you can access. The SSO instance comes from --profile, " +
        "-u/--sso-start-url and --sso-region, AWS_DEFAULT_SSO_START_URL/AWS_DEFAULT_SSO_REGION, " +
        "or the single one in the AWS config file.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util roles",
        "aws-sso-util roles -a Prod --sort-by role,name",
        "aws-sso-util roles --separator , --no-header > roles.csv",
      ]),
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
    .addOption(
      new Option("-r, --role-name <REGEX>", "only roles whose name matches the regex (repeatable)")
        .argParser(collect),
    )
    .option(
      "--separator <SEP>",
      "separate fields with SEP instead of aligning columns (alias --sep); without --sort-by, rows print as they arrive",
    )
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
    .option("-v, --verbose", "print debug lines on stderr");
  addAlias(roles, "--account-id", "--account <ACCOUNT>");
  addAlias(roles, "--separator", "--sep <SEP>");
  roles.action(async (options: RolesOptions) => {
    await runRoles(options, rt);
  });
}

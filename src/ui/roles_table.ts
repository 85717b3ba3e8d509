/**
 * The pure part of `aws-sso-util roles`: filters, sort order, column order and the output text,
 * following the Python aws-sso-util `roles` command (its flags, defaults and column rules).
 */
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import { type UserPattern, userPattern } from "../base/user_pattern.ts";

/** One role the user can assume. */
export interface RoleRow {
  accountId: string;
  accountName: string;
  roleName: string;
}

/** A column / sort key, named as in Python's `--sort-by`. */
export type FieldKey = "id" | "name" | "role";

/** Header titles, as Python prints them. */
export const HEADER_TITLES: Record<FieldKey, string> = {
  id: "Account ID",
  name: "Account name",
  role: "Role name",
};

/** The `--sort-by` values Python accepts. */
export const SORT_BY_CHOICES = ["id,role", "name,role", "role,id", "role,name"] as const;

const FIELD_ALIASES: Record<string, FieldKey> = {
  id: "id",
  account_id: "id",
  "account-id": "id",
  accountid: "id",
  name: "name",
  account_name: "name",
  "account-name": "name",
  accountname: "name",
  role: "role",
  role_name: "role",
  "role-name": "role",
  rolename: "role",
};

/** The second key of a one-key `--sort-by`: accounts then roles, roles then account names. */
const SECOND_KEY: Record<FieldKey, FieldKey> = { id: "role", name: "role", role: "name" };

/**
 * Parses `--sort-by`: two comma-separated keys among Python's choices (`id,role`, `name,role`,
 * `role,id`, `role,name`), or one key (`id` is `id,role`, `name` is `name,role`, `role` is
 * `role,name`); the long spellings `account_id`, `account_name`, `role_name` are accepted too.
 * Undefined or empty → undefined.
 */
export function parseSortBy(text: string | undefined): [FieldKey, FieldKey] | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const keys = text.split(",").map((k) => FIELD_ALIASES[k.trim().toLowerCase()]);
  if (keys.length === 1 && keys[0] !== undefined) keys.push(SECOND_KEY[keys[0]]);
  const normalized = keys.join(",");
  if (keys.length !== 2 || !(SORT_BY_CHOICES as readonly string[]).includes(normalized)) {
    throw new ConfigError(
      `The --sort-by value ${safeEcho(text)} is not valid: use one of ${
        SORT_BY_CHOICES.join(", ")
      }.`,
    );
  }
  return keys as [FieldKey, FieldKey];
}

/**
 * The sort order actually used: `--sort-by` if given; else `name,role` when the output is aligned
 * (no separator) or JSON; else none (rows are printed as they arrive, in ListAccounts order).
 */
export function effectiveSort(
  sortBy: [FieldKey, FieldKey] | undefined,
  separator: string | undefined,
  json = false,
): [FieldKey, FieldKey] | undefined {
  if (sortBy) return sortBy;
  return separator === undefined || json ? ["name", "role"] : undefined;
}

/** Column order, as Python derives it from the sort keys (the sort keys come first). */
export function columnOrder(sort: [FieldKey, FieldKey] | undefined): FieldKey[] {
  if (!sort) return ["name", "id", "role"];
  if (sort[0] === "id") return ["id", "name", "role"];
  if (sort[0] === "name") return ["name", "id", "role"];
  return sort[1] === "id" ? ["role", "id", "name"] : ["role", "name", "id"];
}

function field(row: RoleRow, key: FieldKey): string {
  return key === "id" ? row.accountId : key === "name" ? row.accountName : row.roleName;
}

/** Compares strings by code point, as Python does. */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A stable sort by the given keys (Python's tuple order). */
export function sortRows(rows: readonly RoleRow[], keys: readonly FieldKey[]): RoleRow[] {
  return [...rows].sort((a, b) => {
    for (const key of keys) {
      const d = compareCodePoints(field(a, key), field(b, key));
      if (d !== 0) return d;
    }
    return 0;
  });
}

/** Compiles a user regular expression (linear-time matching) or throws a ConfigError naming the flag. */
export function compilePattern(pattern: string, flag: string): UserPattern {
  return userPattern(pattern, flag);
}

/** Which accounts `-a/--account-id` selects. */
export interface AccountFilter {
  values: string[];
  patterns: UserPattern[];
}

/** Builds the account filter; an empty list selects every account. */
export function accountFilter(values: readonly string[]): AccountFilter {
  return {
    values: [...values],
    patterns: values.map((v) => compilePattern(v, "--account-id")),
  };
}

/**
 * Python's rule: an account matches when any value is a prefix or suffix of its id (a full
 * 12-digit id thus matches exactly) or a regular expression found in its name.
 */
export function accountMatches(filter: AccountFilter, accountId: string, accountName: string) {
  if (filter.values.length === 0) return true;
  return filter.values.some((v, i) =>
    accountId.startsWith(v) || accountId.endsWith(v) || filter.patterns[i].test(accountName)
  );
}

/** `-r/--role-name`: the role matches when any pattern is found in its name (none → all). */
export function roleMatches(patterns: readonly UserPattern[], roleName: string): boolean {
  return patterns.length === 0 || patterns.some((p) => p.test(roleName));
}

/** How to print the rows. */
export interface FormatOptions {
  columns: readonly FieldKey[];
  /** Field separator; undefined → columns aligned with spaces. */
  separator?: string;
  header: boolean;
}

/**
 * The header line, or undefined without a header. With a separator the titles are joined by it;
 * aligned output pads them like the rows.
 */
export function headerLine(options: FormatOptions, widths?: number[]): string | undefined {
  if (!options.header) return undefined;
  const titles = options.columns.map((c) => HEADER_TITLES[c]);
  return joinFields(titles, options.separator, widths);
}

/**
 * A field as printed: names come from the service, so control characters (ANSI escapes, line
 * breaks, bidi overrides) are escaped and an absurdly long one is cut, as every echoed value is.
 */
function shownField(row: RoleRow, key: FieldKey): string {
  return safeEcho(field(row, key));
}

/** One row as a line (no newline). */
export function rowLine(row: RoleRow, options: FormatOptions, widths?: number[]): string {
  return joinFields(options.columns.map((c) => shownField(row, c)), options.separator, widths);
}

function joinFields(values: string[], separator: string | undefined, widths?: number[]): string {
  if (separator !== undefined) return values.join(separator);
  return values.map((v, i) => v.padEnd(widths?.[i] ?? 0)).join(" ").trimEnd();
}

/**
 * The whole table (header first when enabled), one line per row, each ending in "\n".
 * Without a separator every column is padded to its widest value (header included) and joined
 * with one space, as Python prints it, minus the trailing spaces.
 */
export function formatTable(rows: readonly RoleRow[], options: FormatOptions): string {
  let widths: number[] | undefined;
  if (options.separator === undefined) {
    widths = options.columns.map((c) =>
      Math.max(
        options.header ? HEADER_TITLES[c].length : 0,
        ...rows.map((r) => shownField(r, c).length),
      )
    );
  }
  const lines = rows.map((r) => rowLine(r, options, widths));
  const header = headerLine(options, widths);
  if (header !== undefined) lines.unshift(header);
  return lines.map((l) => `${l}\n`).join("");
}

/**
 * `--output json`: an array of `{accountId, accountName, roleName}`, 2-space indented. The
 * values are exact; the controls JSON leaves raw (DEL, C1, bidi overrides) are written as `\uXXXX`
 * escapes, so the output is safe on a terminal and parses to the same strings.
 */
export function formatJson(rows: readonly RoleRow[]): string {
  return JSON.stringify(
    rows.map(({ accountId, accountName, roleName }) => ({ accountId, accountName, roleName })),
    null,
    2,
  ).replace(
    /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  ) + "\n";
}

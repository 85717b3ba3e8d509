/**
 * How `configure populate` names the profiles it writes, following the Python aws-sso-util's
 * rules: an account name made safe (or kept raw), case-transformed, trimmed by regexes, then the
 * components joined with a separator, the first region's profiles without a region component
 * unless `--include-region always`. A name of exactly `SKIP` drops the profile.
 *
 * Pure: every input (flags, env) is passed in; nothing here reads the process or the network.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import type { Env } from "../base/paths.ts";
import { safeEcho } from "../base/safe_text.ts";
import { UserPattern } from "../base/user_pattern.ts";

/** Components with a meaning; any other component is literal text. */
export const NAME_COMPONENTS: readonly string[] = [
  "account_name",
  "account_id",
  "account_number",
  "role_name",
  "region",
  "short_region",
  "default_style_region",
];
/** The components dropped from the first region's names with `--include-region default`. */
const REGION_COMPONENTS: ReadonlySet<string> = new Set([
  "region",
  "short_region",
  "default_style_region",
]);
export const DEFAULT_COMPONENTS = "account_name,role_name,default_style_region";
export const DEFAULT_SEPARATOR = ".";
/** Env var giving the separator when `--separator` is not given. */
export const SEPARATOR_VAR = "AWS_CONFIGURE_SSO_DEFAULT_PROFILE_NAME_SEPARATOR";
/** A generated name of exactly this drops the profile. */
export const SKIP_NAME = "SKIP";

export const NAME_CASES = ["capitalize", "casefold", "lower", "title", "upper"] as const;
export type NameCase = typeof NAME_CASES[number];
export const INCLUDE_REGION = ["default", "always"] as const;
export const REGION_STYLES = ["short", "long"] as const;

/** Validated naming rules. */
export interface ProfileNaming {
  components: readonly string[];
  separator: string;
  includeRegion: typeof INCLUDE_REGION[number];
  regionStyle: typeof REGION_STYLES[number];
  trimAccountName: readonly UserPattern[];
  trimRoleName: readonly UserPattern[];
  accountNameCase?: NameCase;
  roleNameCase?: NameCase;
  safeAccountNames: boolean;
}

/** The naming flags as the command receives them. */
export interface ProfileNamingFlags {
  components?: string;
  separator?: string;
  includeRegion?: string;
  regionStyle?: string;
  trimAccountName?: readonly string[];
  trimRoleName?: readonly string[];
  accountNameCase?: string;
  roleNameCase?: string;
  /** false: `--raw-account-names`. */
  safeAccountNames?: boolean;
}

/** One (account, role, region) to name. */
export interface NameInput {
  accountName: string;
  accountId: string;
  roleName: string;
  region: string;
  /** 0-based position of `region` in the `--region` list. */
  regionIndex: number;
  numRegions: number;
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  north: "no",
  northeast: "ne",
  east: "ea",
  southeast: "se",
  south: "so",
  southwest: "sw",
  west: "we",
  northwest: "nw",
  central: "ce",
};
const AREAS: Readonly<Record<string, string>> = { "us-gov": "gov" };

/**
 * The short form of a region: split from the right into area, direction and number, each
 * abbreviated (`us-east-1` → `usea1`, `ap-northeast-1` → `apne1`, `us-gov-west-1` → `govwe1`);
 * a name with fewer than three parts is returned unchanged.
 */
export function shortRegion(region: string): string {
  const parts = region.split("-");
  if (parts.length < 3) return region;
  const num = parts.pop()!;
  const direction = parts.pop()!;
  const area = parts.join("-");
  return `${AREAS[area] ?? area}${DIRECTIONS[direction] ?? direction}${num}`;
}

/** Runs of whitespace, `[` and `]` become `-`; leading and trailing `-` are dropped. */
export function safeAccountName(name: string): string {
  return name.replace(/[\s[\]]+/g, "-").replace(/^-+|-+$/g, "");
}

/** Python's str methods of the same names (`casefold` also folds ß to ss). */
export function applyCase(text: string, transform: NameCase | undefined): string {
  switch (transform) {
    case undefined:
      return text;
    case "upper":
      return text.toUpperCase();
    case "lower":
      return text.toLowerCase();
    case "casefold":
      return text.toLowerCase().replaceAll("ß", "ss");
    case "capitalize":
      return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
    case "title": {
      let out = "";
      let inWord = false;
      for (const ch of text) {
        const cased = ch.toLowerCase() !== ch.toUpperCase();
        out += cased ? (inWord ? ch.toLowerCase() : ch.toUpperCase()) : ch;
        inWord = cased;
      }
      return out;
    }
  }
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${flag} must be one of ${allowed.join(", ")}, not ${safeEcho(value)}.`);
}

function compileTrim(pattern: string, flag: string): UserPattern {
  try {
    return new UserPattern(pattern);
  } catch (error) {
    const unsupported = / is not supported in a pattern$/.test((error as Error).message);
    throw new ConfigError(
      `${flag} ${safeEcho(pattern)} is not a valid regular expression${
        unsupported ? ` (${(error as Error).message.replace(/ in a pattern$/, "")})` : ""
      }.`,
    );
  }
}

/** Validates the naming flags (env default for the separator); a bad one is a ConfigError. */
export function profileNaming(flags: ProfileNamingFlags, env: Env): ProfileNaming {
  const components = (flags.components ?? DEFAULT_COMPONENTS).split(",").map((c) => c.trim());
  if (components.every((c) => c === "")) {
    throw new ConfigError("--components must name at least one component.");
  }
  return {
    components,
    separator: flags.separator ?? (env(SEPARATOR_VAR) || DEFAULT_SEPARATOR),
    includeRegion: oneOf(flags.includeRegion, INCLUDE_REGION, "--include-region") ?? "default",
    regionStyle: oneOf(flags.regionStyle, REGION_STYLES, "--region-style") ?? "short",
    trimAccountName: (flags.trimAccountName ?? []).map((p) =>
      compileTrim(p, "--trim-account-name")
    ),
    trimRoleName: (flags.trimRoleName ?? []).map((p) => compileTrim(p, "--trim-role-name")),
    accountNameCase: oneOf(flags.accountNameCase, NAME_CASES, "--account-name-case"),
    roleNameCase: oneOf(flags.roleNameCase, NAME_CASES, "--role-name-case"),
    safeAccountNames: flags.safeAccountNames !== false,
  };
}

/** The account name as names see it: the id when empty, then made safe unless raw names. */
export function accountNameForProfile(input: NameInput, safe: boolean): string {
  const name = input.accountName || input.accountId;
  return safe ? safeAccountName(name) : name;
}

/**
 * The profile name for one (account, role, region), or undefined when it comes out as `SKIP`.
 * Order as in the original: safe account name, case transform, trim regexes, then the format.
 */
export function profileName(input: NameInput, naming: ProfileNaming): string | undefined {
  let accountName = applyCase(
    accountNameForProfile(input, naming.safeAccountNames),
    naming.accountNameCase,
  );
  let roleName = applyCase(input.roleName, naming.roleNameCase);
  for (const re of naming.trimAccountName) accountName = re.removeAll(accountName);
  for (const re of naming.trimRoleName) roleName = re.removeAll(roleName);
  const withRegion = naming.includeRegion === "always" || input.regionIndex > 0;
  const values: Record<string, string> = {
    account_name: accountName,
    account_id: input.accountId,
    account_number: input.accountId,
    role_name: roleName,
    region: input.region,
    short_region: shortRegion(input.region),
    default_style_region: naming.regionStyle === "short" ? shortRegion(input.region) : input.region,
  };
  const name = naming.components
    .filter((c) => withRegion || !REGION_COMPONENTS.has(c))
    .map((c) => Object.hasOwn(values, c) ? values[c] : c)
    .join(naming.separator);
  return name === SKIP_NAME ? undefined : name;
}

/** The longest profile or sso-session name this tool writes (real ones are under 100). */
export const MAX_SECTION_NAME_CHARS = 256;

/**
 * Why `name` cannot be a profile section name written by this tool, or undefined when it can:
 * it must be non-empty, not `default`, and free of brackets and control characters (a line
 * break). Whitespace, quotes, `=`, `#` and `;` are fine: the header quotes such a name so that
 * botocore reads it back (`aws_config_file.ts`, `headerName`).
 */
export function profileNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name.length > MAX_SECTION_NAME_CHARS) {
    return `it is longer than ${MAX_SECTION_NAME_CHARS} characters`;
  }
  if (name === "default") return "it would replace the [default] profile";
  // deno-lint-ignore no-control-regex -- a control character is what is refused
  if (/[[\]\u0000-\u001f\u007f]/.test(name)) {
    return "it contains a bracket or a control character";
  }
  if (name.trim() !== name) return "it starts or ends with whitespace";
  return undefined;
}

/** Dummy values that a name format is tried with before any network call. */
export const PREFLIGHT_INPUT: NameInput = {
  accountName: "foo",
  accountId: "123456789012",
  roleName: "baz",
  region: "us-east-1",
  regionIndex: 0,
  numRegions: 1,
};

/**
 * Turns a deno.json permission set (`"permissions": { "default": { ... } }`) into explicit
 * `deno run`/`deno compile` flags, so the same set can be used where `-P` cannot: in
 * `deno compile`d binaries' build step, in tests that launch the CLI, and in README lines
 * for running from a URL. Never produces `-A`/`--allow-all`. Dependency-free on purpose.
 *
 * Run: `deno run --allow-read scripts/permissions.ts [--set NAME] [--config FILE] [--quote]`
 * prints the flags, space-joined (`--quote` quotes them for POSIX shells).
 *
 * @module
 */

/** Permission kinds in the order their flags are emitted. */
export const PERMISSION_KINDS = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
  "import",
] as const;

/** One permission kind. */
export type PermissionKind = typeof PERMISSION_KINDS[number];

/** `true` = everything, `false`/`[]` = nothing, a list = only those values. */
export type PermissionGrant = boolean | string[];

/** A kind's value in deno.json: a grant, or an object with `allow`/`deny`/`ignore` grants. */
export type PermissionValue = PermissionGrant | {
  allow?: PermissionGrant;
  deny?: PermissionGrant;
  ignore?: PermissionGrant;
};

/** A deno.json permission set. */
export type PermissionSet = { [K in PermissionKind]?: PermissionValue };

/** Kinds that have an `--ignore-<kind>` flag. */
const IGNORABLE: readonly PermissionKind[] = ["read", "env"];

const DEFAULT_CONFIG = new URL("../deno.json", import.meta.url);

/** Turns `set` into CLI flags such as `--allow-read` or `--allow-env=AWS_*,HOME`. */
export function permissionFlags(set: PermissionSet): string[] {
  if (typeof set !== "object" || set === null || Array.isArray(set)) {
    throw new Error('A permission set must be an object such as { "read": true }.');
  }
  for (const key of Object.keys(set)) {
    if (key === "all") {
      throw new Error(
        'The permission set grants "all"; list each permission instead, since -A is never used.',
      );
    }
    if (!(PERMISSION_KINDS as readonly string[]).includes(key)) {
      throw new Error(
        `Unknown permission "${key}"; expected one of ${PERMISSION_KINDS.join(", ")}.`,
      );
    }
  }
  const flags: string[] = [];
  for (const kind of PERMISSION_KINDS) {
    const value = set[kind];
    if (value === undefined) continue;
    if (typeof value === "boolean" || Array.isArray(value)) {
      pushFlag(flags, "allow", kind, value);
      continue;
    }
    if (typeof value !== "object" || value === null) {
      throw new Error(`Permission "${kind}" must be true, false, a list or an object.`);
    }
    for (const key of Object.keys(value)) {
      if (key !== "allow" && key !== "deny" && key !== "ignore") {
        throw new Error(
          `Permission "${kind}" has unknown key "${key}"; use allow, deny or ignore.`,
        );
      }
    }
    if (value.ignore !== undefined && !IGNORABLE.includes(kind)) {
      throw new Error(`Permission "${kind}" cannot have "ignore"; only read and env can.`);
    }
    pushFlag(flags, "allow", kind, value.allow);
    pushFlag(flags, "deny", kind, value.deny);
    pushFlag(flags, "ignore", kind, value.ignore);
  }
  return flags;
}

function pushFlag(
  flags: string[],
  mode: "allow" | "deny" | "ignore",
  kind: PermissionKind,
  grant: PermissionGrant | undefined,
): void {
  if (grant === undefined || grant === false) return;
  if (grant === true) {
    flags.push(`--${mode}-${kind}`);
    return;
  }
  if (!Array.isArray(grant) || grant.some((v) => typeof v !== "string")) {
    throw new Error(`Permission "${kind}" (${mode}) must be true, false or a list of strings.`);
  }
  if (grant.length === 0) return;
  for (const entry of grant) {
    if (entry === "" || entry.includes(",")) {
      throw new Error(`Permission "${kind}" entry "${entry}" is empty or contains a comma.`);
    }
  }
  flags.push(`--${mode}-${kind}=${grant.join(",")}`);
}

/** Browser openers that exist on one OS only (`run` entries of the CLI's permission set). */
const OS_ONLY_PROGRAMS: Readonly<Record<string, "linux" | "darwin" | "windows">> = {
  "xdg-open": "linux",
  "wslview": "linux",
  "open": "darwin",
  "rundll32": "windows",
};

/**
 * The set as a binary for one OS needs it: `run` entries that only exist on other OSes are
 * dropped, so the binary neither grants them nor reports them as unresolvable at start-up.
 */
export function permissionSetForOs(
  set: PermissionSet,
  os: "linux" | "darwin" | "windows",
): PermissionSet {
  if (!Array.isArray(set.run)) return set;
  return { ...set, run: set.run.filter((p) => (OS_ONLY_PROGRAMS[p] ?? os) === os) };
}

/**
 * Reads the permission set `name` from the deno.json at `configPath` (default: the
 * repository's deno.json). Throws a one-sentence Error when the file or set is missing.
 */
export async function readPermissionSet(
  configPath: string | URL = DEFAULT_CONFIG,
  name = "default",
): Promise<PermissionSet> {
  const shown = configPath instanceof URL ? "deno.json" : configPath;
  let config: unknown;
  try {
    config = JSON.parse(await Deno.readTextFile(configPath));
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "does not exist" : "is not valid JSON";
    throw new Error(`${shown} ${why}.`);
  }
  const sets = (config as { permissions?: Record<string, unknown> })?.permissions;
  const set = sets?.[name];
  if (typeof set !== "object" || set === null || Array.isArray(set)) {
    throw new Error(`${shown} has no permission set "${name}" under "permissions".`);
  }
  return set as PermissionSet;
}

/** Quotes `arg` for a POSIX shell when it contains anything but safe characters. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

const USAGE = "usage: permissions.ts [--set NAME] [--config FILE] [--quote]";

async function main(args: string[]): Promise<number> {
  // Loaded here, not at the top: the CLI imports this module and must not load node:util.
  const { parseFlags, UsageError } = await import("./cli_args.ts");
  let values;
  try {
    values = parseFlags(args, {
      set: { type: "string", default: "default" },
      config: { type: "string" },
      quote: { type: "boolean", default: false },
    }, USAGE);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return error.exitCode;
  }
  try {
    const flags = permissionFlags(
      await readPermissionSet(values.config ?? DEFAULT_CONFIG, values.set),
    );
    console.log((values.quote ? flags.map(shellQuote) : flags).join(" "));
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

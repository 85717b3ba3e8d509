/**
 * Turns a deno.json permission set (`"permissions": { "default": { ... } }`) into explicit
 * `deno run`/`deno compile` flags, so the same set can be used where `-P` cannot: in the build
 * step of the `deno compile`d binaries (the `run-as` set), in tests that launch the CLI, and in
 * README lines for running from a URL. Never produces `-A`/`--allow-all`. Dependency-free on
 * purpose.
 *
 * Run: `deno run --allow-read scripts/permissions.ts [--set NAME] [--config FILE] [--quote]`
 * prints the flags, space-joined (`--quote` quotes them for POSIX shells).
 *
 * @module
 */
import { permissionFlags, type PermissionSet } from "../src/config/permission_set.ts";
import { shellQuote } from "../src/base/shell_quote.ts";

export {
  PERMISSION_KINDS,
  permissionFlags,
  type PermissionGrant,
  type PermissionKind,
  type PermissionSet,
  type PermissionValue,
} from "../src/config/permission_set.ts";
export { shellQuote } from "../src/base/shell_quote.ts";

const DEFAULT_CONFIG = new URL("../deno.json", import.meta.url);

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
    console.log((values.quote ? flags.map((flag) => shellQuote(flag)) : flags).join(" "));
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

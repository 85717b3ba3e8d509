/**
 * The release version, read from deno.json (its single source of truth), and the check that
 * a release tag matches it.
 *
 * Run: `deno run --allow-read scripts/version.ts [--check-tag vX.Y.Z] [--config FILE]` prints
 * the version, or exits 1 with one sentence on stderr.
 *
 * @module
 */

import { parseFlags, UsageError } from "./cli_args.ts";

const DEFAULT_CONFIG = new URL("../deno.json", import.meta.url);

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Reads `"version"` from the deno.json at `configPath` (default: the repository's).
 * Throws a one-sentence Error when the file, the field or a semantic version is missing.
 */
export async function readVersion(configPath: string | URL = DEFAULT_CONFIG): Promise<string> {
  const shown = configPath instanceof URL ? "deno.json" : configPath;
  let config: unknown;
  try {
    config = JSON.parse(await Deno.readTextFile(configPath));
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "does not exist" : "is not valid JSON";
    throw new Error(`${shown} ${why}.`);
  }
  const version = (config as { version?: unknown })?.version;
  if (version === undefined) {
    throw new Error(`${shown} has no "version" field; add one such as "version": "0.1.0".`);
  }
  if (typeof version !== "string" || !SEMVER.test(version)) {
    throw new Error(`The "version" in ${shown} is not a semantic version such as "0.1.0".`);
  }
  return version;
}

/**
 * Checks that release tag `tag` (`v<version>`, optionally as `refs/tags/v<version>`) names
 * `version`. Throws a one-sentence Error otherwise.
 */
export function checkTag(tag: string, version: string): void {
  const name = tag.startsWith("refs/tags/") ? tag.slice("refs/tags/".length) : tag;
  if (name !== `v${version}`) {
    throw new Error(
      `Tag "${name}" does not match version "${version}" in deno.json; expected tag "v${version}".`,
    );
  }
}

const USAGE = "usage: version.ts [--check-tag vX.Y.Z] [--config FILE]";

async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseFlags(args, {
      "check-tag": { type: "string" },
      config: { type: "string" },
    }, USAGE);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return error.exitCode;
  }
  const tag = values["check-tag"];
  try {
    const version = await readVersion(values.config ?? DEFAULT_CONFIG);
    if (tag !== undefined) checkTag(tag, version);
    console.log(version);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/**
 * The tool's version, from deno.json (its single source of truth; the release workflow checks
 * that the tag matches it).
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };

/** The release version, e.g. `0.1.0`. */
export const VERSION: string = denoJson.version;

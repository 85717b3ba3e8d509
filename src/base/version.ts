/**
 * The tool's version, from deno.json (its single source of truth; the release workflow checks
 * that the tag matches it), and the version line that `--version` and `check` print for bug
 * reports: the version, the target, the Deno version and the commit the build came from.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import { BUILD_COMMIT, BUILD_TARGET } from "./build_info.ts";

/** The release version, e.g. `0.1.0`. */
export const VERSION: string = denoJson.version;

/** What the version line is made of (see {@link versionLine}). */
export interface BuildFacts {
  /** The compile target, or undefined when not baked in (then the running Deno's target). */
  target?: string;
  /** The commit, or undefined when not baked in. */
  commit?: string;
  /** The Deno version running this code (in a binary: the one it was compiled with). */
  deno: string;
  /** The running Deno's own target. */
  runtimeTarget: string;
}

/** The facts of this build: what was baked in at compile time, and the running Deno. */
export function buildFacts(): BuildFacts {
  return {
    target: BUILD_TARGET,
    commit: BUILD_COMMIT,
    deno: Deno.version.deno,
    runtimeTarget: Deno.build.target,
  };
}

/**
 * `aws-sso-util 0.1.0 (x86_64-unknown-linux-gnu, Deno 2.9.6, commit 0123abc…)`; without a baked-in
 * commit (`deno run`, a binary compiled by hand) it ends with `commit unknown` instead.
 */
export function versionLine(facts: BuildFacts = buildFacts()): string {
  const target = facts.target ?? facts.runtimeTarget;
  return `aws-sso-util ${VERSION} (${target}, Deno ${facts.deno}, commit ${
    facts.commit ?? "unknown"
  })`;
}

/**
 * Command-line inputs shared by the package-manager renderers (homebrew.ts, scoop.ts):
 * `[--sums FILE] [--version V] [--repo owner/name] [--out FILE]`.
 *
 * @module
 */

import { parseSha256Sums } from "./checksums.ts";
import { parseFlags, UsageError } from "./cli_args.ts";
import { archiveFileName, resolveRepo, type Target } from "./release_info.ts";
import { readVersion } from "./version.ts";

/** What a formula or manifest is rendered from. */
export interface PackageInputs {
  /** Release version without the leading `v`. */
  version: string;
  /** GitHub repository, `owner/name`. */
  repo: string;
  /** Archive file name → SHA-256 hex, as read from SHA256SUMS. */
  sums: ReadonlyMap<string, string>;
}

/** A failure whose message is one sentence for stderr, with its exit status. */
export class InputError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
    this.name = "InputError";
  }
}

const DEFAULT_SUMS = new URL("../dist/SHA256SUMS", import.meta.url);

/**
 * Parses the shared flags (a bad one throws a {@link UsageError}) and loads the inputs; returns
 * them with the `--out` path, if any.
 */
export async function loadPackageInputs(
  args: string[],
  usage: string,
): Promise<PackageInputs & { out?: string }> {
  const values = parseFlags(args, {
    sums: { type: "string" },
    version: { type: "string" },
    repo: { type: "string" },
    out: { type: "string" },
  }, usage);
  let repo: string;
  try {
    repo = resolveRepo(values.repo);
  } catch (error) {
    throw new InputError((error as Error).message, 2);
  }
  const version = values.version ?? await readVersion().catch((error) => {
    throw new InputError(error.message, 1);
  });
  const sumsPath = values.sums ?? DEFAULT_SUMS;
  const shown = sumsPath instanceof URL ? "dist/SHA256SUMS" : sumsPath;
  let text: string;
  try {
    text = await Deno.readTextFile(sumsPath);
  } catch {
    throw new InputError(`${shown} cannot be read; run "deno task compile" first.`, 1);
  }
  try {
    return { version, repo, sums: parseSha256Sums(text), out: values.out };
  } catch (error) {
    throw new InputError((error as Error).message, 1);
  }
}

/** The archive name and hash for `target`; throws one sentence when SHA256SUMS lacks it. */
export function archiveFor(
  inputs: PackageInputs,
  target: Target,
): { file: string; sha256: string } {
  const file = archiveFileName(inputs.version, target);
  const sha256 = inputs.sums.get(file);
  if (!sha256) {
    throw new InputError(
      `SHA256SUMS has no entry for ${file}; build the ${target} target before rendering.`,
      1,
    );
  }
  return { file, sha256 };
}

/** Runs a renderer CLI: prints to stdout or writes `--out`, mapping errors to exit codes. */
export async function runRenderer(
  args: string[],
  usage: string,
  render: (inputs: PackageInputs) => string,
): Promise<number> {
  try {
    const inputs = await loadPackageInputs(args, usage);
    const text = render(inputs);
    if (inputs.out) await Deno.writeTextFile(inputs.out, text);
    else await Deno.stdout.write(new TextEncoder().encode(text));
    return 0;
  } catch (error) {
    if (!(error instanceof InputError || error instanceof UsageError)) throw error;
    console.error(error.message);
    return error.exitCode;
  }
}

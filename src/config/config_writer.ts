/**
 * Rewrites the AWS config file safely: read, edit, check that the result still parses, then
 * write a temp file next to it and rename it over the original, with the original's mode (0600
 * for a new file). A symlinked config is written through to its target. On any failure the
 * original file is untouched and the error is one sentence (ConfigError, exit 2).
 */
import { parseAwsConfig } from "./aws_config_file.ts";
import { writeFileAtomic } from "../cache/atomic_file.ts";
import { ConfigError } from "../errors.ts";
import { dirName } from "./paths.ts";

/** What `updateConfigFile` did. */
export interface ConfigWriteResult {
  /** The file did not exist before. */
  created: boolean;
  /** The content changed (nothing is written otherwise). */
  changed: boolean;
  /** The file actually written (the symlink's target for a symlinked config). */
  writtenPath: string;
}

/**
 * Applies `edit` to the config file at `path` (`undefined` text when it does not exist) and
 * writes the result atomically. `edit` may throw a ConfigError to abort without writing.
 */
export async function updateConfigFile(
  path: string,
  edit: (text: string | undefined) => string,
): Promise<ConfigWriteResult> {
  const target = await resolveTarget(path);
  let mode = 0o600;
  let text: string | undefined;
  try {
    const info = await Deno.stat(target);
    if (info.isDirectory) {
      throw new ConfigError(`Cannot write the AWS config file ${path}: it is a directory.`);
    }
    if (info.mode !== null) mode = info.mode & 0o777;
    text = await Deno.readTextFile(target);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new ConfigError(`Cannot read the AWS config file ${path}: ${reason(error)}.`);
    }
  }

  const next = edit(text);
  if (next === text) return { created: false, changed: false, writtenPath: target };
  try {
    parseAwsConfig(next);
  } catch (error) {
    throw new ConfigError(
      `Refusing to write the AWS config file ${path}: the edited file would not parse (${
        (error as Error).message
      }).`,
    );
  }

  if (text !== undefined) await checkWritable(target, path);
  try {
    await writeFileAtomic(target, next, { mode });
  } catch (error) {
    throw new ConfigError(`Cannot write the AWS config file ${path}: ${reason(error)}.`);
  }
  return { created: text === undefined, changed: true, writtenPath: target };
}

/**
 * Fails with the writer's one sentence when the config path cannot be a file (a directory is
 * there), so that commands can check before reading the config or asking questions.
 */
export async function checkConfigPath(path: string): Promise<void> {
  try {
    if ((await Deno.stat(await resolveTarget(path))).isDirectory) {
      throw new ConfigError(`Cannot write the AWS config file ${path}: it is a directory.`);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof Deno.errors.NotADirectory) {
      throw new ConfigError(`Cannot write the AWS config file ${path}: ${reason(error)}.`);
    }
  }
}

/** The path to write: a symlink's final target, else the path itself. */
async function resolveTarget(path: string): Promise<string> {
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink) return await Deno.realPath(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      // A dangling symlink: write where it points, so the link keeps working.
      try {
        const link = await Deno.readLink(path);
        return /^([\\/]|[A-Za-z]:)/.test(link) ? link : `${dirName(path)}/${link}`;
      } catch {
        return path;
      }
    }
  }
  return path;
}

/** A read-only config file is respected, though its directory would let us replace it. */
async function checkWritable(target: string, shown: string): Promise<void> {
  try {
    const file = await Deno.open(target, { write: true });
    file.close();
  } catch (error) {
    throw new ConfigError(`Cannot write the AWS config file ${shown}: ${reason(error)}.`);
  }
}

function reason(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotCapable) return "Deno permission to write it was not granted";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotADirectory) return "a parent of it is not a directory";
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0].replace(/[.\s]+$/, "").replace(/,? ?\((os error \d+)\)/, "");
}

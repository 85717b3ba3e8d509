/**
 * Rewrites the AWS config file (or the shared credentials file) safely: a bounded read (a regular
 * file of at most 4 MiB: a device, FIFO or huge file is refused without being read), edit, check
 * that the result still parses, then write a temp file next to it and rename it over the original,
 * with the original's mode (0600 for a new file). A symlinked file is written through to its
 * target, so the link stays. On any failure the original file is untouched and the error is one
 * sentence (ConfigError, exit 2, unless the caller names another class).
 */
import { parseAwsConfig } from "./aws_config_file.ts";
import { writeFileAtomic } from "../base/atomic_file.ts";
import { MAX_CONFIG_BYTES, readBoundedText } from "../base/bounded_read.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { type CliError, ConfigError, FileSystemError } from "../base/errors.ts";
import { dirName } from "../base/paths.ts";
import { shownPath } from "../base/safe_text.ts";

/** What `updateConfigFile` did. */
export interface ConfigWriteResult {
  /** The file did not exist before. */
  created: boolean;
  /** The content changed (nothing is written otherwise). */
  changed: boolean;
  /** The file actually written (the symlink's target for a symlinked config). */
  writtenPath: string;
}

/** Which file is rewritten, for its sentences, and how. */
export interface ConfigFileKind {
  /** "the AWS config file", "the credentials file". */
  label: string;
  /** The kind of its failures (default `config`: a ConfigError; `fileSystem`: a FileSystemError). */
  failureKind?: "config" | "fileSystem";
  /** A mode the file always gets (the credentials file: 0600); default: the original's. */
  mode?: number;
}

const AWS_CONFIG: ConfigFileKind = { label: "the AWS config file" };

/**
 * The file's current text (undefined when it does not exist), the path a write goes to (a
 * symlink's target) and its mode (0600 when new). Throws the kind's failure when it cannot be
 * read: commands call it before any network call to find that out early.
 */
export async function readConfigFile(
  path: string,
  kind: ConfigFileKind = AWS_CONFIG,
): Promise<{ target: string; text: string | undefined; mode: number }> {
  const target = await resolveTarget(path);
  let mode = 0o600;
  try {
    const info = await Deno.stat(target);
    if (info.mode !== null) mode = info.mode & 0o777;
    return { target, text: await readBoundedText(target, MAX_CONFIG_BYTES), mode };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { target, text: undefined, mode };
    throw failureOf(
      kind,
      `Cannot read ${kind.label} ${shownPath(path)}: ${fileFailureReason(error)}.`,
    );
  }
}

/**
 * Applies `edit` to the config file at `path` (`undefined` text when it does not exist) and
 * writes the result atomically. `edit` may throw a ConfigError to abort without writing.
 */
export async function updateConfigFile(
  path: string,
  edit: (text: string | undefined) => string,
  kind: ConfigFileKind = AWS_CONFIG,
): Promise<ConfigWriteResult> {
  const shown = `${kind.label} ${shownPath(path)}`;
  const { target, text, mode } = await readConfigFile(path, kind);
  const next = edit(text);
  if (next === text) return { created: false, changed: false, writtenPath: target };
  try {
    parseAwsConfig(next);
  } catch (error) {
    throw failureOf(
      kind,
      `Refusing to write ${shown}: the edited file would not parse (${(error as Error).message}).`,
    );
  }

  if (text !== undefined) await checkWritable(target, shown, kind);
  try {
    await writeFileAtomic(target, next, { mode: kind.mode ?? mode });
  } catch (error) {
    throw failureOf(kind, `Cannot write ${shown}: ${fileFailureReason(error)}.`);
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
      throw new ConfigError(
        `Cannot write the AWS config file ${shownPath(path)}: it is a directory.`,
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof Deno.errors.NotADirectory) {
      throw new ConfigError(
        `Cannot write the AWS config file ${shownPath(path)}: ${fileFailureReason(error)}.`,
      );
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

/** A read-only file is respected, though its directory would let us replace it. */
/** The failure of `kind` with `message`. */
function failureOf(kind: ConfigFileKind, message: string): CliError {
  return kind.failureKind === "fileSystem"
    ? new FileSystemError(message)
    : new ConfigError(message);
}

async function checkWritable(target: string, shown: string, kind: ConfigFileKind): Promise<void> {
  try {
    const file = await Deno.open(target, { write: true });
    file.close();
  } catch (error) {
    throw failureOf(kind, `Cannot write ${shown}: ${fileFailureReason(error)}.`);
  }
}

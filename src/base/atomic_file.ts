import { MAX_CACHE_FILE_BYTES, readBoundedText } from "./bounded_read.ts";
import { dirName } from "./paths.ts";
import { parseJsonObject } from "./json_object.ts";
import { parseAwsTimestamp } from "./timestamps.ts";

/** Creates `dir` (and parents) with mode 0700 where it does not exist yet. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Our temp files: `<name>.<8 lowercase hex>.tmp`, next to `<name>`. */
const TEMP_NAME = /^(.+)\.[0-9a-f]{8}\.tmp$/;

/**
 * A temp file of ours this old belongs to a writer that was killed (a write takes milliseconds):
 * the next write in its directory removes it, or puts it in place when it holds a newer version.
 */
export const STALE_TEMP_MS = 60_000;

/** A temp file name for `path` in our pattern (`<path>.<8 hex>.tmp`). */
export function tempPathFor(path: string): string {
  return `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
}

/**
 * Writes `text` to `path` so that readers only ever see the old or the new content:
 * a temp file in the same directory (mode `mode`, default 0600), fsync, then rename.
 * First settles the stale temp files that killed writers left in that directory
 * ({@link settleStaleTempFiles}).
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: { mode?: number } = {},
): Promise<void> {
  const dir = dirName(path);
  await ensurePrivateDir(dir);
  await settleStaleTempFiles(dir).catch(() => {});
  const mode = options.mode ?? 0o600;
  const tmp = tempPathFor(path);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode });
    try {
      await file.write(new TextEncoder().encode(text));
      await file.sync();
    } finally {
      file.close();
    }
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, mode); // umask may have narrowed it
    try {
      await Deno.rename(tmp, path);
    } catch (error) {
      // A reader recovering a stalled write may have put this very temp file in place already.
      if (!(error instanceof Deno.errors.NotFound) || !(await hasText(path, text))) throw error;
    }
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

async function hasText(path: string, text: string): Promise<boolean> {
  try {
    return await Deno.readTextFile(path) === text;
  } catch {
    return false;
  }
}

/** A temp file of ours for a target file, with its age. */
interface TempFile {
  path: string;
  target: string;
  ageMs: number;
}

/** Our temp files in `dir` (optionally only those of `target`), with their ages. */
async function tempFiles(dir: string, target?: string): Promise<TempFile[]> {
  const found: TempFile[] = [];
  const now = Date.now();
  for await (const entry of Deno.readDir(dir)) {
    const match = TEMP_NAME.exec(entry.name);
    if (!entry.isFile || !match) continue;
    const path = `${dir}/${entry.name}`;
    const targetPath = `${dir}/${match[1]}`;
    if (target !== undefined && targetPath !== target) continue;
    try {
      const mtime = (await Deno.lstat(path)).mtime?.getTime() ?? now;
      found.push({ path, target: targetPath, ageMs: now - mtime });
    } catch {
      // Renamed or removed meanwhile.
    }
  }
  return found;
}

/** The temp files of ours beside `path` (whatever their age), left by writers killed mid-write. */
export async function tempFilesOf(path: string): Promise<string[]> {
  try {
    return (await tempFiles(dirName(path), path)).map((t) => t.path).sort();
  } catch {
    return [];
  }
}

/** The file a temp file of ours stands for (`<path>.<8 hex>.tmp` → `<path>`), else `path`. */
export function tempTarget(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const match = TEMP_NAME.exec(path.slice(slash + 1));
  return match ? path.slice(0, slash + 1) + match[1] : path;
}

/**
 * Removes the temp files of ours in `dir` older than {@link STALE_TEMP_MS} (left by killed
 * writers; they may hold secrets), except that one holding a complete JSON object with a later
 * `expiresAt` than its target file (a token or registration whose writer was killed before the
 * rename) is renamed into place instead. Errors are ignored: this is housekeeping.
 */
export async function settleStaleTempFiles(dir: string): Promise<void> {
  const stale = (await tempFiles(dir)).filter((t) => t.ageMs >= STALE_TEMP_MS);
  const targets = new Set(stale.map((t) => t.target));
  for (const target of targets) {
    await settle(target, stale.filter((t) => t.target === target), stale);
  }
}

/**
 * Recovers the version of `path` that a killed writer left in a temp file: among the temp files of
 * `path` at least `minAgeMs` old, the complete JSON object with the latest `expiresAt`, when that
 * is later than now and than the `expiresAt` of `path` (or `path` is missing or unreadable), is
 * renamed into place (mode 0600). Temp files of `path` older than {@link STALE_TEMP_MS} are removed.
 * Returns true when a version was recovered.
 */
export async function recoverFromTempFiles(path: string, minAgeMs: number): Promise<boolean> {
  let all: TempFile[];
  try {
    all = await tempFiles(dirName(path), path);
  } catch {
    return false;
  }
  return await settle(
    path,
    all.filter((t) => t.ageMs >= minAgeMs),
    all.filter((t) => t.ageMs >= STALE_TEMP_MS),
  );
}

async function settle(
  target: string,
  candidates: TempFile[],
  removable: TempFile[],
): Promise<boolean> {
  let best: { path: string; expiresAt: number } | undefined;
  const current = expiryOf(await readJsonObject(target));
  for (const temp of candidates) {
    const expiresAt = expiryOf(await readJsonObject(temp.path));
    if (
      expiresAt !== undefined && expiresAt > Date.now() && expiresAt > (current ?? 0) &&
      expiresAt > (best?.expiresAt ?? 0)
    ) {
      best = { path: temp.path, expiresAt };
    }
  }
  let recovered = false;
  if (best) {
    try {
      if (Deno.build.os !== "windows") await Deno.chmod(best.path, 0o600);
      await Deno.rename(best.path, target);
      recovered = true;
    } catch {
      // Taken by another process meanwhile.
    }
  }
  for (const temp of removable) {
    if (temp.path !== best?.path && temp.target === target) {
      await Deno.remove(temp.path).catch(() => {});
    }
  }
  return recovered;
}

function expiryOf(json: Record<string, unknown> | undefined): number | undefined {
  return json ? parseAwsTimestamp(json.expiresAt) : undefined;
}

/**
 * Checks that a file of about `bytes` bytes can be written next to `path` now (directory writable,
 * space left): writes such a temp file in our pattern, syncs and removes it. Returns the error
 * that prevented it, or undefined when it could be written.
 */
export async function probeWritable(path: string, bytes: number): Promise<Error | undefined> {
  const tmp = tempPathFor(path);
  try {
    await ensurePrivateDir(dirName(path));
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    try {
      await file.write(new Uint8Array(Math.max(1, bytes)).fill(0x20));
      await file.sync();
    } finally {
      file.close();
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/**
 * Reads a JSON object from `path`; a missing, unreadable or corrupt file counts as absent, and
 * so does anything but a regular file of at most MAX_CACHE_FILE_BYTES (1 MiB).
 */
export async function readJsonObject(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readBoundedText(path, MAX_CACHE_FILE_BYTES);
  } catch {
    return undefined;
  }
  return parseJsonObject(text);
}

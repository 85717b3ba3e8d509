import { ensurePrivateDir } from "./atomic_file.ts";
import { dirName } from "./paths.ts";

/** The lock file that guards a cache file: `<key>.lock` next to `<key>.json`. */
export function lockPathFor(cachePath: string): string {
  return cachePath.replace(/\.json$/, "") + ".lock";
}

/**
 * Runs `fn` while holding an exclusive OS lock on `lockPath` (flock / LockFileEx), so that
 * processes started together share one network call. The lock dies with the process, so a
 * crashed holder never blocks others. After `timeoutMs` without the lock, `fn` runs anyway:
 * callers must stay correct without it (they re-check the cache and write atomically).
 *
 * The holder removes the lock file before releasing it, so no lock file is left behind. A waiter
 * that then gets the lock on the removed file checks that its file is still the one at
 * `lockPath` and otherwise starts over on the new one, so two processes never both hold it.
 * (On Windows an open file cannot be removed: there the lock file stays.)
 */
export async function withFileLock<T>(
  lockPath: string,
  timeoutMs: number,
  fn: (locked: boolean) => Promise<T>,
): Promise<T> {
  try {
    await ensurePrivateDir(dirName(lockPath));
  } catch {
    return await fn(false);
  }
  const deadline = performance.now() + timeoutMs;
  let file: Deno.FsFile | undefined;
  let acquired = false;
  // Each retry follows a holder that removed the file; a file system whose inode numbers do not
  // match between stat and fstat must not make this loop forever: past the limit, run unlocked.
  for (let attempt = 1;; attempt++) {
    if (attempt > MAX_ATTEMPTS) {
      file = undefined;
      break;
    }
    try {
      file = await Deno.open(lockPath, { read: true, write: true, create: true, mode: 0o600 });
    } catch {
      file = undefined;
      break;
    }
    acquired = await lockBefore(file, deadline);
    if (!acquired || await isFileAt(file, lockPath)) break;
    // The previous holder removed the file we waited on: lock the one at the path now.
    await file.unlock().catch(() => {});
    file.close();
    file = undefined;
    acquired = false;
  }
  try {
    return await fn(acquired);
  } finally {
    if (acquired && REMOVES_OPEN_FILES) await Deno.remove(lockPath).catch(() => {});
    // Closing the file releases the lock (and abandons a still-pending lock request).
    if (acquired) await file?.unlock().catch(() => {});
    file?.close();
  }
}

/** Lock attempts before giving up on a lock file that keeps being replaced. */
const MAX_ATTEMPTS = 100;

/** Open files can be removed (POSIX); on Windows the lock file is kept. */
const REMOVES_OPEN_FILES = Deno.build.os !== "windows";

/** Takes the lock on `file`, giving up at `deadline` (a `performance.now()` time). */
async function lockBefore(file: Deno.FsFile, deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const acquired = await Promise.race([
    file.lock(true).then(() => true, () => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
    }),
  ]);
  clearTimeout(timer);
  return acquired;
}

/** True when `file` is still the file at `path` (not removed or replaced meanwhile). */
async function isFileAt(file: Deno.FsFile, path: string): Promise<boolean> {
  if (!REMOVES_OPEN_FILES) return true;
  try {
    const [open, named] = await Promise.all([file.stat(), Deno.stat(path)]);
    return open.ino === named.ino && open.dev === named.dev;
  } catch {
    return false;
  }
}

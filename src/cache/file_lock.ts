import { ensurePrivateDir } from "./atomic_file.ts";
import { dirName } from "../config/paths.ts";

/** The lock file that guards a cache file: `<key>.lock` next to `<key>.json`. */
export function lockPathFor(cachePath: string): string {
  return cachePath.replace(/\.json$/, "") + ".lock";
}

/**
 * Runs `fn` while holding an exclusive OS lock on `lockPath` (flock / LockFileEx), so that
 * processes started together share one network call. The lock dies with the process, so a
 * crashed holder never blocks others. After `timeoutMs` without the lock, `fn` runs anyway:
 * callers must stay correct without it (they re-check the cache and write atomically).
 */
export async function withFileLock<T>(
  lockPath: string,
  timeoutMs: number,
  fn: (locked: boolean) => Promise<T>,
): Promise<T> {
  let file: Deno.FsFile | undefined;
  try {
    await ensurePrivateDir(dirName(lockPath));
    file = await Deno.open(lockPath, { read: true, write: true, create: true, mode: 0o600 });
  } catch {
    return await fn(false);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const acquired = await Promise.race([
    file.lock(true).then(() => true, () => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  try {
    return await fn(acquired);
  } finally {
    // Closing the file releases the lock (and abandons a still-pending lock request).
    if (acquired) await file.unlock().catch(() => {});
    file.close();
  }
}

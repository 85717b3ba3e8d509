/**
 * A synchronous, bounded read of a small JSON cache file, for reading thousands of them at once
 * (`status`), where a promise per file system call, or a stat and a buffer per file, costs more
 * than the reads. Same rules as `readJsonObject` in `atomic_file.ts`: only a regular file (checked
 * before opening, so a FIFO never blocks) of at most MAX_CACHE_FILE_BYTES; anything missing,
 * unreadable or corrupt counts as absent.
 *
 * @module
 */
import { MAX_CACHE_FILE_BYTES } from "./bounded_read.ts";
import { parseJsonObject } from "./json_object.ts";

/** Reused between reads: real cache files are a few hundred bytes. */
let buffer = new Uint8Array(64 * 1024);
const decoder = new TextDecoder();

/**
 * The JSON object in `path`, or undefined when it is not a readable regular file of at most
 * `maxBytes` (default MAX_CACHE_FILE_BYTES) holding one. `knownRegular`: a directory listing just
 * said the entry is a regular file (not a symlink), which saves a stat.
 */
export function readJsonObjectSync(
  path: string,
  options: { maxBytes?: number; knownRegular?: boolean } = {},
): Record<string, unknown> | undefined {
  const maxBytes = options.maxBytes ?? MAX_CACHE_FILE_BYTES;
  try {
    if (!options.knownRegular) {
      const info = Deno.statSync(path);
      if (!info.isFile || info.size > maxBytes) return undefined;
    }
    const file = Deno.openSync(path, { read: true });
    let total = 0;
    try {
      for (;;) {
        if (total === buffer.length) {
          if (total > maxBytes) return undefined;
          const larger = new Uint8Array(Math.min(buffer.length * 4, maxBytes + 1));
          larger.set(buffer);
          buffer = larger;
        }
        const wanted = buffer.length - total;
        const n = file.readSync(buffer.subarray(total));
        if (n === null) break;
        total += n;
        // A short read of a regular file is its end; a full one may be followed by more.
        if (n < wanted) break;
      }
    } finally {
      file.close();
    }
    if (total > maxBytes) return undefined;
    return parseJsonObject(decoder.decode(buffer.subarray(0, total)));
  } catch {
    return undefined; // missing, unreadable, a directory, or not a regular file after all
  }
}

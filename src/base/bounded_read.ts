/**
 * Reads files the user (or another program) controls without trusting their shape: only regular
 * files, and never more than a limit, so a config pointing at `/dev/zero`, a FIFO or a huge file
 * fails at once instead of blocking or filling memory.
 */

/** The AWS config file may be at most 4 MiB (real ones are a few KB). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** A token, registration or credential cache file may be at most 1 MiB (real ones are < 10 KB). */
export const MAX_CACHE_FILE_BYTES = 1024 * 1024;

/** The file exists but is not one we read: `message` says why in a few words ("it is …"). */
export class RefusedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedFileError";
  }
}

const CHUNK = 64 * 1024;

/**
 * The text of a regular file of at most `maxBytes` bytes (invalid UTF-8 is replaced, as
 * `Deno.readTextFile` does). Throws RefusedFileError for a directory, a device, FIFO or socket,
 * or a larger file (reading at most `maxBytes + 1` bytes to find out); other failures
 * (`Deno.errors.NotFound`, `PermissionDenied`, …) are thrown as they are.
 */
export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  // stat before open: opening a FIFO for reading would block until a writer appears.
  checkShape(await Deno.stat(path), maxBytes);
  const file = await Deno.open(path, { read: true });
  try {
    checkShape(await file.stat(), maxBytes); // it may have been replaced meanwhile
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const buffer = new Uint8Array(Math.min(CHUNK, maxBytes + 1 - total));
      const n = await file.read(buffer);
      if (n === null) break;
      chunks.push(buffer.subarray(0, n));
      total += n;
    }
    if (total > maxBytes) throw tooLarge(maxBytes);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder().decode(bytes);
  } finally {
    file.close();
  }
}

function checkShape(info: Deno.FileInfo, maxBytes: number): void {
  if (info.isDirectory) throw new RefusedFileError("it is a directory");
  if (!info.isFile) throw new RefusedFileError("it is not a regular file");
  if (info.size > maxBytes) throw tooLarge(maxBytes);
}

function tooLarge(maxBytes: number): RefusedFileError {
  const size = maxBytes % (1024 * 1024) === 0
    ? `${maxBytes / (1024 * 1024)} MiB`
    : `${maxBytes} bytes`;
  return new RefusedFileError(`it is larger than ${size}`);
}

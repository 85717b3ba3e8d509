/**
 * Writing to stdout and stderr. A reader that goes away early (`aws-sso-util roles | head`)
 * closes stdout: the command then ends quietly with exit 0, as a Unix filter does, instead of
 * reporting the broken pipe.
 */

/** True for the error a write to a pipe whose reader has gone raises (EPIPE). */
export function isBrokenPipe(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    (error instanceof Error && (error as { code?: unknown }).code === "EPIPE");
}

/** Ends the process at once with exit 0 and nothing on stderr: nobody reads our output. */
function exitQuietly(): never {
  Deno.exit(0);
}

/**
 * Writes all of `text` to a stream (stdout/stderr), looping over partial writes. When stdout's
 * reader has gone (broken pipe), the process exits 0 quietly.
 */
export async function writeText(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
): Promise<void> {
  let bytes = new TextEncoder().encode(text);
  try {
    while (bytes.length > 0) bytes = bytes.subarray(await stream.write(bytes));
  } catch (error) {
    if (stream === Deno.stdout && isBrokenPipe(error)) exitQuietly();
    throw error;
  }
}

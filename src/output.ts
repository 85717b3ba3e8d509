/** Writes all of `text` to a stream (stdout/stderr), looping over partial writes. */
export async function writeText(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
): Promise<void> {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(await stream.write(bytes));
}

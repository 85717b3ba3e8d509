/**
 * SHA-256 digests and `SHA256SUMS` files in the exact format `sha256sum` writes and
 * `sha256sum -c` reads: `<64 lowercase hex>  <file name>`, one a line, sorted by name.
 *
 * @module
 */

/** Lowercase hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Renders `SHA256SUMS` text from file name → hex digest, sorted by file name. */
export function formatSha256Sums(sums: ReadonlyMap<string, string>): string {
  const names = [...sums.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const hash = sums.get(name)!;
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`"${hash}" is not a SHA-256 hex digest.`);
    if (/[\r\n\\]/.test(name)) throw new Error(`File name "${name}" cannot go in SHA256SUMS.`);
    return `${hash}  ${name}\n`;
  }).join("");
}

/**
 * Parses `SHA256SUMS` text into file name → lowercase hex digest. Accepts the binary-mode
 * marker (`<hash> *<name>`) too. Throws on a line that is not a checksum line.
 */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new Error(`Line ${index + 1} of SHA256SUMS is not "<sha256>  <file>".`);
    sums.set(match[2], match[1].toLowerCase());
  });
  return sums;
}

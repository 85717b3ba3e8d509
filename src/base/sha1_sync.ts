/**
 * SHA-1 computed synchronously in plain TypeScript, for hashing thousands of short cache keys at
 * once (`status`): `crypto.subtle.digest` costs a promise round trip per call, and `node:crypto`
 * costs tens of milliseconds to load. Gives the same digests as {@link sha1Hex} in
 * `cache_keys.ts`, which the hot paths keep using.
 *
 * @module
 */

/** Reused between calls (cache keys are short): no garbage per hash. */
let bytes = new Uint8Array(1024);
let view = new DataView(bytes.buffer);
const w = new Int32Array(80);
const encoder = new TextEncoder();

const hex = (h: number) => (h >>> 0).toString(16).padStart(8, "0");

/** Lowercase hex SHA-1 of the UTF-8 bytes of `text`. */
export function sha1HexSync(text: string): string {
  // UTF-8 needs at most 3 bytes per UTF-16 unit; then padding and the length (up to 72 bytes).
  if (text.length * 3 + 72 > bytes.length) {
    bytes = new Uint8Array(text.length * 3 + 72);
    view = new DataView(bytes.buffer);
  }
  const length = encoder.encodeInto(text, bytes).written;
  const blocks = ((length + 8) >> 6) + 1; // 64-byte blocks, padding and length included
  const end = blocks * 64;
  bytes.fill(0, length, end);
  bytes[length] = 0x80;
  view.setUint32(end - 8, Math.floor(length / 0x2000_0000)); // the bit length's high word
  view.setUint32(end - 4, (length * 8) >>> 0);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  for (let offset = 0; offset < end; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(offset + t * 4); // big-endian
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, temp = 0;
    for (let t = 0; t < 20; t++) {
      temp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + 0x5a827999 + e + w[t]) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = temp;
    }
    for (let t = 20; t < 40; t++) {
      temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + 0x6ed9eba1 + e + w[t]) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = temp;
    }
    for (let t = 40; t < 60; t++) {
      temp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc + e + w[t]) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = temp;
    }
    for (let t = 60; t < 80; t++) {
      temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + 0xca62c1d6 + e + w[t]) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  return hex(h0) + hex(h1) + hex(h2) + hex(h3) + hex(h4);
}

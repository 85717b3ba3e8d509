/** The synchronous SHA-1 gives the same digests as Web Crypto's, for every length and script. */
import { sha1Hex } from "../../src/cache/cache_keys.ts";
import { sha1HexSync } from "../../src/base/sha1_sync.ts";
import { assertEquals } from "../assert.ts";

Deno.test("sha1HexSync() matches the FIPS 180 vectors", () => {
  assertEquals(sha1HexSync(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assertEquals(sha1HexSync("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertEquals(
    sha1HexSync("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  );
});

Deno.test("sha1HexSync() matches crypto.subtle at every block boundary and for non-ASCII text", async () => {
  const texts = [
    ...[1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000].map((n) => "a".repeat(n)),
    "https://example.awsapps.com/start",
    "sso-ü ☃ 😀",
    "é".repeat(400), // longer than the reused buffer
    '{"accountId":"123456789012","roleName":"MyRole","sessionName":"my-sso"}',
  ];
  for (const text of texts) assertEquals(sha1HexSync(text), await sha1Hex(text), text);
  // After a long input, short ones still hash right (the buffers are reused).
  assertEquals(sha1HexSync("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
});

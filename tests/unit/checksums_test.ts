import { assertEquals, assertMatch, assertStrictEquals, assertThrows } from "../assert.ts";
import { formatSha256Sums, parseSha256Sums, sha256Hex } from "../../scripts/checksums.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);

Deno.test('sha256Hex() returns the FIPS 180-2 digest when given "abc"', async () => {
  assertStrictEquals(
    await sha256Hex(new TextEncoder().encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("formatSha256Sums() writes sorted sha256sum lines when given names in any order", () => {
  const text = formatSha256Sums(new Map([["z.zip", A], ["a.tar.gz", B]]));
  assertStrictEquals(text, `${B}  a.tar.gz\n${A}  z.zip\n`);
});

Deno.test("formatSha256Sums() throws when a hash is not 64 lowercase hex digits", () => {
  assertMatch(
    String(assertThrows(() => formatSha256Sums(new Map([["x", "ABC"]])))),
    /not a SHA-256 hex digest/,
  );
});

Deno.test("parseSha256Sums() reads text and binary mode lines when given sha256sum output", () => {
  const sums = parseSha256Sums(`${A}  a.tar.gz\r\n${B.toUpperCase()} *b.zip\n\n`);
  assertEquals([...sums], [["a.tar.gz", A], ["b.zip", B]]);
});

Deno.test("parseSha256Sums() throws naming the line when a line is malformed", () => {
  assertMatch(
    String(assertThrows(() => parseSha256Sums(`${A}  ok\nnot a line\n`))),
    /^Error: Line 2 of SHA256SUMS/,
  );
});

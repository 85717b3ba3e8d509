/**
 * The synchronous bounded JSON read of cache files refuses what `readJsonObject` refuses (FIFOs:
 * tests/status_test.ts, which may start `mkfifo`).
 */
import { readJsonObjectSync } from "../../src/base/bounded_read_sync.ts";
import { MAX_CACHE_FILE_BYTES } from "../../src/base/bounded_read.ts";
import { assertEquals } from "../assert.ts";
import { withTempDir } from "../script_helpers.ts";

Deno.test("readJsonObjectSync() reads small and large-but-allowed JSON objects", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.json`, '{"accessToken": "x", "n": 1}');
    assertEquals(readJsonObjectSync(`${dir}/a.json`), { accessToken: "x", n: 1 });
    assertEquals(readJsonObjectSync(`${dir}/a.json`, { knownRegular: true }), {
      accessToken: "x",
      n: 1,
    });
    const big = { pad: "x".repeat(300 * 1024) }; // more than the first read buffer
    await Deno.writeTextFile(`${dir}/big.json`, JSON.stringify(big));
    assertEquals(readJsonObjectSync(`${dir}/big.json`, { knownRegular: true }), big);
    assertEquals(readJsonObjectSync(`${dir}/a.json`), { accessToken: "x", n: 1 });
  });
});

Deno.test("readJsonObjectSync() treats missing, corrupt, non-object, oversized and non-regular files as absent", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/corrupt.json`, '{"accessToken": ');
    await Deno.writeTextFile(`${dir}/array.json`, "[1, 2]");
    await Deno.writeTextFile(`${dir}/huge.json`, `{"a":"${"x".repeat(MAX_CACHE_FILE_BYTES)}"}`);
    await Deno.mkdir(`${dir}/dir.json`);
    for (const name of ["missing", "corrupt", "array", "huge", "dir"]) {
      assertEquals(readJsonObjectSync(`${dir}/${name}.json`), undefined, name);
    }
    assertEquals(readJsonObjectSync(`${dir}/huge.json`, { knownRegular: true }), undefined);
    assertEquals(readJsonObjectSync(`${dir}/a.json`, { maxBytes: 10 }), undefined);
    await Deno.writeTextFile(`${dir}/small.json`, '{"a": 1}');
    assertEquals(readJsonObjectSync(`${dir}/small.json`, { maxBytes: 5 }), undefined);
  });
});

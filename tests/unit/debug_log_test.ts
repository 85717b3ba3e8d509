/** Unit tests of the opt-in debug log (redaction, appends, mode, size cap). */
import { debugEnabled, DebugLog, redact } from "../../src/base/debug_log.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { withTempDir } from "../script_helpers.ts";

const MAX_LOG_BYTES = 512 * 1024;
const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[\d+\] \+\d+\.\dms .*$/;

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

Deno.test("redact() shows only the last 4 characters of a secret", () => {
  assertEquals(redact("aoaAbCdEfGh1234"), "****1234");
  assertEquals(redact("abcde"), "****bcde");
  assertEquals(redact("abcd"), "****", "a 4-character secret shows nothing");
  assertEquals(redact("a"), "****");
  assertEquals(redact(""), "<none>");
  assertEquals(redact(undefined), "<none>");
  assert(!redact("SECRETVALUE9876").includes("SECRET"));
});

Deno.test("debugEnabled() is on for --debug or AWS_SSO_CREDENTIAL_PROCESS_DEBUG=true|1", () => {
  assertEquals(debugEnabled(true, undefined), true);
  assertEquals(debugEnabled(true, "false"), true, "the flag wins");
  for (const value of ["true", "TRUE", " True ", "1", " 1\n"]) {
    assertEquals(debugEnabled(false, value), true, JSON.stringify(value));
  }
  for (const value of [undefined, "", "false", "0", "yes", "on", "2"]) {
    assertEquals(debugEnabled(false, value), false, JSON.stringify(value));
  }
});

Deno.test("DebugLog records nothing and writes nothing when disabled", async () => {
  await withTempDir(async (dir) => {
    const log = new DebugLog(false);
    log.log("secret stuff");
    assertEquals(log.lines, []);
    await log.flush(`${dir}/log.txt`);
    assertEquals([...Deno.readDirSync(dir)], [], "no log and no lock file");
  });
});

Deno.test("DebugLog prefixes each line with the time, the pid and the elapsed ms", () => {
  const log = new DebugLog(true, 4242);
  log.log("first message");
  log.log("second");
  assertEquals(log.lines.length, 2);
  assertMatch(log.lines[0], LINE);
  assertMatch(log.lines[0], / \[4242\] \+\d+\.\dms first message$/);
  assertMatch(log.lines[1], / \[4242\] \+\d+\.\dms second$/);
  assertEquals(new DebugLog(true).pid, Deno.pid);
});

Deno.test("DebugLog.flush() appends across flushes and runs, with mode 0600", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/.aws/sso/log.txt`;
    const log = new DebugLog(true, 1);
    log.log("run one a");
    log.log("run one b");
    await log.flush(path);
    assertEquals(log.lines, [], "flushed lines are not written twice");
    log.log("run one c");
    await log.flush(path);
    const other = new DebugLog(true, 2);
    other.log("run two");
    await other.flush(path);

    const text = await Deno.readTextFile(path);
    assert(text.endsWith("\n"));
    const lines = text.trimEnd().split("\n");
    assertEquals(lines.map((l) => l.replace(/^.*?ms /, "")), [
      "run one a",
      "run one b",
      "run one c",
      "run two",
    ]);
    for (const line of lines) assertMatch(line, LINE);
    if (Deno.build.os !== "windows") {
      assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
    }
  });
});

Deno.test("DebugLog.flush() writes nothing when no line was logged", async () => {
  await withTempDir(async (dir) => {
    await new DebugLog(true).flush(`${dir}/log.txt`);
    assertEquals([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("DebugLog.flush() trims the log to the size cap, keeping whole lines and the newest", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/log.txt`;
    const old = Array.from(
      { length: 8000 },
      (_, i) => `old line ${String(i).padStart(6, "0")} ${"x".repeat(70)}`,
    );
    await Deno.writeTextFile(path, old.join("\n") + "\n");
    assert(byteLength(await Deno.readTextFile(path)) > MAX_LOG_BYTES);

    const log = new DebugLog(true, 7);
    log.log("newest line");
    await log.flush(path);

    const text = await Deno.readTextFile(path);
    assert(byteLength(text) <= MAX_LOG_BYTES, `log is ${byteLength(text)} bytes`);
    assert(byteLength(text) > MAX_LOG_BYTES - 200, "only the oldest lines were dropped");
    const lines = text.trimEnd().split("\n");
    assertMatch(lines.at(-1)!, / \[7\] \+\d+\.\dms newest line$/);
    assertMatch(lines[0], /^old line \d{6} x{70}$/, "the first kept line is whole");
    const kept = lines.slice(0, -1);
    assertEquals(kept, old.slice(old.length - kept.length), "a contiguous tail of the old lines");
  });
});

Deno.test("DebugLog.flush() caps the log in bytes, not characters, for non-ASCII lines", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/log.txt`;
    // 3000 lines of 100 two-byte characters: ~300k characters but ~600k bytes.
    const old = Array.from(
      { length: 3000 },
      (_, i) => `${String(i).padStart(4, "0")} ${"ü".repeat(100)}`,
    );
    await Deno.writeTextFile(path, old.join("\n") + "\n");
    const log = new DebugLog(true, 8);
    log.log("profile ü-profile");
    await log.flush(path);
    const text = await Deno.readTextFile(path);
    assert(byteLength(text) <= MAX_LOG_BYTES, `log is ${byteLength(text)} bytes`);
    assert(!text.includes("\uFFFD"), "no broken UTF-8 sequence");
    const lines = text.trimEnd().split("\n");
    assertMatch(lines[0], /^\d{4} ü{100}$/);
    assertMatch(lines.at(-1)!, /profile ü-profile$/);
  });
});

Deno.test("DebugLog.flush() ignores a log path it cannot write", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "");
    const log = new DebugLog(true);
    log.log("x");
    await log.flush(`${dir}/file/log.txt`); // must not throw
    assertEquals(await Deno.readTextFile(`${dir}/file`), "");
  });
});

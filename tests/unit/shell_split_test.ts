/** Splitting command lines as a POSIX shell (and Python's shlex) would, strict and lenient. */
import { assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../src/base/errors.ts";
import { shellSplit, splitCommandLine } from "../../src/base/shell_split.ts";

Deno.test('shellSplit() keeps a backslash in double quotes unless it escapes " \\ $ or `', () => {
  assertEquals(shellSplit(String.raw`a "b\c" "d\"e" "f\\g" "h\$i" 'j\k' l\ m`), [
    "a",
    String.raw`b\c`,
    'd"e',
    String.raw`f\g`,
    "h$i",
    String.raw`j\k`,
    "l m",
  ]);
});

Deno.test("shellSplit() refuses unterminated quotes and a trailing backslash in one sentence", () => {
  for (
    const [line, problem] of [
      ["a 'b", "an unterminated single quote"],
      ['a "b', "an unterminated double quote"],
      ["a b\\", "a trailing backslash"],
    ]
  ) {
    const error = assertThrows(() => shellSplit(line, "--profile-name-process"), ConfigError);
    assertEquals(error.message, `--profile-name-process has ${problem}.`);
  }
});

Deno.test("splitCommandLine() reads the same lines leniently, and keeps Windows backslashes", () => {
  assertEquals(splitCommandLine("a 'b c"), ["a", "b c"]);
  assertEquals(splitCommandLine("a b\\"), ["a", "b\\"]);
  assertEquals(splitCommandLine(String.raw`"C:\Program Files\x.exe" --p`, false), [
    String.raw`C:\Program Files\x.exe`,
    "--p",
  ]);
});

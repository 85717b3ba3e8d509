/** The linear-time matcher of user patterns (`src/base/user_pattern.ts`) against JavaScript's. */
import { UserPattern, userPattern } from "../../src/base/user_pattern.ts";
import { ConfigError } from "../../src/base/errors.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";

Deno.test("UserPattern.test() agrees with RegExp on the syntax it supports", () => {
  const cases: [string, string][] = [
    ["a", "xay"],
    ["^a", "ab"],
    ["^a", "ba"],
    ["b$", "ab"],
    ["(a+)+$", "aaaa!"],
    ["x|y", "zzy"],
    ["\\d{3}", "ab12c345"],
    ["[a-c]+z", "xxbcaz"],
    ["[^0-9]", "123a"],
    ["\\bfoo\\b", "a foo b"],
    ["\\bfoo\\b", "afoo"],
    ["a{2,3}", "caab"],
    ["(?:ab)*c", "ababc"],
    ["(?<word>colou?r)", "color"],
    [".", "\n"],
    ["\\.", "x.y"],
    ["[\\w-]+@", "my-name@x"],
    ["^$", ""],
    ["[]", "a"],
    ["[^]", "a"],
    ["awsapps\\.com/start$", "https://my.awsapps.com/start"],
  ];
  for (const [pattern, text] of cases) {
    assertEquals(new UserPattern(pattern).test(text), new RegExp(pattern).test(text), pattern);
  }
});

Deno.test("UserPattern.removeAll() removes what String.replace with /g removes", () => {
  const cases: [string, string][] = [
    ["^Team ", "Team Alpha"],
    ["-?prod", "a-prod-b-prod"],
    ["a*", "baaac"],
    ["(ab|a)", "aab"],
    ["\\s+$", "x  "],
    ["a|ab", "abab"],
    ["a+?", "aaa"],
    ["(a|ab)(c|bcd)", "abcd"],
  ];
  for (const [pattern, text] of cases) {
    assertEquals(
      new UserPattern(pattern).removeAll(text),
      text.replace(new RegExp(pattern, "g"), ""),
      pattern,
    );
  }
});

Deno.test("UserPattern matches patterns that make RegExp backtrack for ever in linear time", () => {
  const started = performance.now();
  assert(!new UserPattern("(a+)+$").test(`${"a".repeat(5000)}!`));
  assert(!new UserPattern("(a|a)*b").test("a".repeat(5000)));
  assert(!new UserPattern("(x+x+)+y").test("x".repeat(5000)));
  // RegExp would take longer than the age of the universe; this is milliseconds. Generous bound
  // for a loaded machine: the point is "not exponential".
  assert(performance.now() - started < 10_000);
});

Deno.test("userPattern() refuses back-references and look-arounds in one sentence", () => {
  for (const pattern of ["(a)\\1", "(?=a)", "(?<!a)b", "a{5000}"]) {
    const error = assertThrows(() => userPattern(pattern, "--role-name"), ConfigError);
    assert(
      /is not a valid regular expression: .* not supported \(patterns are matched without backtracking\)\.$/
        .test(error.message),
      error.message,
    );
  }
  assertEquals(
    assertThrows(() => userPattern("(", "--role-name"), ConfigError).message,
    "The --role-name value ( is not a valid regular expression.",
  );
});

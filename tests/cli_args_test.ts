import { assert, assertEquals, assertStrictEquals, assertThrows } from "./assert.ts";
import { parseFlags, UsageError } from "../scripts/cli_args.ts";
import { runScript } from "./script_helpers.ts";

const USAGE = "usage: x.ts [--out FILE] [--target T ...] [--quote]";
const parse = (args: string[]) =>
  parseFlags(args, {
    out: { type: "string" },
    target: { type: "string", multiple: true, default: [] },
    quote: { type: "boolean", default: false },
  }, USAGE);

Deno.test("parseFlags() returns the values when every flag is known and complete", () => {
  const values = parse(["--out", "a.txt", "--target=x", "--target", "y", "--quote"]);
  assertEquals({ ...values }, { out: "a.txt", target: ["x", "y"], quote: true });
  assertEquals({ ...parse([]) }, { target: [], quote: false });
  assert(!("out" in parse([])), "no out key when --out is absent");
});

Deno.test("parseFlags() throws one sentence ending in the usage for each kind of mistake", () => {
  const cases: [string[], string][] = [
    [["--bogus"], 'Unknown argument "--bogus"'],
    [["--bogus=1"], 'Unknown argument "--bogus"'],
    [["--out"], "--out needs a value"],
    [["--out", "--quote"], "--out needs a value"],
    [["--out="], "--out needs a value"],
    [["--target", ""], "--target needs a value"],
    [["--quote=yes"], "--quote takes no value"],
    [["extra"], 'Unexpected argument "extra"'],
  ];
  for (const [args, sentence] of cases) {
    const error = assertThrows(() => parse(args), args.join(" "));
    assert(error instanceof UsageError);
    assertStrictEquals(error.message, `${sentence}; ${USAGE}.`);
    assertStrictEquals(error.exitCode, 2);
  }
});

Deno.test("the scripts exit 2 with one sentence on stderr when given a bad flag", async () => {
  const cases: [string, string[], string[], string][] = [
    [
      "homebrew.ts",
      ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
      ["--sums"],
      "--sums needs a value; usage: homebrew.ts [--sums FILE] [--version V] [--repo owner/name] [--out FILE].\n",
    ],
    [
      "scoop.ts",
      ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
      ["dist/SHA256SUMS"],
      'Unexpected argument "dist/SHA256SUMS"; usage: scoop.ts [--sums FILE] [--version V] [--repo owner/name] [--out FILE].\n',
    ],
    [
      "compile.ts",
      ["--allow-read", "--allow-env"],
      ["--host=yes"],
      "--host takes no value; usage: compile.ts [--target T ...] [--host] [--out-dir DIR] [--root DIR] [--deno PATH] [--commit SHA].\n",
    ],
    [
      "bench.ts",
      ["--allow-read", "--allow-env"],
      ["--runs", "many"],
      '--runs must be a whole number above 0, not "many"; usage: bench.ts [--runs N] [--max-ratio R] [--max-cold-ratio R].\n',
    ],
  ];
  for (const [script, flags, args, stderr] of cases) {
    const result = await runScript(script, ["--quiet", ...flags], args);
    assertEquals([result.code, result.stdout, result.stderr], [2, "", stderr], script);
  }
});

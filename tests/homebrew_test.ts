import { assert, assertMatch, assertNotMatch, assertStrictEquals, assertThrows } from "./assert.ts";
import { renderFormula } from "../scripts/homebrew.ts";
import { hasCommand, run, runScript, tempDir } from "./script_helpers.ts";

const VERSION = "1.2.3";
const REPO = "octo/aws-sso-util-deno";
const HASHES: Record<string, string> = {
  "x86_64-unknown-linux-gnu": "1".repeat(64),
  "aarch64-unknown-linux-gnu": "2".repeat(64),
  "x86_64-apple-darwin": "3".repeat(64),
  "aarch64-apple-darwin": "4".repeat(64),
};
const SUMS = new Map(
  Object.entries(HASHES).map(([t, h]) => [`aws-sso-util-${VERSION}-${t}.tar.gz`, h]),
);
SUMS.set(`aws-sso-util-${VERSION}-x86_64-pc-windows-msvc.zip`, "5".repeat(64));
const SUMS_TEXT = [...SUMS].map(([name, hash]) => `${hash}  ${name}\n`).sort().join("");
const HAS_RUBY = await hasCommand("ruby", ["--version"]);

/** The `url`/`sha256` pair inside `on_<os> do … on_<arch> do … end`. */
function block(formula: string, os: string, arch: string): string {
  const osBlock = formula.split(`  on_${os} do\n`)[1].split("\n  end\n")[0];
  return osBlock.split(`    on_${arch} do\n`)[1].split("\n    end")[0];
}

Deno.test("renderFormula() gives each platform its archive url and sha256 when all are in SHA256SUMS", () => {
  const formula = renderFormula({ version: VERSION, repo: REPO, sums: SUMS });
  const base = `https://github.com/${REPO}/releases/download/v${VERSION}`;
  for (
    const [os, arch, target] of [
      ["macos", "arm", "aarch64-apple-darwin"],
      ["macos", "intel", "x86_64-apple-darwin"],
      ["linux", "arm", "aarch64-unknown-linux-gnu"],
      ["linux", "intel", "x86_64-unknown-linux-gnu"],
    ]
  ) {
    assertStrictEquals(
      block(formula, os, arch),
      `      url "${base}/aws-sso-util-${VERSION}-${target}.tar.gz"\n` +
        `      sha256 "${HASHES[target]}"`,
    );
  }
  assertMatch(formula, /^class AwsSsoUtil < Formula\n {2}desc "[^"]+"\n/);
  for (
    const line of [
      `  homepage "https://github.com/${REPO}"\n`,
      `  version "${VERSION}"\n`,
      '  def install\n    bin.install "aws-sso-util"\n  end\n',
    ]
  ) {
    assert(formula.includes(line), line);
  }
  assert(
    formula.endsWith(
      '  test do\n    assert_match version.to_s, shell_output("#{bin}/aws-sso-util --version")\n' +
        "  end\nend\n",
    ),
  );
  assertNotMatch(formula, /windows/);
});

Deno.test("renderFormula() throws one sentence naming the archive when a target is missing", () => {
  const sums = new Map(SUMS);
  sums.delete(`aws-sso-util-${VERSION}-aarch64-unknown-linux-gnu.tar.gz`);
  assertStrictEquals(
    (assertThrows(() => renderFormula({ version: VERSION, repo: REPO, sums })) as Error).message,
    `SHA256SUMS has no entry for aws-sso-util-${VERSION}-aarch64-unknown-linux-gnu.tar.gz; build the aarch64-unknown-linux-gnu target before rendering.`,
  );
});

Deno.test({
  name: "renderFormula() output is valid Ruby when ruby -c checks it",
  ignore: !HAS_RUBY,
  fn: async () => {
    await using dir = await tempDir();
    const file = `${dir.path}/aws-sso-util.rb`;
    await Deno.writeTextFile(file, renderFormula({ version: VERSION, repo: REPO, sums: SUMS }));
    const result = await run("ruby", ["-c", file]);
    assertStrictEquals(result.code, 0, result.stderr);
    assertMatch(result.stdout, /Syntax OK/);
  },
});

Deno.test("homebrew.ts writes the formula to --out when given a SHA256SUMS file", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/SHA256SUMS`, SUMS_TEXT);
  const out = `${dir.path}/aws-sso-util.rb`;
  const result = await runScript(
    "homebrew.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY", `--allow-write=${dir.path}`],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION, "--repo", REPO, "--out", out],
  );
  assertStrictEquals(result.code, 0, result.stderr);
  assertStrictEquals(result.stdout, "");
  assertStrictEquals(
    await Deno.readTextFile(out),
    renderFormula({ version: VERSION, repo: REPO, sums: SUMS }),
  );
});

Deno.test("homebrew.ts takes the repository from GITHUB_REPOSITORY when --repo is absent", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/SHA256SUMS`, SUMS_TEXT);
  const result = await runScript(
    "homebrew.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION],
    { env: { GITHUB_REPOSITORY: "someone/fork" } },
  );
  assertStrictEquals(result.code, 0, result.stderr);
  assertMatch(result.stdout, /homepage "https:\/\/github\.com\/someone\/fork"/);
});

Deno.test("homebrew.ts exits 1 with one sentence when SHA256SUMS lacks a target", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/SHA256SUMS`,
    SUMS_TEXT.split("\n").filter((l) => !l.includes("x86_64-apple-darwin")).join("\n"),
  );
  const result = await runScript(
    "homebrew.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION, "--repo", REPO],
  );
  assertStrictEquals(result.code, 1);
  assertStrictEquals(result.stdout, "");
  assertMatch(result.stderr, /^SHA256SUMS has no entry for [^\n]+x86_64-apple-darwin[^\n]+\.\n$/);
});

Deno.test("homebrew.ts exits 1 with one sentence when the SHA256SUMS file is missing", async () => {
  await using dir = await tempDir();
  const result = await runScript(
    "homebrew.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION],
  );
  assertStrictEquals(result.code, 1);
  assertMatch(result.stderr, /SHA256SUMS cannot be read; run "deno task compile" first\.\n$/);
});

Deno.test("homebrew.ts exits 2 when --repo is not owner/name", async () => {
  const result = await runScript(
    "homebrew.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
    ["--repo", "not a repo"],
  );
  assertStrictEquals(result.code, 2);
  assertStrictEquals(result.stderr, 'Repository "not a repo" is not of the form owner/name.\n');
});

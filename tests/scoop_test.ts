import { assert, assertEquals, assertMatch, assertStrictEquals, assertThrows } from "./assert.ts";
import { renderScoopManifest } from "../scripts/scoop.ts";
import { runScript, tempDir } from "./script_helpers.ts";

const VERSION = "1.2.3";
const REPO = "octo/aws-sso-util-deno";
const ZIP = `aws-sso-util-${VERSION}-x86_64-pc-windows-msvc.zip`;
const ARM_ZIP = `aws-sso-util-${VERSION}-aarch64-pc-windows-msvc.zip`;
const HASH = "ab".repeat(32);
const ARM_HASH = "ef".repeat(32);
const SUMS = new Map([
  [ZIP, HASH],
  [ARM_ZIP, ARM_HASH],
  [`aws-sso-util-${VERSION}-x86_64-unknown-linux-gnu.tar.gz`, "cd".repeat(32)],
]);

Deno.test("renderScoopManifest() fills every field Scoop needs when SHA256SUMS has both Windows zips", () => {
  const manifest = JSON.parse(renderScoopManifest({ version: VERSION, repo: REPO, sums: SUMS }));
  assertEquals(Object.keys(manifest), [
    "version",
    "description",
    "homepage",
    "license",
    "architecture",
    "bin",
    "checkver",
    "autoupdate",
  ]);
  assertStrictEquals(manifest.version, VERSION);
  assert(manifest.description.length > 10);
  assertStrictEquals(manifest.homepage, `https://github.com/${REPO}`);
  assertStrictEquals(manifest.license, "MIT");
  assertEquals(manifest.architecture, {
    "64bit": {
      url: `https://github.com/${REPO}/releases/download/v${VERSION}/${ZIP}`,
      hash: HASH,
      extract_dir: `aws-sso-util-${VERSION}-x86_64-pc-windows-msvc`,
    },
    arm64: {
      url: `https://github.com/${REPO}/releases/download/v${VERSION}/${ARM_ZIP}`,
      hash: ARM_HASH,
      extract_dir: `aws-sso-util-${VERSION}-aarch64-pc-windows-msvc`,
    },
  });
  assertStrictEquals(manifest.bin, "aws-sso-util.exe");
  assertEquals(manifest.checkver, { github: `https://github.com/${REPO}` });
  assertEquals(manifest.autoupdate, {
    architecture: {
      "64bit": {
        url:
          `https://github.com/${REPO}/releases/download/v$version/aws-sso-util-$version-x86_64-pc-windows-msvc.zip`,
        extract_dir: "aws-sso-util-$version-x86_64-pc-windows-msvc",
      },
      arm64: {
        url:
          `https://github.com/${REPO}/releases/download/v$version/aws-sso-util-$version-aarch64-pc-windows-msvc.zip`,
        extract_dir: "aws-sso-util-$version-aarch64-pc-windows-msvc",
      },
    },
    hash: { url: "$baseurl/SHA256SUMS" },
  });
});

Deno.test("renderScoopManifest() output ends with a newline when rendered", () => {
  assert(renderScoopManifest({ version: VERSION, repo: REPO, sums: SUMS }).endsWith("}\n"));
});

Deno.test("renderScoopManifest() throws one sentence when a Windows zip is missing", () => {
  for (const [zip, target] of [[ZIP, "x86_64"], [ARM_ZIP, "aarch64"]]) {
    const sums = new Map(SUMS);
    sums.delete(zip);
    assertStrictEquals(
      (assertThrows(() => renderScoopManifest({ version: VERSION, repo: REPO, sums })) as Error)
        .message,
      `SHA256SUMS has no entry for ${zip}; build the ${target}-pc-windows-msvc target before rendering.`,
    );
  }
});

Deno.test("scoop.ts writes a JSON manifest to --out when given a SHA256SUMS file", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/SHA256SUMS`,
    [...SUMS].map(([name, hash]) => `${hash}  ${name}\n`).join(""),
  );
  const out = `${dir.path}/aws-sso-util.json`;
  const result = await runScript(
    "scoop.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY", `--allow-write=${dir.path}`],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION, "--repo", REPO, "--out", out],
  );
  assertStrictEquals(result.code, 0, result.stderr);
  const manifest = JSON.parse(await Deno.readTextFile(out));
  assertStrictEquals(manifest.architecture["64bit"].hash, HASH);
  assertStrictEquals(manifest.architecture.arm64.hash, ARM_HASH);
});

Deno.test("scoop.ts exits 1 with one sentence when SHA256SUMS lacks the Windows zip", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/SHA256SUMS`, `${"cd".repeat(32)}  other.tar.gz\n`);
  const result = await runScript(
    "scoop.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION, "--repo", REPO],
  );
  assertStrictEquals(result.code, 1);
  assertStrictEquals(result.stdout, "");
  assertMatch(result.stderr, /^SHA256SUMS has no entry for [^\n]+\.zip; [^\n]+\.\n$/);
});

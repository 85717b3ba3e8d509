import assert from "node:assert/strict";
import { renderScoopManifest } from "../scripts/scoop.ts";
import { runScript, tempDir } from "./script_helpers.ts";

const VERSION = "1.2.3";
const REPO = "octo/aws-sso-util-deno";
const ZIP = `aws-sso-util-${VERSION}-x86_64-pc-windows-msvc.zip`;
const HASH = "ab".repeat(32);
const SUMS = new Map([
  [ZIP, HASH],
  [`aws-sso-util-${VERSION}-x86_64-unknown-linux-gnu.tar.gz`, "cd".repeat(32)],
]);

Deno.test("renderScoopManifest() fills every field Scoop needs when SHA256SUMS has the Windows zip", () => {
  const manifest = JSON.parse(renderScoopManifest({ version: VERSION, repo: REPO, sums: SUMS }));
  assert.deepEqual(Object.keys(manifest), [
    "version",
    "description",
    "homepage",
    "license",
    "architecture",
    "bin",
    "checkver",
    "autoupdate",
  ]);
  assert.equal(manifest.version, VERSION);
  assert.ok(manifest.description.length > 10);
  assert.equal(manifest.homepage, `https://github.com/${REPO}`);
  assert.equal(manifest.license, "MIT");
  assert.deepEqual(manifest.architecture, {
    "64bit": {
      url: `https://github.com/${REPO}/releases/download/v${VERSION}/${ZIP}`,
      hash: HASH,
      extract_dir: `aws-sso-util-${VERSION}-x86_64-pc-windows-msvc`,
    },
  });
  assert.equal(manifest.bin, "aws-sso-util.exe");
  assert.deepEqual(manifest.checkver, { github: `https://github.com/${REPO}` });
  assert.deepEqual(manifest.autoupdate, {
    architecture: {
      "64bit": {
        url:
          `https://github.com/${REPO}/releases/download/v$version/aws-sso-util-$version-x86_64-pc-windows-msvc.zip`,
        extract_dir: "aws-sso-util-$version-x86_64-pc-windows-msvc",
      },
    },
    hash: { url: "$baseurl/SHA256SUMS" },
  });
});

Deno.test("renderScoopManifest() output ends with a newline when rendered", () => {
  assert.ok(renderScoopManifest({ version: VERSION, repo: REPO, sums: SUMS }).endsWith("}\n"));
});

Deno.test("renderScoopManifest() throws one sentence when the Windows zip is missing", () => {
  const sums = new Map(SUMS);
  sums.delete(ZIP);
  assert.throws(() => renderScoopManifest({ version: VERSION, repo: REPO, sums }), {
    message:
      `SHA256SUMS has no entry for ${ZIP}; build the x86_64-pc-windows-msvc target before rendering.`,
  });
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
  assert.equal(result.code, 0, result.stderr);
  const manifest = JSON.parse(await Deno.readTextFile(out));
  assert.equal(manifest.architecture["64bit"].hash, HASH);
});

Deno.test("scoop.ts exits 1 with one sentence when SHA256SUMS lacks the Windows zip", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/SHA256SUMS`, `${"cd".repeat(32)}  other.tar.gz\n`);
  const result = await runScript(
    "scoop.ts",
    ["--allow-read", "--allow-env=GITHUB_REPOSITORY"],
    ["--sums", `${dir.path}/SHA256SUMS`, "--version", VERSION, "--repo", REPO],
  );
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^SHA256SUMS has no entry for [^\n]+\.zip; [^\n]+\.\n$/);
});

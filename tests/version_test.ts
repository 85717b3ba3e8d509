import { assertMatch, assertRejects, assertStrictEquals, assertThrows } from "./assert.ts";
import { checkTag, readVersion } from "../scripts/version.ts";
import { REPO_ROOT, runScript, tempDir } from "./script_helpers.ts";

async function configWith(dir: string, config: unknown): Promise<string> {
  const path = `${dir}/deno.json`;
  await Deno.writeTextFile(path, JSON.stringify(config));
  return path;
}

Deno.test("readVersion() returns the repository's version when called without arguments", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  assertStrictEquals(await readVersion(), config.version);
});

Deno.test("readVersion() returns the version when deno.json has a semantic version", async () => {
  await using dir = await tempDir();
  assertStrictEquals(
    await readVersion(await configWith(dir.path, { version: "1.2.3-rc.1" })),
    "1.2.3-rc.1",
  );
});

Deno.test("readVersion() throws one sentence when deno.json has no version", async () => {
  await using dir = await tempDir();
  const path = await configWith(dir.path, { name: "x" });
  assertStrictEquals(
    (await assertRejects(readVersion(path)) as Error).message,
    `${path} has no "version" field; add one such as "version": "0.1.0".`,
  );
});

Deno.test("readVersion() throws one sentence when the version is not semantic", async () => {
  await using dir = await tempDir();
  assertMatch(
    String(await assertRejects(readVersion(await configWith(dir.path, { version: "v1" })))),
    /is not a semantic version such as "0\.1\.0"\.$/,
  );
});

Deno.test("checkTag() accepts the tag when it is v<version>", () => {
  checkTag("v0.1.0", "0.1.0");
  checkTag("refs/tags/v1.2.3-rc.1", "1.2.3-rc.1");
});

Deno.test("checkTag() throws one sentence when the tag names another version", () => {
  assertStrictEquals(
    (assertThrows(() => checkTag("v0.2.0", "0.1.0")) as Error).message,
    'Tag "v0.2.0" does not match version "0.1.0" in deno.json; expected tag "v0.1.0".',
  );
  assertMatch(String(assertThrows(() => checkTag("0.1.0", "0.1.0"))), /expected tag "v0\.1\.0"\.$/);
});

Deno.test("version.ts prints the version when run without arguments", async () => {
  const result = await runScript("version.ts", ["--allow-read"], []);
  assertStrictEquals(result.code, 0, result.stderr);
  assertStrictEquals(result.stdout, `${await readVersion()}\n`);
});

Deno.test("version.ts exits 0 and prints the version when --check-tag matches", async () => {
  await using dir = await tempDir();
  const config = await configWith(dir.path, { version: "3.4.5" });
  const result = await runScript("version.ts", ["--allow-read"], [
    "--check-tag",
    "v3.4.5",
    "--config",
    config,
  ]);
  assertStrictEquals(result.code, 0, result.stderr);
  assertStrictEquals(result.stdout, "3.4.5\n");
});

Deno.test("version.ts exits 1 with one sentence on stderr when --check-tag mismatches", async () => {
  await using dir = await tempDir();
  const config = await configWith(dir.path, { version: "3.4.5" });
  const result = await runScript("version.ts", ["--allow-read"], [
    "--config",
    config,
    "--check-tag",
    "v3.4.6",
  ]);
  assertStrictEquals(result.code, 1);
  assertStrictEquals(result.stdout, "");
  assertStrictEquals(
    result.stderr,
    'Tag "v3.4.6" does not match version "3.4.5" in deno.json; expected tag "v3.4.5".\n',
  );
});

Deno.test("version.ts exits 2 when given an unknown argument", async () => {
  const result = await runScript("version.ts", ["--allow-read"], ["--tag"]);
  assertStrictEquals(result.code, 2);
  assertMatch(result.stderr, /^Unknown argument "--tag"/);
});

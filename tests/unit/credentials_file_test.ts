/** `export --write-credentials`: the shared credentials file, edited line by line, atomically, 0600. */
import type { RoleCredentials } from "../../src/cache/credential_cache.ts";
import {
  credentialsFilePath,
  editCredentialsText,
  writeCredentialsSection,
} from "../../src/cache/credentials_file.ts";
import { ConfigError } from "../../src/base/errors.ts";
import { assertEquals, assertMatch, assertRejects, assertThrows } from "../assert.ts";
import { withTempDir } from "../script_helpers.ts";

const CREDS: RoleCredentials = {
  accessKeyId: "ASIANEW",
  secretAccessKey: "new/secret+key",
  sessionToken: "new-token==",
  expiration: Date.UTC(2026, 0, 2, 3, 4, 5),
  accountId: "012345678912",
};

const KEYS = [
  "aws_access_key_id = ASIANEW",
  "aws_secret_access_key = new/secret+key",
  "aws_session_token = new-token==",
  "aws_credential_expiration = 2026-01-02T03:04:05Z",
  "aws_account_id = 012345678912",
];

const EXISTING = [
  "# my credentials, hand-kept",
  "[default]",
  "aws_access_key_id = AKIADEFAULT",
  "aws_secret_access_key = default-secret",
  "",
  "; the old one",
  "[dev]",
  "aws_access_key_id = ASIAOLD",
  "aws_secret_access_key = old",
  "aws_session_token = old-token",
  "region = us-west-2",
  "",
  "[profile dev]",
  "aws_access_key_id = NOT-THIS-ONE",
  "",
  "[prod]",
  "aws_access_key_id = AKIAPROD",
].join("\r\n") + "\r\n";

Deno.test("editCredentialsText() replaces a section's keys in place and keeps every other line", () => {
  const out = editCredentialsText(EXISTING, "dev", CREDS);
  const lines = out.split("\r\n");
  assertEquals(lines.slice(0, 7), EXISTING.split("\r\n").slice(0, 7));
  assertEquals(lines.slice(7, 13), [...KEYS.slice(0, 3), "region = us-west-2", ...KEYS.slice(3)]);
  assertEquals(lines.slice(13).join("\r\n"), EXISTING.split("\r\n").slice(11).join("\r\n"));
});

Deno.test("editCredentialsText() appends a new section and writes [default] for default", () => {
  assertEquals(
    editCredentialsText("[other]\nx = 1\n", "new-one", CREDS),
    ["[other]", "x = 1", "", "[new-one]", ...KEYS, ""].join("\n"),
  );
  assertEquals(editCredentialsText("", "default", CREDS), ["[default]", ...KEYS, ""].join("\n"));
  const replaced = editCredentialsText(EXISTING, "default", CREDS);
  assertMatch(replaced, /\[default\]\r\naws_access_key_id = ASIANEW\r\n/);
  assertMatch(replaced, /\[dev\]\r\naws_access_key_id = ASIAOLD\r\n/);
});

Deno.test("editCredentialsText() refuses a section name with spaces or brackets", () => {
  for (const name of ["profile dev", "a]b", "", " x"]) {
    assertThrows(() => editCredentialsText("", name, CREDS), ConfigError);
  }
});

Deno.test("writeCredentialsSection() writes the file 0600, narrowing a looser mode", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/sub/credentials`;
    await writeCredentialsSection(path, "dev", CREDS);
    assertEquals(await Deno.readTextFile(path), ["[dev]", ...KEYS, ""].join("\n"));
    if (Deno.build.os !== "windows") {
      assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
      await Deno.writeTextFile(path, EXISTING);
      await Deno.chmod(path, 0o640);
      await writeCredentialsSection(path, "prod", CREDS);
      assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
      const text = await Deno.readTextFile(path);
      assertEquals(text.startsWith(EXISTING.split("[prod]")[0]), true);
      assertMatch(text, /\[prod\]\r\naws_access_key_id = ASIANEW\r\n/);
    }
    assertEquals(
      (await Array.fromAsync(Deno.readDir(`${dir}/sub`))).length,
      1,
      "no temp file left",
    );
  });
});

Deno.test("writeCredentialsSection() fails in one sentence on a malformed file, leaving it as it was", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/credentials`;
    await Deno.writeTextFile(path, "[dev]\nthis line is junk\n");
    await assertRejects(
      () => writeCredentialsSection(path, "dev", CREDS),
      ConfigError,
      "is malformed: line 2",
    );
    assertEquals(await Deno.readTextFile(path), "[dev]\nthis line is junk\n");
  });
});

Deno.test("credentialsFilePath() follows AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(credentialsFilePath(env({ HOME: "/h" })), "/h/.aws/credentials");
  assertEquals(
    credentialsFilePath(env({ HOME: "/h", AWS_SHARED_CREDENTIALS_FILE: "~/creds" })),
    "/h/creds",
  );
});

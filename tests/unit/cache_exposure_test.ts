/**
 * Unit tests of the file checks of `check`: cache files and directories others can read
 * (`cache/cache_exposure.ts`), token files read for diagnosis (`cache/token_file_inspection.ts`)
 * and file owners (`cache/file_owner.ts`).
 */
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { cacheExposure } from "../../src/cache/cache_exposure.ts";
import { inspectTokenFile } from "../../src/cache/token_file_inspection.ts";
import { fileOwner, userNameOf, withOwner } from "../../src/base/file_owner.ts";
import { findingLine } from "../../src/base/check_finding.ts";

const POSIX = Deno.build.os !== "windows";

Deno.test({
  name: "cacheExposure reports readable files (warning) and listable directories (info)",
  ignore: !POSIX,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const sso = `${dir}/sso`;
      const cli = `${dir}/cli`;
      await Deno.mkdir(sso);
      await Deno.mkdir(cli);
      await Deno.chmod(sso, 0o700);
      await Deno.chmod(cli, 0o750);
      for (
        const [path, mode] of [
          [`${sso}/a.json`, 0o600],
          [`${sso}/b.json`, 0o640],
          [`${sso}/c.json`, 0o604],
          [`${cli}/d.json`, 0o600],
          [`${sso}/e.lock`, 0o644],
        ] as const
      ) {
        await Deno.writeTextFile(path, "{}");
        await Deno.chmod(path, mode);
      }
      const findings = await cacheExposure([sso, cli, `${dir}/missing`], "linux");
      assertEquals(findings.map((f) => f.level), ["warning", "info"]);
      assertMatch(
        findings[0].text,
        new RegExp(
          `^2 of 3 file\\(s\\) in ${sso} can be read by group or others \\(e\\.g\\. b\\.json, mode 0640\\)`,
        ),
      );
      assertMatch(
        findings[1].text,
        new RegExp(`^The cache directory ${cli} can be listed by group or others \\(mode 0750\\)`),
      );
      assertEquals(await cacheExposure([sso], "windows"), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("inspectTokenFile tells missing, invalid and usable token files apart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertEquals(await inspectTokenFile(`${dir}/none.json`), { kind: "missing" });
    assertEquals(await inspectTokenFile(dir), { kind: "invalid", reason: "it is a directory" });
    const cases: [string, string][] = [
      ["[1]", "it is not a JSON object"],
      ['{"expiresAt":"2030-01-01T00:00:00Z"}', "it has no accessToken"],
      ['{"accessToken":"a"}', "it has no expiresAt"],
      ['{"accessToken":"a","expiresAt":"soon"}', "its expiresAt is not a valid timestamp"],
    ];
    for (const [text, reason] of cases) {
      await Deno.writeTextFile(`${dir}/t.json`, text);
      assertEquals(await inspectTokenFile(`${dir}/t.json`), { kind: "invalid", reason }, text);
    }
    await Deno.writeTextFile(
      `${dir}/t.json`,
      '{"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z"}',
    );
    const ok = await inspectTokenFile(`${dir}/t.json`);
    assert(ok.kind === "token" && ok.token.accessToken === "a");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "inspectTokenFile names the owner of a token file it may not read",
  ignore: !POSIX || Deno.uid() === 0, // root reads any file
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/t.json`, "{}");
      await Deno.chmod(`${dir}/t.json`, 0o000);
      const found = await inspectTokenFile(`${dir}/t.json`);
      assert(found.kind === "unreadable" && found.owner?.uid === Deno.uid());
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "fileOwner gives the uid from stat and the name from /etc/passwd",
  ignore: !POSIX,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/f`, "");
      const owner = await fileOwner(`${dir}/f`);
      assertEquals(owner?.uid, Deno.uid());
      const passwd = await Deno.readTextFile("/etc/passwd").catch(() => "");
      assertEquals(owner?.name, userNameOf(passwd, Deno.uid()!));
      assertEquals(await fileOwner(`${dir}/missing`), undefined);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("userNameOf and withOwner", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/sh\n";
  assertEquals(userNameOf(passwd, 1001), "alice");
  assertEquals(userNameOf(passwd, 7), undefined);
  assertEquals(
    withOwner("permission denied", { uid: 1001, name: "alice" }),
    "permission denied; it is owned by uid 1001 (alice)",
  );
  assertEquals(
    withOwner("permission denied", { uid: 7 }),
    "permission denied; it is owned by uid 7",
  );
  assertEquals(withOwner("permission denied", undefined), "permission denied");
});

Deno.test("findingLine: one line, level first, control characters escaped", () => {
  assertEquals(findingLine({ level: "warning", text: "a\nb" }), "warning: a\\nb");
  assertEquals(findingLine({ level: "ok", text: "fine." }), "ok: fine.");
});

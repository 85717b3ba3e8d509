import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "./assert.ts";
import { permissionFlags, readPermissionSet, shellQuote } from "../scripts/permissions.ts";
import { REPO_ROOT, run, runScript, tempDir } from "./script_helpers.ts";

Deno.test("permissionFlags() emits a bare --allow flag when a kind is true", () => {
  assertEquals(permissionFlags({ read: true, write: true }), ["--allow-read", "--allow-write"]);
});

Deno.test("permissionFlags() joins the entries with commas when a kind is a list", () => {
  assertEquals(permissionFlags({ env: ["AWS_*", "HOME"], net: ["*.amazonaws.com", "[::1]"] }), [
    "--allow-net=*.amazonaws.com,[::1]",
    "--allow-env=AWS_*,HOME",
  ]);
});

Deno.test("permissionFlags() uses one fixed kind order when keys come in any order", () => {
  const flags = permissionFlags({
    import: ["example.com"],
    ffi: true,
    run: ["git"],
    sys: ["homedir"],
    env: true,
    net: true,
    write: true,
    read: true,
  });
  assertEquals(flags.map((flag) => flag.split("=")[0]), [
    "--allow-read",
    "--allow-write",
    "--allow-net",
    "--allow-env",
    "--allow-sys",
    "--allow-run",
    "--allow-ffi",
    "--allow-import",
  ]);
});

Deno.test("permissionFlags() emits nothing for a kind when it is false or an empty list", () => {
  assertEquals(permissionFlags({ read: false, env: [], net: ["localhost"] }), [
    "--allow-net=localhost",
  ]);
});

Deno.test("permissionFlags() emits allow, deny and ignore flags when a kind is an object", () => {
  assertEquals(
    permissionFlags({
      read: { allow: true, deny: ["/etc/shadow"], ignore: ["/proc"] },
      env: { allow: ["AWS_*"], ignore: true },
    }),
    [
      "--allow-read",
      "--deny-read=/etc/shadow",
      "--ignore-read=/proc",
      "--allow-env=AWS_*",
      "--ignore-env",
    ],
  );
});

Deno.test("permissionFlags() throws instead of emitting -A when the set grants all", () => {
  assertMatch(
    String(assertThrows(() => permissionFlags({ all: true } as never))),
    /"all".*-A is never used/,
  );
});

Deno.test("permissionFlags() throws one sentence when a kind or value is invalid", () => {
  assertMatch(
    String(assertThrows(() => permissionFlags({ hrtime: true } as never))),
    /^Error: Unknown permission "hrtime"/,
  );
  assertMatch(String(assertThrows(() => permissionFlags({ net: ["a,b"] }))), /contains a comma\.$/);
  assertMatch(
    String(assertThrows(() => permissionFlags({ net: "yes" } as never))),
    /must be true, false/,
  );
  assertMatch(
    String(assertThrows(() => permissionFlags({ net: { ignore: true } }))),
    /only read and env can\.$/,
  );
});

Deno.test("readPermissionSet() reads the repository's default set when called without arguments", async () => {
  const flags = permissionFlags(await readPermissionSet());
  assert(flags.length > 0);
  for (const flag of flags) {
    assertMatch(flag, /^--(allow|deny|ignore)-[a-z]+(=.+)?$/);
    assertNotEquals(flag, "-A");
    assert(!flag.startsWith("--allow-all"));
  }
});

Deno.test("readPermissionSet() reads a named set when given a config path", async () => {
  await using dir = await tempDir();
  const config = `${dir.path}/deno.json`;
  await Deno.writeTextFile(config, JSON.stringify({ permissions: { tool: { env: ["X"] } } }));
  assertEquals(await readPermissionSet(config, "tool"), { env: ["X"] });
});

Deno.test("readPermissionSet() throws one sentence when the set or the file is missing", async () => {
  await using dir = await tempDir();
  const config = `${dir.path}/deno.json`;
  await Deno.writeTextFile(config, JSON.stringify({ permissions: {} }));
  assertMatch(
    String(await assertRejects(readPermissionSet(config))),
    /has no permission set "default" under "permissions"\.$/,
  );
  assertMatch(
    String(await assertRejects(readPermissionSet(`${dir.path}/nope.json`))),
    /does not exist\.$/,
  );
});

Deno.test("permissionFlags() output is accepted by deno run when it launches a script", async () => {
  await using dir = await tempDir();
  const probe = `${dir.path}/probe.ts`;
  await Deno.writeTextFile(
    probe,
    `const q = (d: Deno.PermissionDescriptor) => Deno.permissions.query(d).then((s) => s.state);
console.log(JSON.stringify([
  await q({ name: "env", variable: "AWS_PROFILE" }),
  await q({ name: "env", variable: "PATH" }),
  await q({ name: "net", host: "sso.eu-west-1.amazonaws.com" }),
  await q({ name: "net", host: "example.com" }),
  await q({ name: "read" }),
]));`,
  );
  const flags = permissionFlags({ read: true, env: ["AWS_*"], net: ["*.amazonaws.com"] });
  const result = await run(Deno.execPath(), [
    "run",
    "--no-prompt",
    "--cached-only",
    ...flags,
    probe,
  ]);
  assertStrictEquals(result.code, 0, result.stderr);
  assertEquals(JSON.parse(result.stdout), [
    "granted",
    "prompt",
    "granted",
    "prompt",
    "granted",
  ]);
});

Deno.test("permissions.ts prints the default set's flags space-joined when run as a script", async () => {
  const expected = permissionFlags(await readPermissionSet(`${REPO_ROOT}/deno.json`));
  const plain = await runScript("permissions.ts", ["--allow-read"], []);
  assertStrictEquals(plain.code, 0, plain.stderr);
  assertStrictEquals(plain.stdout, expected.join(" ") + "\n");
  const quoted = await runScript("permissions.ts", ["--allow-read"], ["--quote"]);
  assertStrictEquals(quoted.stdout, expected.map((flag) => shellQuote(flag)).join(" ") + "\n");
});

Deno.test("permissions.ts exits 2 with a usage sentence when given an unknown argument", async () => {
  const result = await runScript("permissions.ts", ["--allow-read"], ["--bogus"]);
  assertStrictEquals(result.code, 2);
  assertMatch(result.stderr, /^Unknown argument "--bogus"; usage: .*\.\n$/);
});

Deno.test("shellQuote() quotes an argument when it holds shell wildcards or quotes", () => {
  assertStrictEquals(shellQuote("--allow-read"), "--allow-read");
  assertStrictEquals(shellQuote("--allow-env=AWS_*,HOME"), "'--allow-env=AWS_*,HOME'");
  assertStrictEquals(shellQuote("it's"), `'it'\\''s'`);
});

import { assert, assertEquals, assertMatch, assertNotMatch, assertStrictEquals } from "./assert.ts";
import { readTarGz, readZip } from "../scripts/archive.ts";
import { parseSha256Sums } from "../scripts/checksums.ts";
import { buildInfoModule, writeBuildInfo } from "../scripts/compile.ts";
import { permissionFlags, readPermissionSet } from "../scripts/permissions.ts";
import {
  COMPILE_ENTRY,
  hostTarget,
  LAZY_MODULES,
  RELEASE_PERMISSION_SET,
  RELEASE_TARGETS,
} from "../scripts/release_info.ts";
import { readVersion } from "../scripts/version.ts";
import { shellSplit } from "../src/base/shell_split.ts";
import { fileSha256, hasCommand, REPO_ROOT, run, runScript, tempDir } from "./script_helpers.ts";

/** The flags `deno task compile` runs scripts/compile.ts with. */
const TASK_FLAGS = ["--allow-read", "--allow-write", "--allow-env", "--allow-run", "--allow-net"];
const WINDOWS = Deno.build.os === "windows";
const VERSION = "1.2.3";
/** The project's `default` set: what `deno task cli` and the `deno run` lines grant. */
const PERMISSIONS = {
  read: true,
  env: ["AWS_*", "HOME"],
  net: ["*.amazonaws.com", "127.0.0.1"],
  sys: ["homedir"],
  run: ["xdg-open", "open", "rundll32"],
};
/** The project's `run-as` set, which the release binaries are compiled with. */
const RUN_AS_PERMISSIONS = { ...PERMISSIONS, run: true };
/**
 * The permission flags each release target is compiled with: the `run-as` set, the same for
 * every target (with `run` of any program there is no per-OS browser opener list to trim).
 */
const EXPECTED_FLAGS: Record<string, string[]> = Object.fromEntries(
  [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
  ].map((target) => [target, [
    "--allow-read",
    "--allow-net=*.amazonaws.com,127.0.0.1",
    "--allow-env=AWS_*,HOME",
    "--allow-sys=homedir",
    "--allow-run",
  ]]),
);
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DOWNLOAD_SENTENCE =
  /^Could not download the Deno runtime base \(denort\) for [a-z0-9_-]+; set DENORT_BIN to a local denort binary or run the compile where dl\.deno\.land is reachable\.$/m;

/** What Deno 2.9 prints when dl.deno.land is unreachable. */
const DENO_DOWNLOAD_ERROR = `Compile main.ts to dist/out
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'out.tmp-1d96aed775aa95ba'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known`;

/**
 * A stand-in for `deno` that writes its own argument list (one a line) to the `--output`
 * path, then a line `--- import map`, the `--import-map` file and the `build_info.ts` beside it;
 * or prints `$FAKE_DENO_STDERR` and exits 1 when that variable is set (and, if
 * `$FAKE_DENO_FAIL_TARGET` is set too, only for that `--target`).
 */
const FAKE_DENO = `#!/bin/sh
out=""
target=""
map=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "--output" ]; then out="$arg"; fi
  if [ "$prev" = "--target" ]; then target="$arg"; fi
  if [ "$prev" = "--import-map" ]; then map="$arg"; fi
  prev="$arg"
done
if [ -n "$FAKE_DENO_STDERR" ] && [ -z "$FAKE_DENO_FAIL_TARGET" -o "$FAKE_DENO_FAIL_TARGET" = "$target" ]; then
  printf '%s\\n' "$FAKE_DENO_STDERR" >&2
  exit 1
fi
printf '%s\\n' "$@" > "$out"
if [ -n "$map" ]; then
  printf '%s\\n' "--- import map" >> "$out"
  cat "$map" >> "$out"
  printf '%s\\n' "--- build_info.ts" >> "$out"
  cat "$(dirname "$map")/build_info.ts" >> "$out"
fi
`;

/** A throwaway project with deno.json, aws-sso-util.ts, README.md, LICENSE and a fake deno. */
async function project(config: Record<string, unknown> = { version: VERSION }) {
  const dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/deno.json`,
    JSON.stringify({
      permissions: { default: PERMISSIONS, "run-as": RUN_AS_PERMISSIONS },
      ...config,
    }),
  );
  await Deno.writeTextFile(
    `${dir.path}/aws-sso-util.ts`,
    `console.log("aws-sso-util ${VERSION}");\n`,
  );
  await Deno.writeTextFile(`${dir.path}/README.md`, "# readme\n");
  await Deno.writeTextFile(`${dir.path}/LICENSE`, "license text\n");
  await Deno.writeTextFile(`${dir.path}/fake-deno`, FAKE_DENO, { mode: 0o755 });
  if (!WINDOWS) await Deno.chmod(`${dir.path}/fake-deno`, 0o755);
  return Object.assign(dir, { out: `${dir.path}/out`, fakeDeno: `${dir.path}/fake-deno` });
}

function compileScript(root: string, args: string[], env: Record<string, string | undefined> = {}) {
  return runScript("compile.ts", ["--no-prompt", ...TASK_FLAGS], ["--root", root, ...args], {
    env: { DENORT_BIN: undefined, SOURCE_DATE_EPOCH: undefined, ...env },
  });
}

async function exists(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null)) !== null;
}

Deno.test("compile.ts exits 2 with one sentence when a target is unknown", async () => {
  await using p = await project();
  const result = await compileScript(p.path, ["--out-dir", p.out, "--target", "mips-linux"]);
  assertStrictEquals(result.code, 2);
  assertMatch(result.stderr, /^Unknown target "mips-linux"; expected one of [^\n]+\.\n$/);
  assertStrictEquals(await exists(p.out), false);
});

Deno.test("compile.ts exits 2 with one sentence when deno.json has no version", async () => {
  await using p = await project({});
  const result = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno]);
  assertStrictEquals(result.code, 2);
  assertMatch(result.stderr, /deno\.json has no "version" field; add one such as [^\n]+\.\n$/);
  assertStrictEquals(await exists(p.out), false);
});

Deno.test("compile.ts exits 2 with one sentence when DENORT_BIN is unusable", async () => {
  await using p = await project();
  const result = await compileScript(p.path, ["--out-dir", p.out], {
    DENORT_BIN: `${p.path}/LICENSE`,
  });
  assertStrictEquals(result.code, 2);
  assertMatch(result.stderr, /^DENORT_BIN is used as the runtime base for every target, .*\.\n$/);
  const missing = await compileScript(p.path, ["--out-dir", p.out, "--host"], {
    DENORT_BIN: `${p.path}/no-denort`,
  });
  assertStrictEquals(missing.code, 2);
  assertMatch(missing.stderr, /^DENORT_BIN points at .*no-denort, which is not a file\.\n$/);
  assertStrictEquals(await exists(p.out), false);
});

Deno.test("compile.ts prints the denort sentence and leaves no dist when the real deno cannot download it", async () => {
  await using p = await project();
  await using denoDir = await tempDir(); // empty cache: denort is never already there
  const result = await compileScript(p.path, ["--out-dir", p.out, "--target", hostTarget()], {
    DENO_DIR: denoDir.path,
    HTTPS_PROXY: "http://127.0.0.1:9", // nothing listens on the discard port
    https_proxy: "http://127.0.0.1:9",
    NO_PROXY: undefined,
    no_proxy: undefined,
  });
  assertStrictEquals(result.code, 1, result.stderr);
  assertMatch(result.stderr, DOWNLOAD_SENTENCE);
  assertNotMatch(result.stderr, /Caused by|Stack backtrace|\n\s+at /);
  assertStrictEquals(await exists(p.out), false);
});

Deno.test({
  name: "compile.ts prints the denort sentence and keeps dist as it was when deno cannot download",
  ignore: WINDOWS,
  fn: async () => {
    await using p = await project();
    await Deno.mkdir(p.out);
    await Deno.writeTextFile(`${p.out}/keep.txt`, "old");
    const result = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno], {
      FAKE_DENO_STDERR: DENO_DOWNLOAD_ERROR,
    });
    assertStrictEquals(result.code, 1);
    assertMatch(result.stderr, DOWNLOAD_SENTENCE);
    assertNotMatch(result.stderr, /Caused by/);
    const left = [];
    for await (const entry of Deno.readDir(p.out)) left.push(entry.name);
    assertEquals(left, ["keep.txt"]);
  },
});

Deno.test({
  name: "compile.ts shows deno's output and exits 1 when deno compile fails otherwise",
  ignore: WINDOWS,
  fn: async () => {
    await using p = await project();
    const result = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno], {
      FAKE_DENO_STDERR: "error: TS2322 Type 'string' is not assignable to type 'number'.",
    });
    assertStrictEquals(result.code, 1);
    assertMatch(result.stderr, /TS2322/);
    assertMatch(
      result.stderr,
      /deno compile failed for x86_64-unknown-linux-gnu with exit code 1; its output is above\.\n$/,
    );
    assertStrictEquals(await exists(p.out), false);
  },
});

Deno.test({
  name: "compile.ts leaves no partial output when a later target fails",
  ignore: WINDOWS,
  fn: async () => {
    await using p = await project();
    const result = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno], {
      FAKE_DENO_STDERR: DENO_DOWNLOAD_ERROR,
      FAKE_DENO_FAIL_TARGET: "x86_64-pc-windows-msvc",
    });
    assertStrictEquals(result.code, 1);
    assertMatch(result.stderr, /^Compiling aws-sso-util-1\.2\.3-x86_64-unknown-linux-gnu$/m);
    assertMatch(result.stderr, /denort\) for x86_64-pc-windows-msvc;/);
    assertStrictEquals(await exists(p.out), false);
  },
});

Deno.test({
  name: "compile.ts writes binaries, archives and SHA256SUMS when deno compile succeeds",
  ignore: WINDOWS,
  fn: async () => {
    await using p = await project();
    const result = await compileScript(
      p.path,
      ["--out-dir", p.out, "--deno", p.fakeDeno, "--commit", COMMIT],
      { SOURCE_DATE_EPOCH: "1767225600" },
    );
    assertStrictEquals(result.code, 0, result.stderr);

    const names = [];
    for await (const entry of Deno.readDir(p.out)) names.push(entry.name);
    const archives = RELEASE_TARGETS.map((t) =>
      `aws-sso-util-${VERSION}-${t}${t.includes("windows") ? ".zip" : ".tar.gz"}`
    );
    const binaries = RELEASE_TARGETS.map((t) =>
      `aws-sso-util-${VERSION}-${t}${t.includes("windows") ? ".exe" : ""}`
    );
    assertEquals(names.sort(), [...archives, ...binaries, "SHA256SUMS"].sort());
    assertEquals(
      result.stdout.trim().split("\n").map((line) => line.slice(p.out.length + 1)).sort(),
      names.sort(),
    );

    // SHA256SUMS: exactly sha256sum's format, sorted, one line per archive, right hashes.
    const sumsText = await Deno.readTextFile(`${p.out}/SHA256SUMS`);
    const lines = sumsText.split("\n");
    assertStrictEquals(lines.pop(), "");
    for (const line of lines) assertMatch(line, /^[0-9a-f]{64} {2}aws-sso-util-[^ ]+$/);
    assertEquals(lines.map((l) => l.slice(66)), [...archives].sort());
    for (const [name, hash] of parseSha256Sums(sumsText)) {
      assertStrictEquals(hash, await fileSha256(`${p.out}/${name}`));
    }
    if (await hasCommand("sha256sum", ["--version"])) {
      const check = await run("sha256sum", ["-c", "SHA256SUMS"], { cwd: p.out });
      assertStrictEquals(check.code, 0, check.stdout + check.stderr);
    }

    for (const target of RELEASE_TARGETS) {
      const windows = target.includes("windows");
      const folder = `aws-sso-util-${VERSION}-${target}`;
      const bytes = await Deno.readFile(`${p.out}/${folder}${windows ? ".zip" : ".tar.gz"}`);
      const entries = windows ? await readZip(bytes) : await readTarGz(bytes);
      const exe = `aws-sso-util${windows ? ".exe" : ""}`;
      assertEquals(entries.map((e) => [e.path, e.mode]), [
        [`${folder}/`, 0o755],
        [`${folder}/${exe}`, 0o755],
        [`${folder}/README.md`, 0o644],
        [`${folder}/LICENSE`, 0o644],
      ]);
      assertStrictEquals(new TextDecoder().decode(entries[2].data), "# readme\n");
      assertStrictEquals(new TextDecoder().decode(entries[3].data), "license text\n");

      // The fake deno wrote its arguments as the "binary": check the compile command line.
      const binary = await Deno.readTextFile(`${p.out}/${folder}${windows ? ".exe" : ""}`);
      assertStrictEquals(new TextDecoder().decode(entries[1].data), binary);
      const [argText, mapAndModule] = binary.split("--- import map\n");
      const args = argText.trim().split("\n");
      assertEquals(args.slice(0, 3), ["compile", "--quiet", "--no-prompt"]);
      assertEquals(args.slice(3, 3 + EXPECTED_FLAGS[target].length), EXPECTED_FLAGS[target]);
      assert(!args.some((a) => a === "-A" || a.startsWith("--allow-all")), binary);
      // The entry embeds the lazily loaded modules itself (see the test at the end).
      assert(!args.includes("--include"), binary);
      assertStrictEquals(args[args.indexOf("--target") + 1], target);
      assertMatch(args[args.indexOf("--output") + 1], new RegExp(`${folder}(\\.exe)?$`));
      assertStrictEquals(args.at(-1), `${p.path}/aws-sso-util.ts`);

      // The import map replaces src/base/build_info.ts by a module with this target and commit.
      const [mapText, module] = mapAndModule.split("--- build_info.ts\n");
      const map = JSON.parse(mapText);
      assertEquals(Object.keys(map.imports), [`file://${p.path}/src/base/build_info.ts`]);
      assertMatch(map.imports[`file://${p.path}/src/base/build_info.ts`], /\/build_info\.ts$/);
      assertStrictEquals(module, buildInfoModule({ target, commit: COMMIT }));
      assertMatch(module, new RegExp(`BUILD_TARGET: string \\| undefined = "${target}";`));
      assertMatch(module, new RegExp(`BUILD_COMMIT: string \\| undefined = "${COMMIT}";`));
    }
  },
});

Deno.test({
  name: "compile.ts builds only the host target when given --host",
  ignore: WINDOWS,
  fn: async () => {
    await using p = await project();
    const result = await compileScript(p.path, [
      "--out-dir",
      p.out,
      "--deno",
      p.fakeDeno,
      "--host",
    ]);
    assertStrictEquals(result.code, 0, result.stderr);
    const sums = parseSha256Sums(await Deno.readTextFile(`${p.out}/SHA256SUMS`));
    assertEquals([...sums.keys()], [`aws-sso-util-${VERSION}-${hostTarget()}.tar.gz`]);
    const left = [];
    for await (const entry of Deno.readDir(p.out)) left.push(entry.name);
    assert(!left.some((n) => n.startsWith(".tmp-")), left.join(", "));
  },
});

Deno.test("the release targets are the six deno compile targets, each with its flags above", () => {
  assertEquals([...RELEASE_TARGETS], Object.keys(EXPECTED_FLAGS));
});

Deno.test("compile.ts exits 2 with one sentence when deno.json has no run-as permission set", async () => {
  await using p = await project();
  await Deno.writeTextFile(
    `${p.path}/deno.json`,
    JSON.stringify({ version: VERSION, permissions: { default: PERMISSIONS } }),
  );
  const result = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno]);
  assertStrictEquals(result.code, 2);
  assertMatch(
    result.stderr,
    /^\S+deno\.json has no permission set "run-as" under "permissions"\.\n$/,
  );
  assertStrictEquals(await exists(p.out), false);
});

Deno.test("compile.ts exits 2 with one sentence when --commit is not a commit id", async () => {
  await using p = await project();
  const result = await compileScript(p.path, ["--out-dir", p.out, "--commit", "HEAD"]);
  assertStrictEquals(result.code, 2);
  assertStrictEquals(
    result.stderr,
    "--commit must be a git commit id (7 to 40 lower-case hex digits).\n",
  );
});

/** The build_info.ts module the fake deno saw for the only target of a `--host` build. */
async function bakedModule(p: { path: string; out: string }): Promise<string> {
  const binary = await Deno.readTextFile(`${p.out}/aws-sso-util-${VERSION}-${hostTarget()}`);
  return binary.split("--- build_info.ts\n")[1];
}

Deno.test({
  name: "compile.ts bakes in the checkout's commit, with -dirty when tracked files changed",
  ignore: WINDOWS || !(await hasCommand("git", ["--version"])),
  fn: async () => {
    await using p = await project();
    const git = (...args: string[]) =>
      run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: p.path,
      });
    await git("init", "-q");
    await git("add", "deno.json", "aws-sso-util.ts", "README.md", "LICENSE");
    await git("commit", "-q", "-m", "x");
    const head = (await git("rev-parse", "HEAD")).stdout.trim();
    assertMatch(head, /^[0-9a-f]{40}$/);
    const clean = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno, "--host"]);
    assertStrictEquals(clean.code, 0, clean.stderr);
    assertStrictEquals(
      await bakedModule(p),
      buildInfoModule({ target: hostTarget(), commit: head }),
    );

    await Deno.writeTextFile(`${p.path}/README.md`, "# changed\n");
    await Deno.remove(p.out, { recursive: true });
    const dirty = await compileScript(p.path, ["--out-dir", p.out, "--deno", p.fakeDeno, "--host"]);
    assertStrictEquals(dirty.code, 0, dirty.stderr);
    assertStrictEquals(
      await bakedModule(p),
      buildInfoModule({ target: hostTarget(), commit: `${head}-dirty` }),
    );
  },
});

Deno.test({
  name: "compile.ts bakes in no commit when the project is not a git checkout",
  ignore: WINDOWS,
  fn: async () => {
    await using p = await project();
    const result = await compileScript(
      p.path,
      ["--out-dir", p.out, "--deno", p.fakeDeno, "--host"],
      {
        GIT_CEILING_DIRECTORIES: p.path.slice(0, p.path.lastIndexOf("/")) || "/",
      },
    );
    assertStrictEquals(result.code, 0, result.stderr);
    const module = await bakedModule(p);
    assertStrictEquals(module, buildInfoModule({ target: hostTarget() }));
    assertMatch(module, /BUILD_COMMIT: string \| undefined = undefined;/);
  },
});

Deno.test("the compile entry's --version prints the target and commit the import map bakes in", async () => {
  await using dir = await tempDir();
  const map = await writeBuildInfo(dir.path, REPO_ROOT, {
    target: "aarch64-pc-windows-msvc",
    commit: COMMIT,
  });
  const baked = await run(Deno.execPath(), [
    "run",
    "--quiet",
    "--no-prompt",
    "--cached-only",
    "--import-map",
    map,
    ...permissionFlags(await readPermissionSet(undefined, RELEASE_PERMISSION_SET)),
    `${REPO_ROOT}/${COMPILE_ENTRY}`,
    "--version",
  ], { cwd: REPO_ROOT });
  assertStrictEquals(baked.stderr, "");
  assertStrictEquals(
    baked.stdout,
    `aws-sso-util ${await readVersion()} (aarch64-pc-windows-msvc, Deno ${Deno.version.deno}, commit ${COMMIT})\n`,
  );
});

Deno.test("the compile entry's module graph holds every lazily loaded module as code", async () => {
  // `deno compile` and `deno install --compile` embed the code dependencies of this graph,
  // dynamic ones with a literal specifier included; main.ts names these only as types.
  const out = await run(Deno.execPath(), ["info", "--json", `${REPO_ROOT}/${COMPILE_ENTRY}`], {
    cwd: REPO_ROOT,
  });
  assertStrictEquals(out.code, 0, out.stderr);
  type Dependency = { code?: { specifier: string }; isDynamic?: boolean };
  const modules = JSON.parse(out.stdout).modules as {
    specifier: string;
    dependencies?: Dependency[];
  }[];
  const entry = modules.find((m) => m.specifier.endsWith(`/${COMPILE_ENTRY}`))!;
  const code = (entry.dependencies ?? []).filter((d) => d.code);
  for (const lazy of LAZY_MODULES) {
    const url = new URL(`file://${REPO_ROOT}/${lazy}`).href;
    const dependency = code.find((d) => d.code!.specifier === url);
    assert(dependency?.isDynamic, `${COMPILE_ENTRY} does not import ${lazy} as code`);
  }
  assert(modules.some((m) => /^npm:\/?commander@/.test(m.specifier)), "commander is embedded");
});

Deno.test("the README's deno install --compile line is accepted by this Deno and builds the binary", async () => {
  // The line as the README shows it, continuation lines joined.
  const readme = await Deno.readTextFile(`${REPO_ROOT}/README.md`);
  const line = readme.replace(/\\\n\s*/g, "").split("\n").find((l) =>
    l.startsWith("deno install --global --compile ")
  );
  assert(line, "README has no deno install --global --compile line");
  const words = shellSplit(line);
  const url = words.pop()!;
  assertMatch(
    url,
    new RegExp(`^https://raw\\.githubusercontent\\.com/.*/v[^/]+/${COMPILE_ENTRY}$`),
  );
  // Its flags are the release binaries' (tests/repo/readme_test.ts checks that too).
  assertEquals(
    words.filter((w) => w.startsWith("--allow-")).sort(),
    permissionFlags(await readPermissionSet(undefined, RELEASE_PERMISSION_SET)).sort(),
  );
  // Run it on this checkout's entry, into a temp root. Where denort cannot be downloaded (here),
  // Deno gets as far as fetching it; where it is at hand, the binary is built and runs.
  await using root = await tempDir();
  const result = await run(Deno.execPath(), [
    ...words.slice(1),
    "--root",
    root.path,
    `${REPO_ROOT}/${COMPILE_ENTRY}`,
  ], {
    cwd: REPO_ROOT,
    env: { HTTPS_PROXY: "http://127.0.0.1:9", https_proxy: "http://127.0.0.1:9" },
  });
  const binary = `${root.path}/bin/aws-sso-util${WINDOWS ? ".exe" : ""}`;
  if (result.code === 0) {
    const version = await run(binary, ["--version"]);
    assertMatch(version.stdout, /^aws-sso-util \S+ \(\S+, Deno \S+, commit unknown\)\n$/);
  } else {
    assertMatch(
      result.stderr,
      /Setting up base binary[\s\S]*dl\.deno\.land\/release\/v[^/]+\/denort-/,
    );
    assertNotMatch(result.stderr, /unexpected argument|error: .*flag/i);
    assertStrictEquals(await exists(binary), false);
  }
});

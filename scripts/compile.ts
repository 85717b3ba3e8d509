/**
 * Builds the release binaries and archives:
 *
 * `deno task compile [--target T ...] [--host] [--out-dir DIR] [--root DIR] [--deno PATH]
 * [--commit SHA]`
 *
 * For each target (default: the six release targets) it runs `deno compile` on
 * `aws-sso-util.ts` (`COMPILE_ENTRY`: main.ts's `main()` with its lazy modules embedded) with
 * the explicit flags of the deno.json permission set `run-as` (`RELEASE_PERMISSION_SET`;
 * never `-A`), then packs the binary with README.md and LICENSE into
 * `aws-sso-util-<version>-<target>.tar.gz` (or `.zip` for Windows) and writes `SHA256SUMS` for
 * the archives. Everything is built in a temporary folder inside the output folder and moved
 * into place only when every target succeeded, so a failed run leaves no half-written `dist/`.
 *
 * Each binary has its target and commit baked in (`--version` prints them): `deno compile` gets
 * an import map that replaces `src/base/build_info.ts` by a generated module holding them. The
 * commit is `--commit`, else the checkout's `git rev-parse HEAD` (with `-dirty` when tracked
 * files have changes), else none (`commit unknown`).
 *
 * `DENORT_BIN` (a local `denort` runtime base) is passed through to `deno compile`, which then
 * uses it for whatever target it builds: so with it set, build one target at a time.
 *
 * Exit codes: 0 done, 1 a compile failed, 2 bad arguments or project files.
 *
 * @module
 */

import { type ArchiveEntry, createTarGz, createZip } from "./archive.ts";
import { formatSha256Sums, sha256Hex } from "./checksums.ts";
import { parseFlags, UsageError } from "./cli_args.ts";
import { permissionFlags, readPermissionSet } from "./permissions.ts";
import {
  archiveFileName,
  artifactStem,
  BIN_NAME,
  binaryFileName,
  COMPILE_ENTRY,
  hostTarget,
  isKnownTarget,
  isWindowsTarget,
  KNOWN_TARGETS,
  RELEASE_PERMISSION_SET,
  RELEASE_TARGETS,
  type Target,
} from "./release_info.ts";
import { readVersion } from "./version.ts";

/** An expected failure: its message is one sentence for stderr, `exitCode` the exit status. */
export class CompileError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
    this.name = "CompileError";
  }
}

/** What to build, and where. */
export interface CompileOptions {
  /** Targets to build, in order. */
  targets: Target[];
  /** Project root holding deno.json, the compile entry, README.md and LICENSE. */
  root: string;
  /** Where the artifacts end up (default `<root>/dist`). */
  outDir: string;
  /** The `deno` executable to run `deno compile` with. */
  deno: string;
  /** The commit to bake in (`--commit`); else found with git at build time. */
  commit?: string;
}

const USAGE =
  "usage: compile.ts [--target T ...] [--host] [--out-dir DIR] [--root DIR] [--deno PATH] [--commit SHA]";

/** A commit id as `--commit` takes it: 7 to 40 hex digits. */
const COMMIT = /^[0-9a-f]{7,40}$/;

/**
 * Parses the command line; throws a {@link UsageError} on a bad flag and a
 * {@link CompileError} on an unknown target (both exit 2).
 */
export function parseArgs(args: string[], cwd = Deno.cwd()): CompileOptions {
  const values = parseFlags(args, {
    target: { type: "string", multiple: true, default: [] },
    host: { type: "boolean", default: false },
    "out-dir": { type: "string" },
    root: { type: "string" },
    deno: { type: "string" },
    commit: { type: "string" },
  }, USAGE);
  if (values.commit !== undefined && !COMMIT.test(values.commit)) {
    throw new CompileError("--commit must be a git commit id (7 to 40 lower-case hex digits).", 2);
  }
  const targets: Target[] = [];
  for (const value of values.target) {
    if (!isKnownTarget(value)) {
      throw new CompileError(
        `Unknown target "${value}"; expected one of ${KNOWN_TARGETS.join(", ")}.`,
        2,
      );
    }
    targets.push(value);
  }
  if (values.host) targets.push(currentTarget());
  const root = values.root === undefined
    ? urlToPath(new URL("..", import.meta.url))
    : absolute(values.root, cwd);
  const outDir = values["out-dir"] === undefined ? undefined : absolute(values["out-dir"], cwd);
  const deno = values.deno === undefined
    ? Deno.execPath()
    : /[\\/]/.test(values.deno)
    ? absolute(values.deno, cwd)
    : values.deno;
  return {
    targets: targets.length ? [...new Set(targets)] : [...RELEASE_TARGETS],
    root: trimSlash(root),
    outDir: trimSlash(outDir ?? `${trimSlash(root)}/dist`),
    deno,
    ...(values.commit === undefined ? {} : { commit: values.commit }),
  };
}

/**
 * Compiles and packs every target of `options`, then moves the results into `outDir`.
 * Returns the names of the files written there. Throws a {@link CompileError} on failure.
 */
export async function compile(options: CompileOptions): Promise<string[]> {
  const { root, outDir } = options;
  const config = `${root}/deno.json`;
  const version = await readVersion(config).catch((e) => fail(e.message, 2));
  const permissions = await readPermissionSet(config, RELEASE_PERMISSION_SET).catch((e) =>
    fail(e.message, 2)
  );
  const flags = (() => {
    try {
      return permissionFlags(permissions);
    } catch (error) {
      fail(`${config}: ${(error as Error).message}`, 2);
    }
  })();
  for (const file of [COMPILE_ENTRY, "README.md", "LICENSE"]) {
    if (!(await isFile(`${root}/${file}`))) {
      fail(
        `${root}/${file} is missing; a release needs ${COMPILE_ENTRY}, README.md and LICENSE.`,
        2,
      );
    }
  }
  const denort = Deno.env.get("DENORT_BIN");
  if (denort) {
    if (!(await isFile(denort))) fail(`DENORT_BIN points at ${denort}, which is not a file.`, 2);
    if (options.targets.length > 1) {
      fail(
        "DENORT_BIN is used as the runtime base for every target, so pass --host or a single --target with it.",
        2,
      );
    }
  }
  const lockFlags = (await isFile(`${root}/deno.lock`)) ? ["--frozen"] : [];
  const mtime = sourceDate();
  const commit = options.commit ?? await gitCommit(root);

  const createdOutDir = !(await exists(outDir));
  await Deno.mkdir(outDir, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: outDir, prefix: ".tmp-" });
  const cleanUp = () => {
    try {
      Deno.removeSync(tmp, { recursive: true });
      if (createdOutDir) Deno.removeSync(outDir); // only succeeds while empty
    } catch { /* already gone, or dist/ holds other files */ }
  };
  const onInterrupt = () => {
    cleanUp();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  let succeeded = false;
  try {
    const readme = await Deno.readFile(`${root}/README.md`);
    const license = await Deno.readFile(`${root}/LICENSE`);
    const binaries: string[] = [];
    const sums = new Map<string, string>();
    for (const target of options.targets) {
      const binary = binaryFileName(version, target);
      console.error(`Compiling ${binary}`);
      const importMap = await writeBuildInfo(`${tmp}/build-${target}`, root, { target, commit });
      await runDenoCompile(options.deno, root, target, [
        "compile",
        "--quiet",
        "--no-prompt",
        ...lockFlags,
        ...flags,
        "--import-map",
        importMap,
        "--target",
        target,
        "--output",
        `${tmp}/${binary}`,
        `${root}/${COMPILE_ENTRY}`,
      ]);
      const data = await Deno.readFile(`${tmp}/${binary}`).catch(() =>
        fail(`deno compile reported success for ${target} but wrote no ${binary}.`, 1)
      );
      binaries.push(binary);

      const archive = archiveFileName(version, target);
      const folder = artifactStem(version, target);
      const exe = BIN_NAME + (isWindowsTarget(target) ? ".exe" : "");
      const entries: ArchiveEntry[] = [
        { path: `${folder}/`, directory: true, mode: 0o755 },
        { path: `${folder}/${exe}`, data, mode: 0o755 },
        { path: `${folder}/README.md`, data: readme, mode: 0o644 },
        { path: `${folder}/LICENSE`, data: license, mode: 0o644 },
      ];
      const bytes = isWindowsTarget(target)
        ? await createZip(entries, { mtime })
        : await createTarGz(entries, { mtime });
      await Deno.writeFile(`${tmp}/${archive}`, bytes);
      sums.set(archive, await sha256Hex(bytes));
      console.error(`Packed ${archive}`);
    }
    await Deno.writeTextFile(`${tmp}/SHA256SUMS`, formatSha256Sums(sums));

    const produced = [...binaries, ...sums.keys(), "SHA256SUMS"];
    for (const name of produced) await Deno.rename(`${tmp}/${name}`, `${outDir}/${name}`);
    succeeded = true;
    return produced;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (succeeded) await Deno.remove(tmp, { recursive: true }).catch(() => {});
    else cleanUp();
  }
}

/** The module that `src/base/build_info.ts` is replaced by in one binary. */
export function buildInfoModule(info: { target: Target; commit?: string }): string {
  return [
    "// Generated by scripts/compile.ts for one release binary; replaces src/base/build_info.ts.",
    `export const BUILD_TARGET: string | undefined = ${JSON.stringify(info.target)};`,
    `export const BUILD_COMMIT: string | undefined = ${
      info.commit === undefined ? "undefined" : JSON.stringify(info.commit)
    };`,
    "",
  ].join("\n");
}

/**
 * Writes `build_info.ts` (see {@link buildInfoModule}) and `import_map.json` into `dir`, the map
 * replacing `<root>/src/base/build_info.ts` by that module; returns the map's path.
 */
export async function writeBuildInfo(
  dir: string,
  root: string,
  info: { target: Target; commit?: string },
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/build_info.ts`, buildInfoModule(info));
  const map = {
    imports: { [fileUrl(`${root}/src/base/build_info.ts`)]: fileUrl(`${dir}/build_info.ts`) },
  };
  await Deno.writeTextFile(`${dir}/import_map.json`, JSON.stringify(map, null, 2) + "\n");
  return `${dir}/import_map.json`;
}

/** A `file:` URL for an absolute POSIX or Windows path. */
function fileUrl(path: string): string {
  const slashed = path.replaceAll("\\", "/");
  return new URL(
    `file://${/^[A-Za-z]:/.test(slashed) ? "/" : ""}${
      slashed.replace(/[?#%]/g, encodeURIComponent)
    }`,
  ).href;
}

/**
 * The checkout's commit (`git rev-parse HEAD` in `root`), with `-dirty` when tracked files have
 * uncommitted changes; undefined when git or the repository is missing.
 */
async function gitCommit(root: string): Promise<string | undefined> {
  const git = async (args: string[]) => {
    try {
      const out = await new Deno.Command("git", {
        args,
        cwd: root,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).output();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
    } catch {
      return undefined; // no git
    }
  };
  const head = await git(["rev-parse", "HEAD"]);
  if (head === undefined || !/^[0-9a-f]{40}$/.test(head)) return undefined;
  const changes = await git(["status", "--porcelain", "--untracked-files=no"]);
  return changes ? `${head}-dirty` : head;
}

/** Matches deno compile's stderr when fetching the `denort` runtime base failed. */
const DOWNLOAD_FAILURE = /dl\.deno\.land|denort|base binary/i;

async function runDenoCompile(deno: string, root: string, target: Target, args: string[]) {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(deno, {
      args,
      cwd: root,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    fail(`Could not run ${deno}: ${(error as Error).message}.`, 1);
  }
  if (output.success) return;
  const stderr = new TextDecoder().decode(output.stderr);
  if (DOWNLOAD_FAILURE.test(stderr)) {
    fail(
      `Could not download the Deno runtime base (denort) for ${target}; set DENORT_BIN to a local denort binary or run the compile where dl.deno.land is reachable.`,
      1,
    );
  }
  await Deno.stderr.write(output.stderr);
  fail(`deno compile failed for ${target} with exit code ${output.code}; its output is above.`, 1);
}

function currentTarget(): Target {
  try {
    return hostTarget();
  } catch (error) {
    fail((error as Error).message, 2);
  }
}

function fail(message: string, exitCode: 1 | 2): never {
  throw new CompileError(message, exitCode);
}

/** Entry mtime: `SOURCE_DATE_EPOCH` (seconds) when set, for reproducible archives; else now. */
function sourceDate(): Date {
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

async function isFile(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null))?.isFile ?? false;
}

async function exists(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null)) !== null;
}

function urlToPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
}

function absolute(path: string, cwd: string): string {
  return /^([\\/]|[A-Za-z]:[\\/])/.test(path) ? path : `${trimSlash(cwd)}/${path}`;
}

function trimSlash(path: string): string {
  return path.length > 1 && /[\\/]$/.test(path) && !/^[A-Za-z]:[\\/]$/.test(path)
    ? path.slice(0, -1)
    : path;
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    const options = parseArgs(args);
    for (const name of await compile(options)) console.log(`${options.outDir}/${name}`);
    return 0;
  } catch (error) {
    if (!(error instanceof CompileError || error instanceof UsageError)) throw error;
    console.error(error.message);
    return error.exitCode;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

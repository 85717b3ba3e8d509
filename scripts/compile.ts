/**
 * Builds the release binaries and archives:
 *
 * `deno task compile [--target T ...] [--host] [--out-dir DIR] [--root DIR] [--deno PATH]`
 *
 * For each target (default: the five release targets) it runs `deno compile` on `main.ts`
 * with the explicit flags of the deno.json permission set `default` (never `-A`), then packs
 * the binary with README.md and LICENSE into `aws-sso-util-<version>-<target>.tar.gz` (or
 * `.zip` for Windows) and writes `SHA256SUMS` for the archives. Everything is built in a
 * temporary folder inside the output folder and moved into place only when every target
 * succeeded, so a failed run leaves no half-written `dist/`.
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
import { permissionFlags, permissionSetForOs, readPermissionSet } from "./permissions.ts";
import {
  archiveFileName,
  artifactStem,
  BIN_NAME,
  binaryFileName,
  hostTarget,
  isKnownTarget,
  isWindowsTarget,
  KNOWN_TARGETS,
  LAZY_MODULES,
  RELEASE_TARGETS,
  type Target,
  targetOs,
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
  /** Project root holding deno.json, main.ts, README.md and LICENSE. */
  root: string;
  /** Where the artifacts end up (default `<root>/dist`). */
  outDir: string;
  /** The `deno` executable to run `deno compile` with. */
  deno: string;
}

const USAGE =
  "usage: compile.ts [--target T ...] [--host] [--out-dir DIR] [--root DIR] [--deno PATH]";

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
  }, USAGE);
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
  const permissions = await readPermissionSet(config).catch((e) => fail(e.message, 2));
  for (const file of ["main.ts", "README.md", "LICENSE"]) {
    if (!(await isFile(`${root}/${file}`))) {
      fail(`${root}/${file} is missing; a release needs main.ts, README.md and LICENSE.`, 2);
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
      await runDenoCompile(options.deno, root, target, [
        "compile",
        "--quiet",
        "--no-prompt",
        ...lockFlags,
        ...permissionFlags(permissionSetForOs(permissions, targetOs(target))),
        ...LAZY_MODULES.flatMap((m) => ["--include", `${root}/${m}`]),
        "--target",
        target,
        "--output",
        `${tmp}/${binary}`,
        `${root}/main.ts`,
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

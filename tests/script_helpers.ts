/** Helpers for the tests of scripts/: temp dirs, running scripts and probing system tools. */

/** Absolute path of the repository root (no trailing slash), on any OS. */
export const REPO_ROOT = (() => {
  const path = decodeURIComponent(new URL("..", import.meta.url).pathname);
  return (/^\/[A-Za-z]:/.test(path) ? path.slice(1) : path).replace(/\/$/, "");
})();

/** What a finished subprocess printed, as text. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  cwd?: string;
  /** Variables to set (a value of `undefined` removes the variable). */
  env?: Record<string, string | undefined>;
}

/** Runs `cmd args…` to completion with NO_COLOR set and no stdin. */
export async function run(
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const output = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

/** Runs `deno run --no-prompt --cached-only <flags> scripts/<script> args…` in the repo root. */
export function runScript(
  script: string,
  flags: string[],
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return run(
    Deno.execPath(),
    ["run", "--no-prompt", "--cached-only", ...flags, `${REPO_ROOT}/scripts/${script}`, ...args],
    { cwd: REPO_ROOT, ...options },
  );
}

/** Whether `cmd args…` can be started and exits 0 (e.g. `tar --version`). */
export async function hasCommand(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

/** Creates a temp dir that `await using` removes again. */
export async function tempDir(prefix = "aws-sso-util-scripts-test-"): Promise<
  AsyncDisposable & { path: string }
> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

/** Runs `fn` with a new temp dir, removed afterwards whatever happens. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  await using dir = await tempDir("aws-sso-util-test-");
  await fn(dir.path);
}

/** Lowercase hex SHA-256 of a file, computed independently of scripts/checksums.ts. */
export async function fileSha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

let python: Promise<string | undefined> | undefined;

/**
 * The Python 3 interpreter's own path (`python3`, else `python`), or undefined when there is
 * none. A version manager's shim (pyenv, asdf) costs a third of a second of CPU at every start,
 * so tests run the interpreter it resolves to.
 */
export function pythonExecutable(): Promise<string | undefined> {
  python ??= (async () => {
    for (const name of ["python3", "python"]) {
      try {
        const out = await new Deno.Command(name, {
          args: ["-c", "import sys; assert sys.version_info[0] == 3; print(sys.executable)"],
          stdout: "piped",
          stderr: "null",
        }).output();
        const path = new TextDecoder().decode(out.stdout).trim();
        if (out.success) return path || name;
      } catch {
        // not installed
      }
    }
    return undefined;
  })();
  return python;
}

/** Whether Python 3 is installed and can `import` each module (e.g. `botocore.credentials`). */
export async function pythonHas(...modules: string[]): Promise<boolean> {
  const exe = await pythonExecutable();
  return exe !== undefined &&
    await hasCommand(exe, ["-c", modules.map((m) => `import ${m}`).join("; ")]);
}

/** Shared test helpers: a temp HOME, cache-file writers, and running the CLI as a subprocess. */
import { permissionFlags, readPermissionSet } from "../scripts/permissions.ts";
import { roleCredentialCacheKey, tokenCacheKey } from "../src/cache/cache_keys.ts";
import { formatAwsTimestamp } from "../src/base/timestamps.ts";
import { LIMITS, type Limits } from "../src/base/limits.ts";
import {
  type ResolvedEndpoint,
  resolveEndpoint,
  type ServiceName,
} from "../src/config/endpoints.ts";
import { type LineSource, type Runtime, type TextSink, withRuntime } from "../src/base/runtime.ts";
import { LineReader } from "../src/ui/line_reader.ts";
import { main } from "../main.ts";
import { childNetworkEnv } from "./child_env.ts";
import { DEVICE_CODE_GRANT, type FakeIdentityCenter } from "./fake_server.ts";
import { REPO_ROOT } from "./script_helpers.ts";
import { systemRuntime } from "../src/system_runtime.ts";
import { VirtualClock } from "./virtual_clock.ts";

export { REPO_ROOT as REPO_DIR } from "./script_helpers.ts";
export const MAIN = `${REPO_ROOT}/main.ts`;
const MAIN_URL = new URL("../main.ts", import.meta.url).href;

/**
 * A `deno compile`d binary that every test running the CLI as a subprocess starts instead of
 * `deno run main.ts`, named by `AWS_SSO_UTIL_BIN` (the release workflow sets it to run the suite
 * against the binaries of three OSes); undefined when the variable is unset or empty.
 */
export const CLI_BIN: string | undefined = (() => {
  const bin = Deno.env.get("AWS_SSO_UTIL_BIN");
  if (!bin) return undefined;
  // Children start in the repository root: resolve a relative path against this directory.
  return /^([\\/]|[A-Za-z]:)/.test(bin) ? bin : `${Deno.cwd()}/${bin}`;
})();

/**
 * The program and arguments that run the CLI with `args`: the compiled binary (its permissions
 * are built in) when `AWS_SSO_UTIL_BIN` is set, else `deno run` of main.ts with `flags`.
 */
export function cliArgv(args: string[], flags: string[]): [string, ...string[]] {
  if (CLI_BIN !== undefined) return [CLI_BIN, ...args];
  return [
    Deno.execPath(),
    "run",
    "--quiet",
    "--no-prompt",
    "--cached-only",
    ...flags,
    MAIN,
    ...args,
  ];
}

/** File modes and shell-script stand-ins only exist on POSIX systems. */
export const POSIX = Deno.build.os !== "windows";

/**
 * Paces and backoffs quick enough not to count, for in-process runs (`RunOptions.limits`) of
 * tests that are not about them: the listings' rates, their throttling retries, the API
 * client's retry delays and the device-code polls.
 */
/**
 * Retry backoffs of a few milliseconds: every in-process runtime gets them unless a test about
 * backoff passes its own (the real ones wait up to seconds between attempts).
 */
export const QUICK_BACKOFF: Partial<Limits> = {
  retryBaseMs: 2,
  throttlingRetryBaseMs: 5,
  legacyRetryBaseMs: 5,
};

export const QUICK_PACES: Partial<Limits> = {
  rolesRate: { perSecond: 1000, burst: 20 },
  populateRate: { perSecond: 1000, burst: 20 },
  throttleRetry: { retries: LIMITS.throttleRetry.retries, baseDelayMs: 5, maxDelayMs: 20 },
  populateRetry: { baseDelayMs: 5, maxDelayMs: 20 },
  ...QUICK_BACKOFF,
  devicePollMinMs: 20,
  slowDownStepMs: 20,
};

/** Asserts a file's permission bits (skipped on Windows, which has no such modes). */
export async function assertMode(path: string, expected: number): Promise<void> {
  if (!POSIX) return;
  const mode = (await Deno.stat(path)).mode! & 0o777;
  if (mode !== expected) {
    throw new Error(`${path} has mode ${mode.toString(8)}, expected ${expected.toString(8)}`);
  }
}

export const START_URL = "https://example.awsapps.com/start";
export const ACCOUNT_ID = "123456789012";
export const ROLE = "MyRole";

/** A temp HOME with `~/.aws`; removed by `[Symbol.asyncDispose]`. */
export class TempHome implements AsyncDisposable {
  private constructor(readonly dir: string) {}

  static async create(): Promise<TempHome> {
    const dir = await Deno.makeTempDir({ prefix: "aws-sso-util-test-" });
    await Deno.mkdir(`${dir}/.aws`, { recursive: true });
    return new TempHome(dir);
  }

  get configPath(): string {
    return `${this.dir}/.aws/config`;
  }
  get ssoCacheDir(): string {
    return `${this.dir}/.aws/sso/cache`;
  }
  get cliCacheDir(): string {
    return `${this.dir}/.aws/cli/cache`;
  }
  get logPath(): string {
    return `${this.dir}/.aws/sso/aws-sso-util-credential-process-log.txt`;
  }

  async writeConfig(text: string): Promise<void> {
    await Deno.writeTextFile(this.configPath, text);
  }

  /** Writes a token file as `aws sso login` does; returns its path. */
  async writeToken(
    ref: { sessionName?: string; startUrl?: string },
    json: Record<string, unknown>,
  ): Promise<string> {
    await Deno.mkdir(this.ssoCacheDir, { recursive: true });
    const key = await tokenCacheKey({ startUrl: START_URL, ...ref });
    const path = `${this.ssoCacheDir}/${key}.json`;
    await Deno.writeTextFile(path, JSON.stringify(json));
    return path;
  }

  async readToken(
    ref: { sessionName?: string; startUrl?: string },
  ): Promise<Record<string, unknown>> {
    const key = await tokenCacheKey({ startUrl: START_URL, ...ref });
    return JSON.parse(await Deno.readTextFile(`${this.ssoCacheDir}/${key}.json`));
  }

  /** Path of the role-credential cache file for a role. */
  async credentialPath(
    ref: { accountId?: string; roleName?: string; sessionName?: string; startUrl?: string } = {},
  ): Promise<string> {
    const key = await roleCredentialCacheKey({
      accountId: ACCOUNT_ID,
      roleName: ROLE,
      startUrl: START_URL,
      ...ref,
    });
    return `${this.cliCacheDir}/${key}.json`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** An AWS timestamp `offsetMs` from now. */
export function timestampIn(offsetMs: number): string {
  return formatAwsTimestamp(Date.now() + offsetMs);
}

/** A token file body like the AWS CLI writes, valid for `validMs`. */
export function cliToken(
  accessToken: string,
  validMs: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken,
    expiresAt: timestampIn(validMs),
    ...extra,
  };
}

export const LEGACY_PROFILE = `[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
`;

export const SESSION_PROFILE = `[profile dev]
sso_session = my-sso
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`;

let denoDir: Promise<string> | undefined;

/** The Deno cache dir of this machine, so subprocesses with a temp HOME reuse it. */
export function realDenoDir(): Promise<string> {
  denoDir ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
  })();
  return denoDir;
}

let cliFlags: Promise<string[]> | undefined;

/** The CLI's declared permission set (deno.json), as explicit flags. */
export function declaredPermissionFlags(): Promise<string[]> {
  cliFlags ??= readPermissionSet().then(permissionFlags);
  return cliFlags;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time from start to exit. */
  ms: number;
}

export interface RunOptions {
  home: TempHome;
  /**
   * Run `main.ts` as a Deno subprocess (with the declared permissions) even where the suite runs
   * the CLI in-process: for what only a process shows (permissions, signals, exit, locks shared
   * between processes, the terminal).
   */
  subprocess?: boolean;
  /**
   * Limits to use instead of the real ones when the CLI runs in-process (a subprocess keeps the
   * real ones, and the test then only takes longer): for tests that would wait out a pace or a
   * time limit they are not about.
   */
  limits?: Partial<Limits>;
  /**
   * The clock of an in-process run: by default a {@link VirtualClock} of its own (sleeps return at
   * once and move the clock on); a clock the test holds (to read it); or `"real"` for a test about
   * real time as the fake server sees it (the pace of requests, a wait for a real event).
   */
  clock?: VirtualClock | "real";
  /** Extra environment (the env is otherwise cleared). */
  env?: Record<string, string>;
  /** Base URL of the fake Identity Center, set as both SSO endpoints. */
  endpoint?: string;
  stdin?: string;
  /** Start it in a new session (`setsid`), without the test runner's controlling terminal. */
  detach?: boolean;
  /**
   * Pass this machine's network variables (CA bundles, proxies) through, as `childNetworkEnv`
   * gives them (default true). Tests that control TLS and proxies themselves set false.
   */
  machineNetworkEnv?: boolean;
}

/**
 * Whether `runCli` runs the CLI in this process (`main()` with a runtime of its own): yes, unless
 * `AWS_SSO_UTIL_BIN` names a binary or `AWS_SSO_UTIL_TEST_SUBPROCESS=1` asks for every run to be a
 * subprocess (as before this switch: slower, the same assertions).
 */
export const IN_PROCESS = CLI_BIN === undefined &&
  Deno.env.get("AWS_SSO_UTIL_TEST_SUBPROCESS") !== "1";

/**
 * Runs the CLI with a clean environment and a temp HOME: in-process (see {@link IN_PROCESS}), or
 * as `main.ts` with the declared permissions or the `AWS_SSO_UTIL_BIN` binary.
 */
export async function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  if (IN_PROCESS && !options.subprocess) return await runInProcess(args, options);
  return await (await startCli(args, options))();
}

/**
 * Runs `main()` of main.ts in this process, as a detached subprocess would run it: the same
 * environment variables, stdin from `options.stdin` (not a terminal), stdout and stderr
 * captured, no controlling terminal.
 */
async function runInProcess(args: string[], options: RunOptions): Promise<CliResult> {
  const started = performance.now();
  const vars = cliEnv(options);
  const stdout = captureSink();
  const stderr = captureSink();
  const rt = testRuntime(vars, {
    stdout,
    stderr,
    stdin: stringLines(options.stdin ?? ""),
    ttyPath: null, // as detached (`options.detach`): no controlling terminal
    // No system-wide aws-sso-util of this machine finds its way into a configure test.
    program: {
      execPath: Deno.execPath(),
      mainModule: MAIN_URL,
      os: Deno.build.os,
      systemBinDirs: [],
    },
    limits: options.limits,
    clock: options.clock,
  });
  const code = await main(args, rt);
  return { code, stdout: stdout.text, stderr: stderr.text, ms: performance.now() - started };
}

/** Starts the CLI as a subprocess without waiting (for parallel runs). */
export async function startCli(
  args: string[],
  options: RunOptions,
): Promise<() => Promise<CliResult>> {
  const detach = options.detach === true && await hasSetsid();
  const started = performance.now();
  const child = spawnCli(
    args,
    options,
    await realDenoDir(),
    await declaredPermissionFlags(),
    detach,
  );
  return () => collect(child, started, options.stdin);
}

/** The CLI's environment variables for `options`, in-process or not. */
function cliEnv(options: RunOptions): Record<string, string> {
  return {
    ...(options.machineNetworkEnv === false ? {} : childNetworkEnv()),
    HOME: options.home.dir,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    NO_COLOR: "1",
    ...(options.endpoint
      ? { AWS_ENDPOINT_URL_SSO: options.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: options.endpoint }
      : {}),
    ...options.env,
  };
}

function spawnCli(
  args: string[],
  options: RunOptions,
  denoDirPath: string,
  flags: string[],
  detach: boolean,
): Deno.ChildProcess {
  const env: Record<string, string> = {
    DENO_DIR: denoDirPath,
    // Deno's own update check would otherwise reach out (through any proxy a test sets).
    DENO_NO_UPDATE_CHECK: "1",
    ...cliEnv(options),
  };
  const [program, ...argv] = cliArgv(args, flags);
  return new Deno.Command(detach ? "setsid" : program, {
    args: detach ? ["-w", program, ...argv] : argv,
    cwd: REPO_ROOT,
    env,
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Reads a child's stdout until `count` lines have ended, or it closes (`serve`'s two lines);
 * returns the text and the reader, to cancel once the test is done.
 */
export async function readStdoutLines(
  child: Deno.ChildProcess,
  count: number,
): Promise<{ text: string; reader: ReadableStreamDefaultReader<string> }> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length <= count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return { text, reader };
}

/** Waits for a CLI child started by a test and returns its exit code and output. */
export function finishChild(child: Deno.ChildProcess): Promise<CliResult> {
  return collect(child, performance.now());
}

async function collect(
  child: Deno.ChildProcess,
  started: number,
  stdin?: string,
): Promise<CliResult> {
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
    ms: performance.now() - started,
  };
}

let setsid: Promise<boolean> | undefined;

/** Whether `setsid` is available to detach a child from the controlling terminal. */
function hasSetsid(): Promise<boolean> {
  setsid ??= new Deno.Command("setsid", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((o) => o.success, () => false);
  return setsid;
}

/**
 * Writes a fake `xdg-open` that records its URL and loads it with curl (following redirects),
 * as a browser would; returns its directory, to put first on PATH (see `browserEnv`).
 */
export async function fakeBrowser(home: TempHome): Promise<string> {
  const dir = `${home.dir}/bin`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/xdg-open`,
    `#!/bin/sh\necho "$1" >> "${dir}/opened.txt"\nexec curl -sSL --max-time 60 -o /dev/null "$1"\n`,
  );
  await Deno.chmod(`${dir}/xdg-open`, 0o755);
  return dir;
}

/**
 * Environment with a display and the fake browser first on PATH, named by BROWSER too so that
 * macOS (whose opener is `open`) uses it as well.
 */
export function browserEnv(dir: string): Record<string, string> {
  return {
    PATH: `${dir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    DISPLAY: ":99",
    BROWSER: "xdg-open",
  };
}

/** Parses the credential_process JSON line, asserting there is exactly one line. */
export function parseCredentialOutput(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((l) => l !== "");
  if (lines.length !== 1) throw new Error(`expected one line on stdout, got: ${stdout}`);
  return JSON.parse(lines[0]);
}

/** A runtime's stdin that reads the lines of `text`. */
export function stringLines(text: string): LineSource {
  let rest = new TextEncoder().encode(text);
  return new LineReader({
    read(p) {
      if (rest.length === 0) return Promise.resolve(null);
      const n = Math.min(rest.length, p.length);
      p.set(rest.subarray(0, n));
      rest = rest.subarray(n);
      return Promise.resolve(n);
    },
  });
}

/** A stream that keeps what is written to it (`text`). */
export interface CapturedSink extends TextSink {
  readonly text: string;
}

export function captureSink(isTerminal = false): CapturedSink {
  const chunks: string[] = [];
  return {
    write: (text) => Promise.resolve(void chunks.push(text)),
    isTerminal: () => isTerminal,
    get text() {
      return chunks.join("");
    },
  };
}

/**
 * A runtime for in-process tests: only the environment variables given (a temp HOME, the fake's
 * endpoints), a {@link VirtualClock} of its own (or `clock`; `"real"`: the system's), the real
 * limits with `limits` overriding some, and stdout/stderr captured (pass {@link captureSink}s to
 * read them); `parts` replaces anything else. Request time-outs stay the system's (real) unless
 * `parts.timeout` is given: the requests go to a real server.
 */
export function testRuntime(
  vars: Record<string, string>,
  parts: Omit<Partial<Runtime>, "limits"> & {
    limits?: Partial<Limits>;
    clock?: VirtualClock | "real";
  } = {},
): Runtime {
  const { limits, clock = new VirtualClock(), ...rest } = parts;
  return withRuntime(systemRuntime(), {
    env: (name) => vars[name],
    stdout: captureSink(),
    stderr: captureSink(),
    stdinIsTerminal: () => false,
    ...(clock === "real" ? {} : { now: clock.now, sleep: clock.sleep }),
    ...rest,
    limits: { ...LIMITS, ...QUICK_BACKOFF, ...limits },
  });
}

/** The endpoint of a (fake) service at `url`, with the AWS settings `env` gives (retry mode…). */
export function endpointAt(
  url: string,
  env: Record<string, string> = {},
  service: ServiceName = "sso",
): ResolvedEndpoint {
  return resolveEndpoint(service, "us-east-1", (n) => n === "AWS_ENDPOINT_URL" ? url : env[n]);
}

/**
 * Registers a scoped client and completes a device login on the fake, as `aws sso login` would:
 * the fields of a real refreshable token (spread them into a token file).
 */
export async function loginOnFake(fake: FakeIdentityCenter) {
  const post = async (path: string, body: unknown) =>
    await (await fetch(`${fake.url}${path}`, { method: "POST", body: JSON.stringify(body) }))
      .json();
  const reg = await post("/client/register", {
    clientName: "test",
    clientType: "public",
    scopes: ["sso:account:access"],
  });
  const dev = await post("/device_authorization", {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    startUrl: START_URL,
  });
  fake.approveDevice(dev.userCode);
  const tok = await post("/token", {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    grantType: DEVICE_CODE_GRANT,
    deviceCode: dev.deviceCode,
  });
  return {
    clientId: reg.clientId as string,
    clientSecret: reg.clientSecret as string,
    accessToken: tok.accessToken as string,
    refreshToken: tok.refreshToken as string,
    registrationExpiresAt: formatAwsTimestamp(reg.clientSecretExpiresAt * 1000),
  };
}

/**
 * Writes a refreshable token for sso-session `my-sso`, valid for `validMs`, as `aws sso login`
 * writes it; returns the login's values and the token file path.
 */
export async function sessionToken(
  home: TempHome,
  fake: FakeIdentityCenter,
  validMs: number,
  extra: Record<string, unknown> = {},
) {
  const seed = await loginOnFake(fake);
  const path = await home.writeToken({ sessionName: "my-sso" }, {
    ...cliToken(seed.accessToken, validMs),
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    registrationExpiresAt: seed.registrationExpiresAt,
    refreshToken: seed.refreshToken,
    ...extra,
  });
  return { ...seed, path };
}

/** Makes `dir` unwritable: chmod 0500, or (as root, who ignores modes) `chattr +i` if it works. */
export async function makeReadOnly(dir: string): Promise<(() => Promise<void>) | undefined> {
  if (Deno.uid() !== 0) {
    await Deno.chmod(dir, 0o500);
    return () => Deno.chmod(dir, 0o700);
  }
  const chattr = (flag: string) =>
    new Deno.Command("chattr", { args: [flag, dir], stdout: "null", stderr: "null" }).output()
      .then((o) => o.success, () => false);
  return await chattr("+i") ? async () => void await chattr("-i") : undefined;
}

/** The `.ts` files under `dir` of the repository, as repository-relative paths. */
export async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${REPO_ROOT}/${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

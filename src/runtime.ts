/**
 * The one seam between the tool's logic and the outside world: environment, clock, time limits,
 * standard streams, the browser, the HTTP transport and the file-system roots. `main.ts` builds
 * {@link systemRuntime} once and hands it to every command; tests derive their own with
 * {@link withRuntime} (a temp HOME, a fake clock, small limits, captured output).
 *
 * Only types are imported from the heavier modules, so the credential-process fast path loads
 * nothing more through this file.
 *
 * @module
 */
import { type AwsPaths, awsPaths, type Env, processEnv } from "./config/paths.ts";
import { LIMITS, type Limits } from "./limits.ts";
import type { BrowserOpener, UserChannel } from "./login/user_channel.ts";
import {
  type HttpRequest,
  type HttpResponse,
  sendHttp,
  type SendOptions,
} from "./net/http_client.ts";
import { writeText } from "./ui/output.ts";
import { LineReader, type LineSource } from "./ui/line_reader.ts";
import type { RuntimeInfo } from "./config/credential_process_line.ts";

/** A standard output stream. */
export interface TextSink {
  /** Writes all of `text` (a closed stdout pipe ends the process quietly, see `ui/output.ts`). */
  write(text: string): Promise<void>;
  isTerminal(): boolean;
}

/** Sends one HTTP request (Deno's fetch, see `net/http_client.ts`). */
export type HttpTransport = (request: HttpRequest, options: SendOptions) => Promise<HttpResponse>;

/** Everything the tool's logic takes from the outside world. */
export interface Runtime {
  /** Environment variables; one Deno may not read counts as unset. */
  readonly env: Env;
  /** Epoch milliseconds. */
  now(): number;
  /** Waits `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** Every time limit (`limits.ts`). */
  readonly limits: Limits;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Standard input, line by line (prompts' answers). */
  readonly stdin: LineSource;
  /** Whether standard input is a terminal (prompts and pickers need one). */
  stdinIsTerminal(): boolean;
  /**
   * The controlling terminal an auto-login may talk through when stdin and stderr are taken
   * (`/dev/tty`); null where there is none to try (Windows, a detached test run).
   */
  readonly ttyPath: string | null;
  /** How this tool was started (the `credential_process` line `configure` writes runs it again). */
  readonly program: RuntimeInfo;
  /**
   * Opens a URL in the user's browser. `undefined`: the system's opener, used when a browser can
   * be opened at all (`login/browser.ts`); `null`: never open one.
   */
  readonly openBrowser?: BrowserOpener | null;
  /** How an auto-login reaches the user; `undefined`: the terminal or a browser, probed lazily. */
  readonly reachUser?: () => Promise<UserChannel | undefined>;
  /** The HTTP transport of every AWS call. */
  readonly http: HttpTransport;
  /** The AWS config file and cache locations for {@link env} (ConfigError without a home). */
  paths(): AwsPaths;
}

const stream = (file: typeof Deno.stdout | typeof Deno.stderr): TextSink => ({
  write: (text) => writeText(file, text),
  isTerminal: () => file.isTerminal(),
});

/** The process's stdin lines, its reader made at the first read (the fast path never reads). */
function lazyStdinLines(): LineSource {
  let reader: LineReader | undefined;
  return { readLine: () => (reader ??= new LineReader(Deno.stdin)).readLine() };
}

/** The real world: the process's environment, clock, streams and network. */
export function systemRuntime(): Runtime {
  return {
    env: processEnv,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    limits: LIMITS,
    stdout: stream(Deno.stdout),
    stderr: stream(Deno.stderr),
    stdin: lazyStdinLines(),
    stdinIsTerminal: () => Deno.stdin.isTerminal(),
    ttyPath: Deno.build.os === "windows" ? null : "/dev/tty",
    // Read when asked: only `configure` needs it, and never on the credential-process fast path.
    get program() {
      return { execPath: Deno.execPath(), mainModule: Deno.mainModule, os: Deno.build.os };
    },
    http: sendHttp,
    paths() {
      return awsPaths(this.env);
    },
  };
}

/** A runtime like `base` with some parts replaced (tests: env, clock, limits, streams…). */
export function withRuntime(base: Runtime, parts: Partial<Runtime>): Runtime {
  const runtime = { ...base, ...parts };
  return { ...runtime, paths: () => awsPaths(runtime.env) };
}

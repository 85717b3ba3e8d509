/**
 * The one seam between the tool's logic and the outside world: environment, clock, time limits,
 * standard streams, the browser, the HTTP transport and the file-system roots, as interfaces.
 * The system's implementation is wired at the top (`src/system_runtime.ts`, used by `main.ts`);
 * tests derive their own with {@link withRuntime} (a temp HOME, a virtual clock, small limits,
 * captured output). Everything here is a type, so every floor may import it.
 *
 * @module
 */
import { type AwsPaths, awsPaths, type Env } from "./paths.ts";
import type { Limits } from "./limits.ts";

/** One request. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A whole response, its body read as text. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Where to trust extra CAs from: a file path and where its name came from (for messages). */
export interface CaBundle {
  path: string;
  source: string;
}

/** Options of one request. */
export interface SendOptions {
  signal: AbortSignal;
  caBundle?: CaBundle;
  maxBytes?: number;
}

/** Something lines can be read from; `null` at end of input. */
export interface LineSource {
  readLine(): Promise<string | null>;
}

/** Where prompts and progress go (stderr, or the terminal for credential-process). */
export interface PromptOutput {
  write(text: string): Promise<void>;
  /** A spinner is shown only on a terminal. */
  isTerminal: boolean;
}

/**
 * Opens a URL in the user's browser: true when a browser command was started; otherwise false,
 * or why not (e.g. "firefox (from BROWSER) was not found").
 */
export type BrowserOpener = (url: string) => Promise<boolean | string> | boolean | string;

/** A way to reach the user from `credential-process`: where prompts go, and a browser if any. */
export interface UserChannel {
  out: PromptOutput;
  openBrowser?: BrowserOpener;
  /** For the debug log: "/dev/tty", "stderr (terminal)", "browser". */
  via: string;
  close(): void;
}

/** How this tool was started, for the `credential_process` line. */
export interface RuntimeInfo {
  /** `Deno.execPath()`: the deno binary, or the compiled binary. */
  execPath: string;
  /** `Deno.mainModule`. */
  mainModule: string;
  /** `Deno.build.os`. */
  os: string;
  /**
   * Where an installed `aws-sso-util` is looked for outside the home directory (default
   * `SYSTEM_BIN_DIRS` of `config/credential_process_line.ts`); tests give their own.
   */
  systemBinDirs?: readonly string[];
}

/** A standard output stream. */
export interface TextSink {
  /** Writes all of `text` (a closed stdout pipe ends the process quietly, see `base/output.ts`). */
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
  /** An AbortSignal that aborts `ms` milliseconds from now on this clock (a request's limit). */
  timeout(ms: number): AbortSignal;
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

/** A runtime like `base` with some parts replaced (tests: env, clock, limits, streams…). */
export function withRuntime(base: Runtime, parts: Partial<Runtime>): Runtime {
  const runtime = { ...base, ...parts };
  return { ...runtime, paths: () => awsPaths(runtime.env) };
}

/**
 * The system's {@link Runtime}: the process's environment, clock, standard streams, terminal and
 * network. Built once by `main.ts` (the top floor wires the real world in; every floor below sees
 * only the interfaces of `base/runtime.ts`).
 *
 * @module
 */
import { awsPaths, processEnv } from "./base/paths.ts";
import { LIMITS } from "./base/limits.ts";
import { writeText } from "./base/output.ts";
import type { LineSource, Runtime, TextSink } from "./base/runtime.ts";
import { sendHttp } from "./net/http_client.ts";
import { LineReader } from "./ui/line_reader.ts";

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
    timeout: (ms) => AbortSignal.timeout(ms),
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

/**
 * How a login reaches the user: where its prompts and progress go (stderr, an open file, or the
 * controlling terminal for `credential-process`) and the system browser that opens its URLs.
 */
import { canOpenBrowser, openUrl } from "./browser.ts";
import type { DebugLog } from "../base/debug_log.ts";
import { writeText } from "../base/output.ts";
import type { Env } from "../base/paths.ts";
import type {
  BrowserOpener,
  PromptOutput,
  Runtime,
  TextSink,
  UserChannel,
} from "../base/runtime.ts";

/** The sentence said when `outcome` (of a {@link BrowserOpener}) is not `true`. */
export function browserFailure(outcome: boolean | string, then: string): string {
  return `Could not start a browser${typeof outcome === "string" ? `: ${outcome}` : ""}; ${then}.`;
}

/** Prompt output on a runtime's stream (`rt.stderr`). */
export function sinkOutput(sink: TextSink): PromptOutput {
  return { isTerminal: sink.isTerminal(), write: (text) => sink.write(text) };
}

/**
 * The runtime's browser opener: none when `headless` or `rt.openBrowser` is `null`, the injected
 * one, else the system's when a browser can be opened here.
 */
export function runtimeBrowser(
  rt: Pick<Runtime, "env" | "openBrowser">,
  log?: DebugLog,
  headless = false,
): BrowserOpener | undefined {
  if (headless) return undefined;
  if (rt.openBrowser !== undefined) return rt.openBrowser ?? undefined;
  return canOpenBrowser({ env: rt.env }) ? systemBrowserOpener(rt.env, log) : undefined;
}

/** Prompt output on an open file or stream. */
export function fileOutput(
  file: { write(p: Uint8Array): Promise<number> },
  isTerminal: boolean,
): PromptOutput {
  return { isTerminal, write: (text: string) => writeText(file, text) };
}

function safeIsTerminal(stream: { isTerminal(): boolean }): boolean {
  try {
    return stream.isTerminal();
  } catch {
    return false;
  }
}

/** Opens URLs with `BROWSER` or the platform opener, logging why one could not be started. */
export function systemBrowserOpener(env: Env, log?: DebugLog): BrowserOpener {
  return (url) => {
    const result = openUrl(url, { env });
    if (!result.opened) {
      log?.log(`could not open a browser: ${result.reason}`);
      return result.reason;
    }
    log?.log(`browser command started: ${result.command[0]}`);
    result.exited.then((code) => log?.log(`browser command ${result.command[0]} exited ${code}`));
    return true;
  };
}

/**
 * Finds a way to reach the user: the controlling terminal (`/dev/tty` opened for read and
 * write; Deno 2 allows writing to it only with --allow-all, so under the declared permissions
 * this falls back to stderr when stderr itself is a terminal), and/or a browser that can be
 * opened. Undefined when there is neither: the caller must then fail at once.
 */
export async function probeUserChannel(
  rt: Pick<Runtime, "env" | "stderr" | "ttyPath">,
  log?: DebugLog,
): Promise<UserChannel | undefined> {
  const { env } = rt;
  let tty: Deno.FsFile | undefined;
  if (rt.ttyPath !== null) {
    try {
      tty = await Deno.open(rt.ttyPath, { read: true, write: true });
    } catch (error) {
      const why = (error as Error).message?.split("\n")[0];
      log?.log(`cannot open ${rt.ttyPath} for writing: ${why}`);
    }
  }
  const browser = canOpenBrowser({ env });
  const stderrTerminal = safeIsTerminal(rt.stderr);
  if (!tty && !stderrTerminal && !browser) return undefined;
  const out = tty ? fileOutput(tty, true) : sinkOutput(rt.stderr);
  const via = tty ? rt.ttyPath! : stderrTerminal ? "stderr (terminal)" : "browser";
  return {
    out,
    openBrowser: browser ? systemBrowserOpener(env, log) : undefined,
    via: browser && via !== "browser" ? `${via} and browser` : via,
    close() {
      try {
        tty?.close();
      } catch { /* already closed */ }
    },
  };
}

import { writeFileAtomic } from "./atomic_file.ts";
import { readBoundedText } from "./bounded_read.ts";
import { withFileLock } from "./file_lock.ts";
import { safeEcho, withoutUrlCredentials } from "./safe_text.ts";
import { isEnvFlagOn } from "./truthy.ts";

/** The log keeps at most this much of its tail, so it never grows without bound. */
const MAX_LOG_BYTES = 512 * 1024;

/** One logged message is cut to this many characters. */
const MAX_LINE_CHARS = 2000;

/** Shows only the last 4 characters of a secret. */
export function redact(secret: string | undefined): string {
  if (!secret) return "<none>";
  return secret.length <= 4 ? "****" : `****${secret.slice(-4)}`;
}

/**
 * Collects debug lines in memory (cheap when disabled) and appends them to the log file at the
 * end of the run: under a lock, as a temp file renamed over the log, mode 0600.
 * Callers pass secrets through `redact`; nothing here ever sees them in clear. Each message is
 * one line: control characters are escaped, a `user:password@` in a URL is removed and the line
 * is cut at MAX_LINE_CHARS.
 */
export class DebugLog {
  readonly #lines: string[] = [];
  readonly #start = performance.now();

  constructor(readonly enabled: boolean, readonly pid = Deno.pid) {}

  /** Records one line, prefixed with the time, the pid and the ms since start. */
  log(message: string): void {
    if (!this.enabled) return;
    const elapsed = (performance.now() - this.#start).toFixed(1);
    const text = safeEcho(withoutUrlCredentials(message), MAX_LINE_CHARS);
    this.#lines.push(`${new Date().toISOString()} [${this.pid}] +${elapsed}ms ${text}`);
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Appends the collected lines to `path`; failures to write the log are ignored. */
  async flush(path: string): Promise<void> {
    if (!this.enabled || this.#lines.length === 0) return;
    const added = this.#lines.join("\n") + "\n";
    this.#lines.length = 0;
    await withFileLock(`${path}.lock`, 2000, async () => {
      let old = "";
      try {
        old = await readBoundedText(path, 4 * MAX_LOG_BYTES);
      } catch { /* no log yet, or not a file we keep: start afresh */ }
      let text = old + added;
      const bytes = new TextEncoder().encode(text);
      if (bytes.length > MAX_LOG_BYTES) {
        // Cut in bytes, after a newline (never inside a UTF-8 sequence), keeping whole lines.
        const tail = bytes.subarray(bytes.length - MAX_LOG_BYTES);
        text = new TextDecoder().decode(tail.subarray(tail.indexOf(10) + 1));
      }
      await writeFileAtomic(path, text);
    }).catch(() => {});
  }
}

/** True for `--debug` or `AWS_SSO_CREDENTIAL_PROCESS_DEBUG=true|1`. */
export function debugEnabled(flag: boolean, envValue: string | undefined): boolean {
  return flag || isEnvFlagOn(envValue);
}

import type { PromptOutput } from "../base/runtime.ts";
/**
 * The progress line a login shows while it waits for the user: a spinner and the time left,
 * drawn only when the prompt output is a terminal.
 */

const SPINNER = ["|", "/", "-", "\\"];

/** Shows `\r<spinner> <label> (m:ss left)` every 250 ms on a terminal; returns a stopper. */
export function startProgress(
  out: PromptOutput,
  label: string,
  until: number,
  now: () => number,
): () => Promise<void> {
  if (!out.isTerminal) return () => Promise.resolve();
  let frame = 0;
  let pending = Promise.resolve();
  const draw = () => {
    const left = Math.max(0, Math.ceil((until - now()) / 1000));
    const text = `\r${SPINNER[frame++ % SPINNER.length]} ${label} (${Math.floor(left / 60)}:${
      String(left % 60).padStart(2, "0")
    } left) `;
    pending = pending.then(() => out.write(text)).catch(() => {});
  };
  draw();
  const timer = setInterval(draw, 250);
  return async () => {
    clearInterval(timer);
    await pending;
    await out.write("\r\x1b[K").catch(() => {});
  };
}

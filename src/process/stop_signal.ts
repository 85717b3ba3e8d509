/**
 * Waits for Ctrl-C (SIGINT) or SIGTERM, for long-running commands (`serve`) that stop cleanly on
 * either. The listeners are removed once one has fired.
 *
 * @module
 */

/** Resolves with the signal's name when SIGINT or SIGTERM arrives (SIGINT only on Windows). */
export function stopSignal(): Promise<Deno.Signal> {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
        resolve(signal);
      };
      Deno.addSignalListener(signal, handler);
      return [signal, handler] as const;
    });
  });
}

/**
 * How the console sign-in URL reaches the browser without ever being on a command line: the
 * opener (`xdg-open`, `open`, `BROWSER`…) is given a one-time loopback URL,
 * `http://127.0.0.1:PORT/console/<128 random bits>`, whose first GET answers with a redirect
 * (302, `no-store`, `no-referrer`) to the sign-in URL. Every other request, and any request after
 * the first, gets 404; the listener closes after that first fetch or after the wait, whichever
 * comes first. What another local user can read from the process list (`ps`) is only a URL that
 * is spent by the time the browser has loaded it, and never the SigninToken.
 *
 * @module
 */

/** A running relay. */
export interface SigninRelay {
  /** The loopback URL to hand to the browser opener. */
  url: string;
  /** True once the browser fetched it; false when the wait ended first. */
  fetched: Promise<boolean>;
  /** Stops listening (idempotent). */
  close(): Promise<void>;
}

const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

/** Listens on 127.0.0.1 for one fetch of a random path that redirects to `target`. */
export function startSigninRelay(target: string, waitMs: number): SigninRelay {
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(16)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const path = `/console/${secret}`;
  let spent = false;
  let settle!: (fetched: boolean) => void;
  const fetched = new Promise<boolean>((resolve) => (settle = resolve));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (spent || request.method !== "GET" || new URL(request.url).pathname !== path) {
      return new Response("Not found\n", { status: 404, headers: NO_STORE });
    }
    spent = true;
    settle(true);
    return new Response(null, { status: 302, headers: { location: target, ...NO_STORE } });
  });
  const timer = setTimeout(() => settle(false), waitMs);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${server.addr.port}${path}`,
    fetched,
    close() {
      clearTimeout(timer);
      settle(false);
      closing ??= server.shutdown().catch(() => {});
      return closing;
    },
  };
}

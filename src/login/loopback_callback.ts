/**
 * The loopback listener of the authorization-code flow (docs/formats.md §5.2): a server on 127.0.0.1 that
 * receives the browser's redirect to `/oauth/callback`, hands the first one whose `state` matches
 * to the login, and answers the browser with a small page.
 */

/** Path of the loopback callback. */
export const CALLBACK_PATH = "/oauth/callback";

/** What the browser's redirect carried. */
export interface CallbackResult {
  code?: string;
  error?: string;
  errorDescription?: string;
}

/** A running listener. */
export interface Loopback {
  port: number;
  /** Resolves with the first callback whose `state` matches. */
  callback(state: string): Promise<CallbackResult>;
  close(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function page(title: string, text: string, status = 200): Response {
  return new Response(
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>aws-sso-util: ${
      escapeHtml(title)
    }</title></head><body style="font-family: sans-serif; margin: 3em"><h1>${
      escapeHtml(title)
    }</h1><p>${escapeHtml(text)}</p></body></html>\n`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    },
  );
}

/** Listens on 127.0.0.1 for the browser's redirect to `/oauth/callback`. Throws if it cannot bind. */
export function startLoopback(port: number): Loopback {
  let expected: string | undefined;
  let deliver: ((result: CallbackResult) => void) | undefined;
  const delivered = new Promise<CallbackResult>((resolve) => (deliver = resolve));
  let done = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
    const url = new URL(req.url);
    if (url.pathname !== CALLBACK_PATH) return new Response("Not found\n", { status: 404 });
    const q = url.searchParams;
    if (expected === undefined || q.get("state") !== expected) {
      return page(
        "Login request not recognised",
        "This sign-in response does not belong to the login in progress; it was ignored.",
        400,
      );
    }
    if (done) {
      return page("Login already handled", "You can close this window.");
    }
    done = true;
    const error = q.get("error");
    if (error !== null) {
      deliver!({ error, errorDescription: q.get("error_description") ?? undefined });
      return page(
        "Login failed",
        `${
          error === "access_denied" ? "Access was denied" : `The sign-in failed (${error})`
        }. You can close this window.`,
      );
    }
    const code = q.get("code");
    if (!code) {
      deliver!({ error: "invalid_request", errorDescription: "no code in the redirect" });
      return page("Login failed", "The redirect carried no authorization code.", 400);
    }
    deliver!({ code });
    return page(
      "Login successful",
      "aws-sso-util received the authorization. You can close this window.",
    );
  });
  return {
    port: server.addr.port,
    callback(state: string) {
      expected = state;
      return delivered;
    },
    async close() {
      await server.shutdown().catch(() => {});
    },
  };
}

/**
 * A fake AWS sign-in (federation) endpoint for `console` tests, on its own loopback listener;
 * point `AWS_ENDPOINT_URL_SIGNIN` at {@link FakeSignin.url}. It serves:
 *
 * - `POST /federation` with `Action=getSigninToken`: checks the `Session` JSON against the role
 *   credentials the fake Identity Center issued (`issued()`), and `SessionDuration` (900–43200
 *   seconds), then answers `{"SigninToken": …}` — or an injected status/body;
 * - `GET /federation?Action=login&…&SigninToken=…`: a page saying which session signed in;
 * - `GET /oauth?Action=logout&redirect_uri=…`: signs "the browser" out and redirects to
 *   `redirect_uri` when it is this server's `/federation`.
 *
 * @module
 */
import type { IssuedCredentials } from "./types.ts";

/** One getSigninToken call as the fake saw it. */
export interface SigninTokenCall {
  method: string;
  contentType: string;
  session: { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown } | undefined;
  /** Seconds, when sent. */
  sessionDuration?: number;
  /** The issued credentials the session matched, if any. */
  matched?: IssuedCredentials;
  /** The token handed out (when the call succeeded). */
  signinToken?: string;
}

/** One browser visit (login or logout page). */
export interface SigninVisit {
  path: string;
  params: Record<string, string>;
}

/** Fake sign-in endpoint. Start with {@link FakeSignin.start}. */
export class FakeSignin implements AsyncDisposable {
  readonly url: string;
  readonly tokenCalls: SigninTokenCall[] = [];
  readonly visits: SigninVisit[] = [];
  /** The next getSigninToken answers get this status and body instead (FIFO). */
  readonly injected: { status: number; body: string }[] = [];
  #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor(readonly issued: () => readonly IssuedCredentials[]) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#handle(request),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Starts the fake; `issued` lists the role credentials a session must be one of. */
  static start(issued: () => readonly IssuedCredentials[]): FakeSignin {
    return new FakeSignin(issued);
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/federation" && request.method === "POST") {
      return this.#signinToken(request);
    }
    const params = Object.fromEntries(url.searchParams);
    if (url.pathname === "/federation" && params.Action === "login") {
      this.visits.push({ path: url.pathname, params });
      const call = this.tokenCalls.find((c) => c.signinToken === params.SigninToken);
      return call?.matched
        ? new Response(`signed in as ${call.matched.roleName} in ${call.matched.accountId}`)
        : new Response("unknown sign-in token", { status: 400 });
    }
    if (url.pathname === "/oauth" && params.Action === "logout") {
      this.visits.push({ path: url.pathname, params });
      const next = params.redirect_uri;
      if (next && next.startsWith(`${this.url}/federation?`)) {
        return new Response(null, { status: 302, headers: { location: next } });
      }
      return new Response("signed out");
    }
    await request.body?.cancel();
    return new Response("not found", { status: 404 });
  }

  async #signinToken(request: Request): Promise<Response> {
    const contentType = request.headers.get("content-type") ?? "";
    const form = new URLSearchParams(await request.text());
    let session: SigninTokenCall["session"];
    try {
      session = JSON.parse(form.get("Session") ?? "");
    } catch {
      session = undefined;
    }
    const durationText = form.get("SessionDuration");
    const call: SigninTokenCall = {
      method: request.method,
      contentType,
      session,
      sessionDuration: durationText === null ? undefined : Number(durationText),
    };
    this.tokenCalls.push(call);
    const injected = this.injected.shift();
    if (injected) return new Response(injected.body, { status: injected.status });
    if (
      form.get("Action") !== "getSigninToken" ||
      !contentType.startsWith("application/x-www-form-urlencoded")
    ) {
      return new Response("bad request", { status: 400 });
    }
    call.matched = this.issued().find((c) =>
      c.accessKeyId === session?.sessionId && c.secretAccessKey === session?.sessionKey &&
      c.sessionToken === session?.sessionToken
    );
    const d = call.sessionDuration;
    if (!call.matched || (d !== undefined && !(Number.isInteger(d) && d >= 900 && d <= 43200))) {
      return new Response("invalid session", { status: 400 });
    }
    call.signinToken = `fake-signin-token-${this.tokenCalls.length}-${crypto.randomUUID()}`;
    return Response.json({ SigninToken: call.signinToken });
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

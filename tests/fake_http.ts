/**
 * A fake HTTP transport for module tests (the runtime's `http`, no server): each request is
 * answered by the next reply scripted for its operation (named by method and path as the fake
 * IAM Identity Center names them, `fake/types.ts`), on a frozen {@link VirtualClock}, so that a
 * service that is slow or never answers costs no real time: `"hang"` sleeps until the request's
 * time-out (the runtime's `timeout`, on the same clock) aborts it.
 *
 * @module
 */
import type { HttpRequest, HttpResponse, Runtime, SendOptions } from "../src/base/runtime.ts";
import { LIMITS, type Limits } from "../src/base/limits.ts";
import { DebugLog } from "../src/base/debug_log.ts";
import { formatAwsTimestamp } from "../src/base/timestamps.ts";
import { tokenFilePath } from "../src/cache/token_cache.ts";
import { NetworkFailure } from "../src/net/http_client.ts";
import { type SessionLogin, SsoSession } from "../src/sso/session.ts";
import { type OpName, ROUTES } from "./fake/types.ts";
import { TempHome, testRuntime } from "./helpers.ts";
import { VirtualClock } from "./virtual_clock.ts";

/**
 * One answer: a response (its body `json`, or `body` as it is; after `delayMs` on the clock), no
 * answer at all, a failure before any response, or a function of the request that gives one.
 */
export type Reply =
  | {
    status?: number;
    json?: unknown;
    body?: string;
    headers?: Record<string, string>;
    delayMs?: number;
  }
  | "hang"
  | NetworkFailure
  | ((request: HttpRequest) => Reply | Promise<Reply>);

/** A request the fake received, and when (on its clock). */
export interface FakeCall {
  op: OpName;
  request: HttpRequest;
  at: number;
  /** The parsed JSON body, if any. */
  body?: Record<string, unknown>;
}

/** A JSON answer with HTTP 200 (after `delayMs` on the fake's clock). */
export const ok = (json: unknown, delayMs?: number): Reply => ({ json, delayMs });

/** An AWS error answer: `x-amzn-ErrorType` and a `message`, as the services send them. */
export const awsError = (status: number, errorType: string, message = ""): Reply => ({
  status,
  headers: { "x-amzn-errortype": errorType },
  json: { message },
});

/** A connection that fails before any response (retried as a network error). */
export const reset = (): NetworkFailure =>
  new NetworkFailure("reset", "connection reset by peer", "fake");

/** The fake transport, its clock and what it was asked (see the module's description). */
export class FakeHttp {
  /** Frozen at the real time of its creation: only sleeps and time-outs move it. */
  readonly clock = new VirtualClock({ frozenAt: Date.now() });
  readonly calls: FakeCall[] = [];
  readonly #next = new Map<OpName, Reply[]>();
  readonly #always = new Map<OpName, Reply>();

  /** Answers the next calls of `op` with `replies`, in order. */
  next(op: OpName, ...replies: Reply[]): this {
    this.#next.set(op, [...this.#next.get(op) ?? [], ...replies]);
    return this;
  }

  /** Answers every call of `op` (after its {@link next} replies) with `reply`. */
  always(op: OpName, reply: Reply): this {
    this.#always.set(op, reply);
    return this;
  }

  /** The calls of `op`. */
  callsOf(op: OpName): FakeCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** The transport (`rt.http`). */
  readonly http = async (request: HttpRequest, options: SendOptions): Promise<HttpResponse> => {
    const url = new URL(request.url);
    const op = ROUTES[`${request.method} ${url.pathname}`];
    if (op === undefined) throw new Error(`FakeHttp: no operation at ${request.method} ${url}`);
    const body = request.body ? JSON.parse(request.body) : undefined;
    // A copy: the caller may change its headers for the next attempt.
    this.calls.push({
      op,
      request: { ...request, headers: { ...request.headers } },
      at: this.clock.now(),
      body,
    });
    let reply = this.#next.get(op)?.shift() ?? this.#always.get(op);
    if (reply === undefined) throw new Error(`FakeHttp: no reply scripted for ${op}`);
    while (typeof reply === "function") reply = await reply(request);
    if (reply === "hang") {
      await this.clock.sleep(Infinity, options.signal);
      throw new Error("unreachable");
    }
    if (reply instanceof NetworkFailure) throw reply;
    if (reply.delayMs) await this.clock.sleep(reply.delayMs, options.signal);
    return {
      status: reply.status ?? 200,
      headers: new Headers({ "content-type": "application/json", ...reply.headers }),
      body: reply.body ?? (reply.json === undefined ? "" : JSON.stringify(reply.json)),
    };
  };

  /**
   * An in-process runtime ({@link testRuntime}) that sends through this fake on its clock, with
   * the endpoints of both services pointing at it, and the real limits (backoffs included: on
   * this clock they cost nothing) unless `parts.limits` names others.
   */
  runtime(
    vars: Record<string, string>,
    parts: Omit<Partial<Runtime>, "limits"> & { limits?: Partial<Limits> } = {},
  ): Runtime {
    return testRuntime({ AWS_ENDPOINT_URL: FAKE_URL, ...vars }, {
      clock: this.clock,
      timeout: this.clock.timeout,
      http: this.http,
      ...parts,
      limits: { ...LIMITS, ...parts.limits },
    });
  }
}

/** The endpoint the fake's runtimes name (never connected to). */
export const FAKE_URL = "http://fake.invalid";

/** The instance of {@link fakeSession}: sso-session `my-sso`. */
export const SESSION_INSTANCE = {
  startUrl: "https://example.awsapps.com/start",
  ssoRegion: "us-east-1",
  sessionName: "my-sso",
};

/** What module tests of the sso/ floor start from (see {@link fakeSession}). */
export interface FakeSession extends AsyncDisposable {
  home: TempHome;
  fake: FakeHttp;
  session: SsoSession;
  log: DebugLog;
  /** The session's token file. */
  tokenPath: string;
  /**
   * Writes the token file as `aws sso login` does: `at-old`, refreshable (`rt-old`, client `cid`),
   * valid for `validMs` on the fake's clock; `extra` adds or replaces fields.
   */
  writeToken(validMs: number, extra?: Record<string, unknown>): Promise<void>;
}

/**
 * A session of profile `dev` for {@link SESSION_INSTANCE} in a temp HOME, sending through a new
 * {@link FakeHttp}, with a debug log that keeps its lines.
 */
export async function fakeSession(
  parts: { limits?: Partial<Limits>; login?: SessionLogin } = {},
): Promise<FakeSession> {
  const home = await TempHome.create();
  const fake = new FakeHttp();
  const log = new DebugLog(true);
  const session = new SsoSession({
    rt: fake.runtime({ HOME: home.dir }, { limits: parts.limits }),
    instance: SESSION_INSTANCE,
    profileName: "dev",
    log,
    login: parts.login,
  });
  const tokenPath = await tokenFilePath(home.ssoCacheDir, SESSION_INSTANCE);
  const now = fake.clock.now;
  return {
    home,
    fake,
    session,
    log,
    tokenPath,
    async writeToken(validMs, extra = {}) {
      await Deno.mkdir(home.ssoCacheDir, { recursive: true });
      await Deno.writeTextFile(
        tokenPath,
        JSON.stringify({
          startUrl: SESSION_INSTANCE.startUrl,
          region: SESSION_INSTANCE.ssoRegion,
          accessToken: "at-old",
          expiresAt: formatAwsTimestamp(now() + validMs),
          clientId: "cid",
          clientSecret: "csecret",
          registrationExpiresAt: formatAwsTimestamp(now() + 90 * 24 * 3_600_000),
          refreshToken: "rt-old",
          ...extra,
        }),
      );
    },
    [Symbol.asyncDispose]: () => home[Symbol.asyncDispose](),
  };
}

/** CreateToken's answer to a refresh: `at-new` for 8 hours, refresh token `rt-new`. */
export const refreshed = (delayMs?: number): Reply =>
  ok({ accessToken: "at-new", expiresIn: 8 * 3600, refreshToken: "rt-new" }, delayMs);

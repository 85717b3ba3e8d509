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
import type { Limits } from "../src/base/limits.ts";
import { NetworkFailure } from "../src/net/http_client.ts";
import { type OpName, ROUTES } from "./fake/types.ts";
import { testRuntime } from "./helpers.ts";
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
   * the endpoints of both services pointing at it.
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
    });
  }
}

/** The endpoint the fake's runtimes name (never connected to). */
export const FAKE_URL = "http://fake.invalid";

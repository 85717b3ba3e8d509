/**
 * Fake AWS IAM Identity Center for tests: serves the SSO portal API and the SSO OIDC API
 * (rest-json, as sent and parsed by the AWS SDKs) on one loopback listener, plus the
 * browser-facing `/authorize` (PKCE) and `/device` (device approval) pages.
 *
 * Point both `AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC` at {@link FakeIdentityCenter.url}.
 *
 * This module is the public entry; the parts live in tests/fake/: `portal.ts` (SSO portal API),
 * `oidc.ts` (SSO OIDC API), `browser_pages.ts` (`/authorize`, `/device`), `control.ts`
 * (injected failures, drops, delays), `relay.ts` (the TCP/TLS relay that makes
 * {@link FakeIdentityCenter.closeConnectionNext} drop a connection before any response byte),
 * `state.ts` (what the fake remembers), `types.ts` and `wire.ts` (shared shapes and helpers).
 *
 * @module
 */

import { handleBrowserPage } from "./fake/browser_pages.ts";
import { FakeControl } from "./fake/control.ts";
import { handleOidc, type OidcOp } from "./fake/oidc.ts";
import { handlePortal, isPortalOp } from "./fake/portal.ts";
import { Relay } from "./fake/relay.ts";
import { FakeState } from "./fake/state.ts";
import {
  type AuthorizationCode,
  defaultFakeOptions,
  type DeviceAuthorization,
  type FakeAccount,
  type FakeOptions,
  type FakeTlsOptions,
  type InjectedFailure,
  type IssuedCredentials,
  OP_NAMES,
  type OpName,
  type RecordedRequest,
  type Registration,
  ROUTES,
} from "./fake/types.ts";
import { ApiError, DEFAULT_MESSAGE, errorResponse, type JsonObject } from "./fake/wire.ts";

export {
  type AuthorizationCode,
  defaultFakeOptions,
  DEVICE_CODE_GRANT,
  type DeviceAuthorization,
  type FakeAccount,
  type FakeOptions,
  type FakeTlsOptions,
  type InjectedFailure,
  type IssuedCredentials,
  OP_NAMES,
  type OpName,
  PORTAL_OPS,
  type RecordedRequest,
  type Registration,
} from "./fake/types.ts";
export { defaultStatusFor, oauthErrorCode, pkceChallenge } from "./fake/wire.ts";

/** Fake IAM Identity Center (SSO portal + SSO OIDC). Start with {@link FakeIdentityCenter.start}. */
export class FakeIdentityCenter implements AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:40123`, or `https://…` in TLS mode (no trailing slash). */
  readonly url: string;
  /** Live options; mutate to change behaviour between requests. */
  readonly options: FakeOptions;
  /** Number of requests routed to each operation (including failed/dropped ones). */
  readonly calls: Record<OpName, number>;
  /** Every request received, in order (including unrouted ones). */
  readonly requests: RecordedRequest[] = [];
  /** Client registrations, in order. */
  readonly registrations: Registration[];
  /** Device authorizations, in order. */
  readonly deviceAuthorizations: DeviceAuthorization[];
  /** Authorization codes issued by `/authorize`, in order. */
  readonly authorizationCodes: AuthorizationCode[];
  /** Role credentials issued by GetRoleCredentials, in order. */
  readonly issuedCredentials: IssuedCredentials[];

  #server: Deno.HttpServer<Deno.NetAddr>;
  #relay: Relay;
  #state: FakeState;
  #control = new FakeControl();
  #closed: Promise<void> | undefined;

  private constructor(options: Partial<FakeOptions>, tls?: FakeTlsOptions) {
    this.options = { ...defaultFakeOptions(), ...options };
    this.calls = Object.fromEntries(OP_NAMES.map((op) => [op, 0])) as Record<OpName, number>;
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen() {},
      onError: (e) =>
        errorResponse(
          "Unknown",
          new ApiError("InternalServerException", `Fake server error: ${e}`),
        ),
    }, (req, info) => this.#handle(req, info));
    this.#relay = new Relay(this.#server.addr.port, tls);
    this.url = this.#relay.url;
    this.#state = new FakeState(this.url, this.options);
    this.registrations = this.#state.registrations;
    this.deviceAuthorizations = this.#state.deviceAuthorizations;
    this.authorizationCodes = this.#state.authorizationCodes;
    this.issuedCredentials = this.#state.issuedCredentials;
  }

  /** Starts a fake on an ephemeral loopback port; over HTTPS when `tls` is given. */
  static start(
    options: Partial<FakeOptions> = {},
    tls?: FakeTlsOptions,
  ): Promise<FakeIdentityCenter> {
    return Promise.resolve(new FakeIdentityCenter(options, tls));
  }

  /** Stops listening, drops open connections and waits for the server to finish. */
  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  /** Same as {@link close}; enables `await using fake = await FakeIdentityCenter.start()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------- instrumentation

  /** Fail the next `times` (default 1) calls of `op` with the given error. */
  failNext(op: OpName, failure: InjectedFailure & { times?: number }): void {
    this.#control.failNext(op, failure);
  }

  /** Fail every call of `op` with the given error until {@link clearFailures}. */
  failAlways(op: OpName, failure: InjectedFailure): void {
    this.#control.failAlways(op, failure);
  }

  /** Abruptly close the connection (no response at all) for the next `times` calls of `op`. */
  closeConnectionNext(op: OpName, times = 1): void {
    this.#control.closeConnectionNext(op, times);
  }

  /** Removes all injected failures and connection drops (not delays). */
  clearFailures(): void {
    this.#control.clearFailures();
  }

  /**
   * Throttle (HTTP 429) a seeded-random `fraction` (0 to 1) of the calls of `op`; 0 stops it.
   * {@link throttledCalls} counts them.
   */
  throttleFraction(op: OpName, fraction: number, seed = 1): void {
    this.#control.throttleFraction(op, fraction, seed);
  }

  /** Calls of `op` throttled by {@link throttleFraction} so far. */
  throttledCalls(op: OpName): number {
    return this.#control.throttledCalls(op);
  }

  /** Delay every response of `op` by `ms` (0 removes the delay). */
  delay(op: OpName, ms: number): void {
    this.#control.delay(op, ms);
  }

  /** Replaces the account assignments. */
  setAccounts(accounts: FakeAccount[]): void {
    this.options.accounts = accounts;
  }

  /** Makes `token` valid for the portal API (e.g. one a test wrote into a token cache file). */
  addAccessToken(token: string): void {
    this.#state.validAccessTokens.add(token);
  }

  /** Makes `token` invalid for the portal API (as after Logout or server-side expiry). */
  revokeAccessToken(token: string): void {
    this.#state.validAccessTokens.delete(token);
  }

  /** Whether `token` is currently accepted by the portal API. */
  isAccessTokenValid(token: string): boolean {
    return this.#state.validAccessTokens.has(token);
  }

  /** Makes a refresh token unusable (refresh grants then fail with `InvalidGrantException`). */
  revokeRefreshToken(token: string): void {
    const record = this.#state.refreshTokens.get(token);
    if (record) record.revoked = true;
  }

  /** Access tokens issued by CreateToken, in order (revoked ones included). */
  issuedAccessTokens(): string[] {
    return [...this.#state.accessTokens];
  }

  /** Refresh tokens issued by CreateToken, in order (revoked ones included). */
  issuedRefreshTokens(): string[] {
    return [...this.#state.refreshTokens.keys()];
  }

  /** Acts as the user approving the device authorization with this user code. */
  approveDevice(userCode: string): void {
    this.#state.deviceByUserCode(userCode).state = "approved";
  }

  /** Acts as the user denying the device authorization (polls fail with AccessDeniedException). */
  denyDevice(userCode: string): void {
    this.#state.deviceByUserCode(userCode).state = "denied";
  }

  // ---------------------------------------------------------------- lifecycle

  async #shutdown(): Promise<void> {
    await this.#relay.stopAccepting();
    this.#control.wakeAll();
    await this.#relay.dropAll();
    await this.#server.shutdown();
  }

  // ---------------------------------------------------------------- HTTP handling

  async #handle(req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> {
    const url = new URL(req.url);
    const op: OpName | undefined = ROUTES[`${req.method} ${url.pathname}`];
    const text = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
    let body: unknown = undefined;
    let malformed = false;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        malformed = true;
      }
    }
    this.requests.push({
      op: op ?? "Unknown",
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(req.headers),
      body,
    });
    if (op === undefined) {
      return errorResponse(
        "Unknown",
        new ApiError("UnknownOperationException", `No route for ${req.method} ${url.pathname}`),
      );
    }
    this.calls[op]++;

    await this.#control.waitDelay(op);

    if (this.#control.takeDrop(op)) {
      // The internal server sees the relay's backend connection's local port as the remote port.
      this.#relay.drop(info.remoteAddr.port);
      return new Response(null, { status: 500 });
    }

    const injected = this.#control.takeFailure(op);
    if (injected) {
      const { errorType, message, status } = injected;
      return errorResponse(
        op,
        new ApiError(
          errorType,
          message ?? DEFAULT_MESSAGE[errorType] ?? `Injected ${errorType}`,
          status,
        ),
      );
    }

    try {
      if (isPortalOp(op)) return handlePortal(this.#state, op, req, url);
      if (op === "Authorize" || op === "DeviceApprove") {
        return handleBrowserPage(this.#state, op, url);
      }
      const isObject = !malformed && typeof body === "object" && body !== null &&
        !Array.isArray(body);
      if (!isObject) {
        throw new ApiError("InvalidRequestException", "Request body must be a JSON object");
      }
      return await handleOidc(this.#state, op as OidcOp, body as JsonObject);
    } catch (e) {
      if (e instanceof ApiError) return errorResponse(op, e);
      throw e;
    }
  }
}

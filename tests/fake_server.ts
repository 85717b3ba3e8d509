/**
 * Fake AWS IAM Identity Center for tests: serves the SSO portal API and the SSO OIDC API
 * (rest-json, as sent and parsed by the AWS SDKs) on one loopback listener, plus the
 * browser-facing `/authorize` (PKCE) and `/device` (device approval) pages.
 *
 * Point both `AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC` at {@link FakeIdentityCenter.url}.
 *
 * Connections are accepted by a small TCP relay in front of an internal `Deno.serve` server so that
 * {@link FakeIdentityCenter.closeConnectionNext} can drop a connection before any response byte is
 * sent (clients then see a genuine network error).
 *
 * @module
 */

/** Names of the operations the fake serves (AWS operation names plus two browser pages). */
export type OpName =
  | "GetRoleCredentials"
  | "ListAccounts"
  | "ListAccountRoles"
  | "Logout"
  | "RegisterClient"
  | "StartDeviceAuthorization"
  | "CreateToken"
  | "Authorize"
  | "DeviceApprove";

/** All operation names, in a stable order. */
export const OP_NAMES: readonly OpName[] = [
  "GetRoleCredentials",
  "ListAccounts",
  "ListAccountRoles",
  "Logout",
  "RegisterClient",
  "StartDeviceAuthorization",
  "CreateToken",
  "Authorize",
  "DeviceApprove",
];

/** Operations of the SSO portal API (errors use `{"message","__type"}` bodies). */
export const PORTAL_OPS: ReadonlySet<OpName> = new Set<OpName>([
  "GetRoleCredentials",
  "ListAccounts",
  "ListAccountRoles",
  "Logout",
]);

/** OAuth grant type of the device authorization flow. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** An account assignment visible through the portal API. */
export interface FakeAccount {
  accountId: string;
  accountName: string;
  emailAddress: string;
  /** Role names the user may assume in this account. */
  roles: string[];
}

/** Behaviour knobs; all may be changed at runtime through {@link FakeIdentityCenter.options}. */
export interface FakeOptions {
  /** Account assignments (default: `123456789012` "Main" with role `MyRole`). */
  accounts: FakeAccount[];
  /** Maximum page size of ListAccounts / ListAccountRoles (default 100). */
  pageSize: number;
  /** Lifetime of role credentials in ms (default 3_600_000). */
  credentialLifetimeMs: number;
  /** `expiresIn` of issued access tokens in seconds (default 28_800). */
  accessTokenLifetimeSec: number;
  /** Lifetime of client registrations in seconds (default 90 days). */
  registrationLifetimeSec: number;
  /** `expiresIn` of device authorizations in seconds (default 600). */
  deviceExpiresInSec: number;
  /** `interval` of device authorizations in seconds (default 1). */
  deviceInterval: number;
  /**
   * Approve a device authorization automatically once it has been polled this many times while
   * pending: `0` makes the first poll succeed, `2` gives two pending polls first. Default: never.
   */
  autoApproveDeviceAfterPolls: number | undefined;
  /** Refresh grants return a new refresh token and revoke the old one (default true). */
  rotateRefreshToken: boolean;
  /** Refresh grants return no refresh token at all (default false). */
  omitRefreshTokenOnRefresh: boolean;
  /** `/authorize` redirects with `error=access_denied` (default false). */
  denyAuthorization: boolean;
}

/** A request as received by the fake (recorded before any failure injection). */
export interface RecordedRequest {
  /** The matched operation, or `"Unknown"` for unrouted requests. */
  op: OpName | "Unknown";
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names are lower-case. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  body: unknown;
}

/** An error to inject; `status` defaults from the error type (e.g. 401, 429, 500, else 400). */
export interface InjectedFailure {
  status?: number;
  /** Error shape name, sent as `x-amzn-ErrorType`, e.g. `"TooManyRequestsException"`. */
  errorType: string;
  message?: string;
}

/** A client registration made through RegisterClient. */
export interface Registration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  clientType: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuerUrl: string | undefined;
  /** Epoch seconds. */
  clientIdIssuedAt: number;
  /** Epoch seconds. */
  clientSecretExpiresAt: number;
}

/** A device authorization started through StartDeviceAuthorization. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  /** Epoch ms after which polls fail with `ExpiredTokenException`. */
  expiresAtMs: number;
  state: "pending" | "approved" | "denied" | "consumed";
  /** Number of CreateToken polls seen for this device code. */
  polls: number;
}

/** An authorization code issued by `/authorize`. */
export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  used: boolean;
}

/** Role credentials returned by GetRoleCredentials. */
export interface IssuedCredentials {
  accountId: string;
  roleName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiration: number;
  /** The bearer token used to obtain them. */
  bearerToken: string;
}

const DAY_SEC = 86_400;

/** Default options (a fresh copy per call). */
export function defaultFakeOptions(): FakeOptions {
  return {
    accounts: [{
      accountId: "123456789012",
      accountName: "Main",
      emailAddress: "main@example.com",
      roles: ["MyRole"],
    }],
    pageSize: 100,
    credentialLifetimeMs: 3_600_000,
    accessTokenLifetimeSec: 28_800,
    registrationLifetimeSec: 90 * DAY_SEC,
    deviceExpiresInSec: 600,
    deviceInterval: 1,
    autoApproveDeviceAfterPolls: undefined,
    rotateRefreshToken: true,
    omitRefreshTokenOnRefresh: false,
    denyAuthorization: false,
  };
}

const ROUTES: Record<string, OpName> = {
  "GET /federation/credentials": "GetRoleCredentials",
  "GET /assignment/accounts": "ListAccounts",
  "GET /assignment/roles": "ListAccountRoles",
  "POST /logout": "Logout",
  "POST /client/register": "RegisterClient",
  "POST /device_authorization": "StartDeviceAuthorization",
  "POST /token": "CreateToken",
  "GET /authorize": "Authorize",
  "GET /device": "DeviceApprove",
};

const DEFAULT_STATUS: Record<string, number> = {
  UnauthorizedException: 401,
  InvalidClientException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  TooManyRequestsException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

const DEFAULT_MESSAGE: Record<string, string> = {
  UnauthorizedException: "Session token not found or invalid",
  TooManyRequestsException: "Rate exceeded",
  InternalServerException: "Internal server error",
  AuthorizationPendingException: "Authorization is still pending",
  SlowDownException: "Client is polling too fast",
  ExpiredTokenException: "Device authorization has expired",
  AccessDeniedException: "Access denied",
};

const SESSION_TOKEN_INVALID = "Session token not found or invalid";

/** Status for an error shape name (the table used when {@link InjectedFailure.status} is omitted). */
export function defaultStatusFor(errorType: string): number {
  return DEFAULT_STATUS[errorType] ?? 400;
}

/** OAuth-style `error` code for an OIDC error shape, e.g. `invalid_grant` for `InvalidGrantException`. */
export function oauthErrorCode(errorType: string): string {
  if (errorType === "InternalServerException") return "server_error";
  return errorType.replace(/Exception$/, "").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** base64url(SHA-256(verifier)) without padding: the PKCE S256 code challenge. */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

function randomUserCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const chars = [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

/** An API error raised by a route handler. */
class ApiError extends Error {
  constructor(readonly errorType: string, message: string, readonly status?: number) {
    super(message);
  }
}

type JsonObject = Record<string, unknown>;

function optString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new ApiError("InvalidRequestException", `Member ${name} must be a string`);
  }
  return value;
}

function reqString(body: JsonObject, name: string): string {
  const value = optString(body, name);
  if (value === undefined || value === "") {
    throw new ApiError("InvalidRequestException", `Missing required member ${name}`);
  }
  return value;
}

function optStringList(body: JsonObject, name: string): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ApiError("InvalidRequestException", `Member ${name} must be a list of strings`);
  }
  return value;
}

function reqQuery(url: URL, name: string, member: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === "") {
    throw new ApiError(
      "InvalidRequestException",
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: ` +
        "Member must not be null",
    );
  }
  return value;
}

/** One relayed TCP connection: the client side and the connection to the internal server. */
class RelayPair {
  #closed = false;
  constructor(readonly client: Deno.Conn, readonly backend: Deno.Conn) {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of [this.client, this.backend]) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }
}

async function pump(src: Deno.Conn, dst: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await src.read(buf);
      if (n === null) return;
      let off = 0;
      while (off < n) off += await dst.write(buf.subarray(off, n));
    }
  } catch {
    // Connection closed or reset.
  }
}

/** Serve HTTPS with this certificate chain and key (PEM); see tests/tls_fixture.ts. */
export interface FakeTlsOptions {
  cert: string;
  key: string;
}

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
  readonly registrations: Registration[] = [];
  /** Device authorizations, in order. */
  readonly deviceAuthorizations: DeviceAuthorization[] = [];
  /** Authorization codes issued by `/authorize`, in order. */
  readonly authorizationCodes: AuthorizationCode[] = [];
  /** Role credentials issued by GetRoleCredentials, in order. */
  readonly issuedCredentials: IssuedCredentials[] = [];

  #server: Deno.HttpServer<Deno.NetAddr>;
  #listener: Deno.Listener<Deno.TcpConn | Deno.TlsConn, Deno.NetAddr>;
  #acceptDone: Promise<void>;
  #relays = new Set<Promise<void>>();
  #pairs = new Map<number, RelayPair>();
  #closing = false;
  #closed: Promise<void> | undefined;
  #sleepers = new Set<() => void>();

  #failNext = new Map<OpName, { failure: InjectedFailure; times: number }[]>();
  #failAlways = new Map<OpName, InjectedFailure>();
  #dropNext = new Map<OpName, number>();
  #delays = new Map<OpName, number>();

  #validAccessTokens = new Set<string>();
  #accessTokens: string[] = [];
  #refreshTokens = new Map<string, { clientId: string; revoked: boolean }>();
  #pageTokens = new Map<string, { listing: string; offset: number }>();
  #counter = 0;
  #credentialCounter = 0;

  private constructor(options: Partial<FakeOptions>, tls?: FakeTlsOptions) {
    this.options = { ...defaultFakeOptions(), ...options };
    this.calls = Object.fromEntries(OP_NAMES.map((op) => [op, 0])) as Record<OpName, number>;
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen() {},
      onError: (e) =>
        this.#error("Unknown", new ApiError("InternalServerException", `Fake server error: ${e}`)),
    }, (req, info) => this.#handle(req, info));
    // With TLS the relay terminates it, so connection drops work the same in both modes.
    this.#listener = tls
      ? Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: tls.cert, key: tls.key })
      : Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${this.#listener.addr.port}`;
    this.#acceptDone = this.#acceptLoop();
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
    const { times = 1, ...rest } = failure;
    const queue = this.#failNext.get(op) ?? [];
    queue.push({ failure: rest, times });
    this.#failNext.set(op, queue);
  }

  /** Fail every call of `op` with the given error until {@link clearFailures}. */
  failAlways(op: OpName, failure: InjectedFailure): void {
    this.#failAlways.set(op, failure);
  }

  /** Abruptly close the connection (no response at all) for the next `times` calls of `op`. */
  closeConnectionNext(op: OpName, times = 1): void {
    this.#dropNext.set(op, (this.#dropNext.get(op) ?? 0) + times);
  }

  /** Removes all injected failures and connection drops (not delays). */
  clearFailures(): void {
    this.#failNext.clear();
    this.#failAlways.clear();
    this.#dropNext.clear();
  }

  /** Delay every response of `op` by `ms` (0 removes the delay). */
  delay(op: OpName, ms: number): void {
    if (ms > 0) this.#delays.set(op, ms);
    else this.#delays.delete(op);
  }

  /** Replaces the account assignments. */
  setAccounts(accounts: FakeAccount[]): void {
    this.options.accounts = accounts;
  }

  /** Makes `token` valid for the portal API (e.g. one a test wrote into a token cache file). */
  addAccessToken(token: string): void {
    this.#validAccessTokens.add(token);
  }

  /** Makes `token` invalid for the portal API (as after Logout or server-side expiry). */
  revokeAccessToken(token: string): void {
    this.#validAccessTokens.delete(token);
  }

  /** Whether `token` is currently accepted by the portal API. */
  isAccessTokenValid(token: string): boolean {
    return this.#validAccessTokens.has(token);
  }

  /** Makes a refresh token unusable (refresh grants then fail with `InvalidGrantException`). */
  revokeRefreshToken(token: string): void {
    const record = this.#refreshTokens.get(token);
    if (record) record.revoked = true;
  }

  /** Access tokens issued by CreateToken, in order (revoked ones included). */
  issuedAccessTokens(): string[] {
    return [...this.#accessTokens];
  }

  /** Refresh tokens issued by CreateToken, in order (revoked ones included). */
  issuedRefreshTokens(): string[] {
    return [...this.#refreshTokens.keys()];
  }

  /** Acts as the user approving the device authorization with this user code. */
  approveDevice(userCode: string): void {
    this.#deviceByUserCode(userCode).state = "approved";
  }

  /** Acts as the user denying the device authorization (polls fail with AccessDeniedException). */
  denyDevice(userCode: string): void {
    this.#deviceByUserCode(userCode).state = "denied";
  }

  #deviceByUserCode(userCode: string): DeviceAuthorization {
    const device = this.deviceAuthorizations.find((d) => d.userCode === userCode);
    if (!device) throw new Error(`FakeIdentityCenter: unknown user code ${userCode}`);
    return device;
  }

  // ---------------------------------------------------------------- relay & lifecycle

  async #acceptLoop(): Promise<void> {
    for await (const client of this.#listener) {
      const relay = this.#relay(client);
      this.#relays.add(relay);
      relay.finally(() => this.#relays.delete(relay));
    }
  }

  async #relay(client: Deno.Conn): Promise<void> {
    let backend: Deno.TcpConn;
    try {
      backend = await Deno.connect({ hostname: "127.0.0.1", port: this.#server.addr.port });
    } catch {
      client.close();
      return;
    }
    const pair = new RelayPair(client, backend);
    if (this.#closing) {
      pair.close();
      return;
    }
    // The internal server sees the backend connection's local port as the remote port.
    const key = backend.localAddr.port;
    this.#pairs.set(key, pair);
    await Promise.all([
      pump(client, backend).finally(() => pair.close()),
      pump(backend, client).finally(() => pair.close()),
    ]);
    this.#pairs.delete(key);
  }

  async #shutdown(): Promise<void> {
    this.#closing = true;
    this.#listener.close();
    await this.#acceptDone;
    for (const wake of [...this.#sleepers]) wake();
    for (const pair of this.#pairs.values()) pair.close();
    while (this.#relays.size > 0) await Promise.all([...this.#relays]);
    await this.#server.shutdown();
  }

  /** Sleeps `ms`, or less if the fake is closed meanwhile. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
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
      return this.#error(
        "Unknown",
        new ApiError("UnknownOperationException", `No route for ${req.method} ${url.pathname}`),
      );
    }
    this.calls[op]++;

    const delayMs = this.#delays.get(op);
    if (delayMs !== undefined) await this.#sleep(delayMs);

    const drops = this.#dropNext.get(op) ?? 0;
    if (drops > 0) {
      this.#dropNext.set(op, drops - 1);
      this.#pairs.get(info.remoteAddr.port)?.close();
      return new Response(null, { status: 500 });
    }

    const injected = this.#takeFailure(op);
    if (injected) {
      const { errorType, message, status } = injected;
      return this.#error(
        op,
        new ApiError(
          errorType,
          message ?? DEFAULT_MESSAGE[errorType] ?? `Injected ${errorType}`,
          status,
        ),
      );
    }

    try {
      const jsonOp = !PORTAL_OPS.has(op) && op !== "Authorize" && op !== "DeviceApprove";
      const isObject = !malformed && typeof body === "object" && body !== null &&
        !Array.isArray(body);
      if (jsonOp && !isObject) {
        throw new ApiError("InvalidRequestException", "Request body must be a JSON object");
      }
      return await this.#dispatch(op, req, url, jsonOp ? body as JsonObject : {});
    } catch (e) {
      if (e instanceof ApiError) return this.#error(op, e);
      throw e;
    }
  }

  #takeFailure(op: OpName): InjectedFailure | undefined {
    const queue = this.#failNext.get(op);
    const head = queue?.[0];
    if (queue && head) {
      if (--head.times <= 0) queue.shift();
      return head.failure;
    }
    return this.#failAlways.get(op);
  }

  #dispatch(
    op: OpName,
    req: Request,
    url: URL,
    body: JsonObject,
  ): Response | Promise<Response> {
    switch (op) {
      case "GetRoleCredentials":
        return this.#getRoleCredentials(req, url);
      case "ListAccounts":
        return this.#listAccounts(req, url);
      case "ListAccountRoles":
        return this.#listAccountRoles(req, url);
      case "Logout":
        return this.#logout(req);
      case "RegisterClient":
        return this.#registerClient(body);
      case "StartDeviceAuthorization":
        return this.#startDeviceAuthorization(body);
      case "CreateToken":
        return this.#createToken(body);
      case "Authorize":
        return this.#authorize(url);
      case "DeviceApprove":
        return this.#deviceApprove(url);
    }
  }

  #json(value: unknown, status = 200): Response {
    return new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json", "x-amzn-RequestId": crypto.randomUUID() },
    });
  }

  #error(op: OpName | "Unknown", e: ApiError): Response {
    const oidc = op !== "Unknown" && !PORTAL_OPS.has(op);
    const payload = oidc
      ? { error: oauthErrorCode(e.errorType), error_description: e.message }
      : { message: e.message, __type: e.errorType };
    return new Response(JSON.stringify(payload), {
      status: e.status ?? defaultStatusFor(e.errorType),
      headers: {
        "content-type": "application/json",
        "x-amzn-ErrorType": e.errorType,
        "x-amzn-RequestId": crypto.randomUUID(),
      },
    });
  }

  // ---------------------------------------------------------------- portal API

  #bearer(req: Request): string {
    const token = req.headers.get("x-amz-sso_bearer_token");
    if (!token || !this.#validAccessTokens.has(token)) {
      throw new ApiError("UnauthorizedException", SESSION_TOKEN_INVALID);
    }
    return token;
  }

  #page<T>(items: T[], listing: string, url: URL): { nextToken?: string; page: T[] } {
    let size = this.options.pageSize;
    const maxResult = url.searchParams.get("max_result");
    if (maxResult !== null) {
      const n = Number(maxResult);
      if (!Number.isInteger(n) || n < 1 || n > 100) {
        throw new ApiError("InvalidRequestException", `Invalid max_result ${maxResult}`);
      }
      size = Math.min(size, n);
    }
    let offset = 0;
    const nextToken = url.searchParams.get("next_token");
    if (nextToken !== null && nextToken !== "") {
      const entry = this.#pageTokens.get(nextToken);
      if (!entry || entry.listing !== listing) {
        throw new ApiError("InvalidRequestException", "Invalid next token");
      }
      offset = entry.offset;
    }
    const page = items.slice(offset, offset + size);
    if (offset + size >= items.length) return { page };
    const token = randomString(24);
    this.#pageTokens.set(token, { listing, offset: offset + size });
    return { nextToken: token, page };
  }

  #getRoleCredentials(req: Request, url: URL): Response {
    const roleName = reqQuery(url, "role_name", "roleName");
    const accountId = reqQuery(url, "account_id", "accountId");
    const bearerToken = this.#bearer(req);
    const account = this.options.accounts.find((a) => a.accountId === accountId);
    if (!account || !account.roles.includes(roleName)) {
      throw new ApiError("ForbiddenException", "No access", 403);
    }
    const n = ++this.#credentialCounter;
    const creds: IssuedCredentials = {
      accountId,
      roleName,
      accessKeyId: `ASIAFAKE${String(n).padStart(12, "0")}`,
      secretAccessKey: `fakeSecret${n}${randomString(24)}`,
      sessionToken: `fakeSessionToken${n}${randomString(96)}`,
      expiration: Date.now() + this.options.credentialLifetimeMs,
      bearerToken,
    };
    this.issuedCredentials.push(creds);
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = creds;
    return this.#json({
      roleCredentials: { accessKeyId, secretAccessKey, sessionToken, expiration },
    });
  }

  #listAccounts(req: Request, url: URL): Response {
    this.#bearer(req);
    const accounts = this.options.accounts.map(({ accountId, accountName, emailAddress }) => ({
      accountId,
      accountName,
      emailAddress,
    }));
    const { nextToken, page } = this.#page(accounts, "accounts", url);
    return this.#json({ ...(nextToken ? { nextToken } : {}), accountList: page });
  }

  #listAccountRoles(req: Request, url: URL): Response {
    const accountId = reqQuery(url, "account_id", "accountId");
    this.#bearer(req);
    const account = this.options.accounts.find((a) => a.accountId === accountId);
    if (!account) throw new ApiError("ForbiddenException", "No access", 403);
    const roles = account.roles.map((roleName) => ({ roleName, accountId }));
    const { nextToken, page } = this.#page(roles, `roles:${accountId}`, url);
    return this.#json({ ...(nextToken ? { nextToken } : {}), roleList: page });
  }

  #logout(req: Request): Response {
    this.#validAccessTokens.delete(this.#bearer(req));
    return new Response(null, {
      status: 200,
      headers: { "x-amzn-RequestId": crypto.randomUUID() },
    });
  }

  // ---------------------------------------------------------------- OIDC API

  #registerClient(body: JsonObject): Response {
    const clientName = reqString(body, "clientName");
    const clientType = reqString(body, "clientType");
    if (clientType !== "public") {
      throw new ApiError("InvalidClientMetadataException", `Invalid clientType ${clientType}`);
    }
    const grantTypes = optStringList(body, "grantTypes");
    const known = ["authorization_code", "refresh_token", DEVICE_CODE_GRANT];
    const bad = grantTypes.find((g) => !known.includes(g));
    if (bad !== undefined) {
      throw new ApiError("InvalidClientMetadataException", `Unsupported grant type ${bad}`);
    }
    const nowSec = Math.floor(Date.now() / 1000);
    const registration: Registration = {
      clientId: `fakeClient${++this.#counter}${randomString(12)}`,
      clientSecret: `fakeSecret${randomString(48)}`,
      clientName,
      clientType,
      scopes: optStringList(body, "scopes"),
      grantTypes,
      redirectUris: optStringList(body, "redirectUris"),
      issuerUrl: optString(body, "issuerUrl"),
      clientIdIssuedAt: nowSec,
      clientSecretExpiresAt: nowSec + this.options.registrationLifetimeSec,
    };
    this.registrations.push(registration);
    return this.#json({
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      clientIdIssuedAt: registration.clientIdIssuedAt,
      clientSecretExpiresAt: registration.clientSecretExpiresAt,
      ...(grantTypes.includes("authorization_code")
        ? { authorizationEndpoint: `${this.url}/authorize`, tokenEndpoint: `${this.url}/token` }
        : {}),
    });
  }

  #client(body: JsonObject): Registration {
    const clientId = reqString(body, "clientId");
    const clientSecret = reqString(body, "clientSecret");
    const registration = this.registrations.find((r) => r.clientId === clientId);
    if (!registration || registration.clientSecret !== clientSecret) {
      throw new ApiError("InvalidClientException", "Invalid client credentials");
    }
    if (registration.clientSecretExpiresAt * 1000 <= Date.now()) {
      throw new ApiError("InvalidClientException", "Client registration has expired");
    }
    return registration;
  }

  #startDeviceAuthorization(body: JsonObject): Response {
    const registration = this.#client(body);
    const startUrl = reqString(body, "startUrl");
    const device: DeviceAuthorization = {
      deviceCode: `fakeDevice${++this.#counter}${randomString(24)}`,
      userCode: randomUserCode(),
      clientId: registration.clientId,
      startUrl,
      expiresAtMs: Date.now() + this.options.deviceExpiresInSec * 1000,
      state: "pending",
      polls: 0,
    };
    this.deviceAuthorizations.push(device);
    return this.#json({
      deviceCode: device.deviceCode,
      userCode: device.userCode,
      verificationUri: `${this.url}/device`,
      verificationUriComplete: `${this.url}/device?user_code=${device.userCode}`,
      expiresIn: this.options.deviceExpiresInSec,
      interval: this.options.deviceInterval,
    });
  }

  async #createToken(body: JsonObject): Promise<Response> {
    const registration = this.#client(body);
    const grantType = reqString(body, "grantType");
    if (![DEVICE_CODE_GRANT, "authorization_code", "refresh_token"].includes(grantType)) {
      throw new ApiError("UnsupportedGrantTypeException", `Unsupported grant type ${grantType}`);
    }
    if (registration.grantTypes.length > 0 && !registration.grantTypes.includes(grantType)) {
      throw new ApiError("UnauthorizedClientException", `Client may not use ${grantType}`);
    }
    const scopedRefresh = registration.scopes.length > 0;
    switch (grantType) {
      case DEVICE_CODE_GRANT: {
        const deviceCode = reqString(body, "deviceCode");
        const device = this.deviceAuthorizations.find((d) => d.deviceCode === deviceCode);
        if (!device || device.clientId !== registration.clientId || device.state === "consumed") {
          throw new ApiError("InvalidGrantException", "Invalid device code provided");
        }
        device.polls++;
        if (Date.now() >= device.expiresAtMs) {
          throw new ApiError("ExpiredTokenException", "Device code has expired");
        }
        if (device.state === "denied") {
          throw new ApiError("AccessDeniedException", "Authorization was denied by the user");
        }
        const auto = this.options.autoApproveDeviceAfterPolls;
        if (device.state === "pending" && auto !== undefined && device.polls > auto) {
          device.state = "approved";
        }
        if (device.state !== "approved") {
          throw new ApiError("AuthorizationPendingException", "Authorization is still pending");
        }
        device.state = "consumed";
        return this.#issueTokens(registration.clientId, scopedRefresh ? "new" : "none");
      }
      case "authorization_code": {
        const codeValue = reqString(body, "code");
        const code = this.authorizationCodes.find((c) => c.code === codeValue);
        if (!code || code.used || code.clientId !== registration.clientId) {
          throw new ApiError("InvalidGrantException", "Invalid authorization code provided");
        }
        if (optString(body, "redirectUri") !== code.redirectUri) {
          throw new ApiError("InvalidGrantException", "Redirect URI mismatch");
        }
        const verifier = optString(body, "codeVerifier") ?? "";
        if ((await pkceChallenge(verifier)) !== code.codeChallenge) {
          throw new ApiError("InvalidGrantException", "Code verifier does not match challenge");
        }
        code.used = true;
        return this.#issueTokens(registration.clientId, scopedRefresh ? "new" : "none");
      }
      default: {
        const refreshToken = reqString(body, "refreshToken");
        const record = this.#refreshTokens.get(refreshToken);
        if (!record || record.revoked || record.clientId !== registration.clientId) {
          throw new ApiError("InvalidGrantException", "Invalid refresh token provided");
        }
        if (this.options.omitRefreshTokenOnRefresh) {
          return this.#issueTokens(registration.clientId, "none");
        }
        if (!this.options.rotateRefreshToken) {
          return this.#issueTokens(registration.clientId, refreshToken);
        }
        record.revoked = true;
        return this.#issueTokens(registration.clientId, "new");
      }
    }
  }

  /** `refresh`: "new" issues a refresh token, "none" omits it, anything else is echoed back. */
  #issueTokens(clientId: string, refresh: string): Response {
    const n = ++this.#counter;
    const accessToken = `fakeAccess${n}${randomString(48)}`;
    this.#accessTokens.push(accessToken);
    this.#validAccessTokens.add(accessToken);
    let refreshToken: string | undefined = refresh === "none" ? undefined : refresh;
    if (refresh === "new") {
      refreshToken = `fakeRefresh${n}${randomString(48)}`;
      this.#refreshTokens.set(refreshToken, { clientId, revoked: false });
    }
    return this.#json({
      accessToken,
      tokenType: "Bearer",
      expiresIn: this.options.accessTokenLifetimeSec,
      ...(refreshToken ? { refreshToken } : {}),
    });
  }

  // ---------------------------------------------------------------- browser pages

  #authorize(url: URL): Response {
    const q = url.searchParams;
    const clientId = reqQuery(url, "client_id", "client_id");
    const redirectUriText = reqQuery(url, "redirect_uri", "redirect_uri");
    const registration = this.registrations.find((r) => r.clientId === clientId);
    if (!registration) throw new ApiError("InvalidClientException", "Unknown client_id");
    let redirectUri: URL;
    try {
      redirectUri = new URL(redirectUriText);
    } catch {
      throw new ApiError("InvalidRedirectUriException", "Malformed redirect_uri");
    }
    const loopback = redirectUri.protocol === "http:" && redirectUri.hostname === "127.0.0.1" &&
      redirectUri.pathname === "/oauth/callback";
    const portless = `${redirectUri.protocol}//${redirectUri.hostname}${redirectUri.pathname}`;
    const registered = registration.redirectUris.length === 0 ||
      registration.redirectUris.some((u) => {
        try {
          const r = new URL(u);
          return `${r.protocol}//${r.hostname}${r.pathname}` === portless;
        } catch {
          return false;
        }
      });
    if (!loopback || !registered) {
      throw new ApiError("InvalidRedirectUriException", `Invalid redirect_uri ${redirectUriText}`);
    }
    const state = q.get("state");
    const redirect = (params: Record<string, string>): Response => {
      const location = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) location.searchParams.set(k, v);
      if (state !== null) location.searchParams.set("state", state);
      return new Response(null, { status: 302, headers: { location: location.href } });
    };
    if (q.get("response_type") !== "code") {
      return redirect({
        error: "unsupported_response_type",
        error_description: "response_type must be code",
      });
    }
    const codeChallenge = q.get("code_challenge");
    if (q.get("code_challenge_method") !== "S256" || !codeChallenge) {
      return redirect({
        error: "invalid_request",
        error_description: "code_challenge with code_challenge_method=S256 is required",
      });
    }
    if (this.options.denyAuthorization) {
      return redirect({ error: "access_denied", error_description: "The user denied access" });
    }
    const code: AuthorizationCode = {
      code: `fakeCode${++this.#counter}${randomString(24)}`,
      clientId,
      redirectUri: redirectUriText,
      codeChallenge,
      scopes: (q.get("scopes") ?? "").split(" ").filter((s) => s !== ""),
      used: false,
    };
    this.authorizationCodes.push(code);
    return redirect({ code: code.code });
  }

  #deviceApprove(url: URL): Response {
    const userCode = reqQuery(url, "user_code", "user_code");
    const device = this.deviceAuthorizations.find((d) => d.userCode === userCode);
    if (!device) throw new ApiError("InvalidRequestException", `Unknown user code ${userCode}`);
    if (Date.now() >= device.expiresAtMs) {
      throw new ApiError("ExpiredTokenException", "Device code has expired");
    }
    if (device.state === "pending") device.state = "approved";
    return new Response(`Request approved for ${userCode}\n`, {
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}

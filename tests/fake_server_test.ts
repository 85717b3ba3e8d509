import {
  DEVICE_CODE_GRANT,
  type FakeAccount,
  FakeIdentityCenter,
  oauthErrorCode,
  OP_NAMES,
  pkceChallenge,
} from "./fake_server.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";

// ---------------------------------------------------------------- helpers

function errorName(e: unknown): string | undefined {
  return e instanceof Error ? e.name : undefined;
}

// ---------------------------------------------------------------- HTTP helpers

/** Every member the fake can send, declared as present for convenience (tests check them). */
interface WireBody {
  message: string;
  __type: string;
  error: string;
  error_description: string;
  roleCredentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expiration: number;
  };
  nextToken: string;
  accountList: { accountId: string; accountName: string; emailAddress: string }[];
  roleList: { roleName: string; accountId: string }[];
  clientId: string;
  clientSecret: string;
  clientIdIssuedAt: number;
  clientSecretExpiresAt: number;
  authorizationEndpoint: string;
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
  accessToken: string;
  tokenType: string;
  refreshToken: string;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: WireBody;
}

async function send(url: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = {};
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json: json as WireBody };
}

function portal(fake: FakeIdentityCenter, path: string, token?: string): Promise<Reply> {
  return send(`${fake.url}${path}`, {
    headers: token === undefined ? {} : { "x-amz-sso_bearer_token": token },
  });
}

function oidc(fake: FakeIdentityCenter, path: string, body: unknown): Promise<Reply> {
  return send(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function assertError(reply: Reply, status: number, errorType: string): void {
  assertEquals(reply.status, status, `status of ${errorType}`);
  assertEquals(reply.headers.get("x-amzn-errortype"), errorType);
  assertEquals(reply.headers.get("content-type"), "application/json");
}

function assertPortalError(reply: Reply, status: number, errorType: string): void {
  assertError(reply, status, errorType);
  assertEquals(typeof reply.json.message, "string");
  assertEquals(reply.json.__type, errorType);
}

function assertOidcError(reply: Reply, status: number, errorType: string): void {
  assertError(reply, status, errorType);
  assertEquals(reply.json.error, oauthErrorCode(errorType));
  assertEquals(typeof reply.json.error_description, "string");
}

const CREDS_PATH = "/federation/credentials?role_name=MyRole&account_id=123456789012";

interface Client {
  clientId: string;
  clientSecret: string;
}

async function register(fake: FakeIdentityCenter, extra: Record<string, unknown> = {}) {
  const reply = await oidc(fake, "/client/register", {
    clientName: "botocore-client-test",
    clientType: "public",
    ...extra,
  });
  assertEquals(reply.status, 200);
  return reply.json;
}

async function startDevice(fake: FakeIdentityCenter, client: Client) {
  const reply = await oidc(fake, "/device_authorization", {
    ...client,
    startUrl: "https://example.awsapps.com/start",
  });
  assertEquals(reply.status, 200);
  return reply.json;
}

function pollDevice(fake: FakeIdentityCenter, client: Client, deviceCode: string) {
  return oidc(fake, "/token", { ...client, grantType: DEVICE_CODE_GRANT, deviceCode });
}

const PKCE_REDIRECT_BASE = "http://127.0.0.1/oauth/callback";

async function authorize(
  fake: FakeIdentityCenter,
  clientId: string,
  redirectUri: string,
  challenge: string,
): Promise<URL> {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    state: "state-123",
    code_challenge_method: "S256",
    scopes: "sso:account:access",
  });
  const res = await fetch(`${fake.url}/authorize?${query}&code_challenge=${challenge}`, {
    redirect: "manual",
  });
  await res.body?.cancel();
  assertEquals(res.status, 302);
  return new URL(res.headers.get("location") ?? "missing:");
}

// ---------------------------------------------------------------- lifecycle

Deno.test("FakeIdentityCenter listens on loopback and releases everything when disposed", async () => {
  let url: string;
  {
    await using fake = await FakeIdentityCenter.start();
    url = fake.url;
    assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(url), url);
    const reply = await portal(fake, CREDS_PATH, "nope");
    assertEquals(reply.status, 401);
    assertEquals(Object.keys(fake.calls), [...OP_NAMES]);
  }
  await assertRejects(() => fetch(url));
});

Deno.test("FakeIdentityCenter answers 404 with a JSON error when the route is unknown", async () => {
  await using fake = await FakeIdentityCenter.start();
  const reply = await send(`${fake.url}/nope`);
  assertPortalError(reply, 404, "UnknownOperationException");
  const wrongMethod = await send(`${fake.url}/federation/credentials`, { method: "POST" });
  assertEquals(wrongMethod.status, 404);
  assertEquals(fake.requests.map((r) => r.op), ["Unknown", "Unknown"]);
});

// ---------------------------------------------------------------- portal API

Deno.test("FakeIdentityCenter returns unique role credentials when the bearer token is valid", async () => {
  await using fake = await FakeIdentityCenter.start({ credentialLifetimeMs: 60_000 });
  fake.addAccessToken("tok");
  const before = Date.now();
  const first = await portal(fake, CREDS_PATH, "tok");
  const second = await portal(fake, CREDS_PATH, "tok");
  assertEquals(first.status, 200);
  assertEquals(first.headers.get("content-type"), "application/json");
  const a = first.json.roleCredentials;
  const b = second.json.roleCredentials;
  assertEquals(Object.keys(a).sort(), [
    "accessKeyId",
    "expiration",
    "secretAccessKey",
    "sessionToken",
  ]);
  assertEquals(a.accessKeyId, "ASIAFAKE000000000001");
  assert(a.accessKeyId !== b.accessKeyId && a.secretAccessKey !== b.secretAccessKey);
  assert(a.sessionToken !== b.sessionToken);
  assert(Number.isInteger(a.expiration));
  assert(a.expiration >= before + 60_000 && a.expiration <= Date.now() + 60_000);
  assertEquals(fake.calls.GetRoleCredentials, 2);
  assertEquals(fake.issuedCredentials.map((c) => c.accessKeyId), [a.accessKeyId, b.accessKeyId]);
  const recorded = fake.requests[0];
  assertEquals(recorded.op, "GetRoleCredentials");
  assertEquals(recorded.method, "GET");
  assertEquals(recorded.path, "/federation/credentials");
  assertEquals(recorded.query, { role_name: "MyRole", account_id: "123456789012" });
  assertEquals(recorded.headers["x-amz-sso_bearer_token"], "tok");
  assertEquals(recorded.body, undefined);
});

Deno.test("FakeIdentityCenter returns 401 UnauthorizedException when the bearer token is unknown or missing", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  for (const token of ["other", undefined]) {
    const reply = await portal(fake, CREDS_PATH, token);
    assertPortalError(reply, 401, "UnauthorizedException");
    assertEquals(reply.json.message, "Session token not found or invalid");
  }
  fake.revokeAccessToken("tok");
  assertPortalError(await portal(fake, CREDS_PATH, "tok"), 401, "UnauthorizedException");
  assertPortalError(
    await portal(fake, "/assignment/accounts", "tok"),
    401,
    "UnauthorizedException",
  );
});

Deno.test("FakeIdentityCenter returns 403 ForbiddenException when the role or account is not assigned", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  const paths = [
    "/federation/credentials?role_name=Other&account_id=123456789012",
    "/federation/credentials?role_name=MyRole&account_id=999999999999",
    "/assignment/roles?account_id=999999999999",
  ];
  for (const path of paths) {
    const reply = await portal(fake, path, "tok");
    assertPortalError(reply, 403, "ForbiddenException");
    assertEquals(reply.json.message, "No access");
  }
});

Deno.test("FakeIdentityCenter returns InvalidRequestException when a required query param is missing", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  for (
    const path of [
      "/federation/credentials?account_id=123456789012",
      "/federation/credentials?role_name=MyRole",
      "/assignment/roles",
      "/assignment/accounts?max_result=0",
      "/assignment/accounts?next_token=bogus",
    ]
  ) {
    assertPortalError(await portal(fake, path, "tok"), 400, "InvalidRequestException");
  }
});

const FIVE_ACCOUNTS: FakeAccount[] = [1, 2, 3, 4, 5].map((i) => ({
  accountId: String(i).repeat(12),
  accountName: `Account ${i}`,
  emailAddress: `a${i}@example.com`,
  roles: ["RoleA", "RoleB", "RoleC", "RoleD", "RoleE"].slice(0, i),
}));

Deno.test("FakeIdentityCenter paginates ListAccounts over 3 pages when max_result is 2", async () => {
  await using fake = await FakeIdentityCenter.start({ accounts: FIVE_ACCOUNTS });
  fake.addAccessToken("tok");
  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const query = new URLSearchParams({ max_result: "2" });
    if (nextToken) query.set("next_token", nextToken);
    const reply = await portal(fake, `/assignment/accounts?${query}`, "tok");
    assertEquals(reply.status, 200);
    pages++;
    for (const account of reply.json.accountList) {
      assertEquals(Object.keys(account).sort(), ["accountId", "accountName", "emailAddress"]);
      seen.push(account.accountId);
    }
    nextToken = reply.json.nextToken;
  } while (nextToken);
  assertEquals(pages, 3);
  assertEquals(seen, FIVE_ACCOUNTS.map((a) => a.accountId));
  assertEquals(fake.calls.ListAccounts, 3);
});

Deno.test("FakeIdentityCenter paginates ListAccounts by the pageSize option when max_result is absent", async () => {
  await using fake = await FakeIdentityCenter.start({ accounts: FIVE_ACCOUNTS, pageSize: 4 });
  fake.addAccessToken("tok");
  const first = await portal(fake, "/assignment/accounts", "tok");
  assertEquals(first.json.accountList.length, 4);
  const second = await portal(
    fake,
    `/assignment/accounts?next_token=${encodeURIComponent(first.json.nextToken)}&max_result=100`,
    "tok",
  );
  assertEquals(second.json.accountList.length, 1);
  assertEquals("nextToken" in second.json, false);
});

Deno.test("FakeIdentityCenter paginates ListAccountRoles and rejects a token from another listing", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.setAccounts(FIVE_ACCOUNTS);
  fake.addAccessToken("tok");
  const base = `/assignment/roles?account_id=${"5".repeat(12)}&max_result=2`;
  const roles: string[] = [];
  let path = base;
  for (let page = 0; page < 3; page++) {
    const reply = await portal(fake, path, "tok");
    assertEquals(reply.status, 200);
    for (const role of reply.json.roleList) {
      assertEquals(role.accountId, "5".repeat(12));
      roles.push(role.roleName);
    }
    path = reply.json.nextToken
      ? `${base}&next_token=${encodeURIComponent(reply.json.nextToken)}`
      : "";
  }
  assertEquals(path, "");
  assertEquals(roles, ["RoleA", "RoleB", "RoleC", "RoleD", "RoleE"]);

  const first = await portal(fake, base, "tok");
  const crossed = await portal(
    fake,
    `/assignment/accounts?next_token=${encodeURIComponent(first.json.nextToken)}`,
    "tok",
  );
  assertPortalError(crossed, 400, "InvalidRequestException");
});

Deno.test("FakeIdentityCenter invalidates the bearer token when Logout is called", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  assertEquals((await portal(fake, CREDS_PATH, "tok")).status, 200);
  const logout = await send(`${fake.url}/logout`, {
    method: "POST",
    headers: { "x-amz-sso_bearer_token": "tok" },
  });
  assertEquals(logout.status, 200);
  assertEquals(logout.text, "");
  assertEquals(fake.isAccessTokenValid("tok"), false);
  assertPortalError(await portal(fake, CREDS_PATH, "tok"), 401, "UnauthorizedException");
  assertEquals(fake.calls.Logout, 1);
});

// ---------------------------------------------------------------- OIDC API

Deno.test("FakeIdentityCenter registers clients and remembers their metadata", async () => {
  await using fake = await FakeIdentityCenter.start({ registrationLifetimeSec: 1000 });
  const before = Math.floor(Date.now() / 1000);
  const reply = await oidc(fake, "/client/register", {
    clientName: "botocore-client-s",
    clientType: "public",
    scopes: ["sso:account:access"],
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: [PKCE_REDIRECT_BASE],
    issuerUrl: "https://example.awsapps.com/start",
  });
  assertEquals(reply.status, 200);
  const { clientId, clientSecret, clientIdIssuedAt, clientSecretExpiresAt } = reply.json;
  assert(typeof clientId === "string" && typeof clientSecret === "string");
  assert(clientIdIssuedAt >= before && clientIdIssuedAt <= Date.now() / 1000);
  assertEquals(clientSecretExpiresAt, clientIdIssuedAt + 1000);
  assertEquals(reply.json.authorizationEndpoint, `${fake.url}/authorize`);
  const [registration] = fake.registrations;
  assertEquals(registration.clientId, clientId);
  assertEquals(registration.scopes, ["sso:account:access"]);
  assertEquals(registration.grantTypes, ["authorization_code", "refresh_token"]);
  assertEquals(registration.redirectUris, [PKCE_REDIRECT_BASE]);
  assertEquals(registration.issuerUrl, "https://example.awsapps.com/start");

  assertOidcError(
    await oidc(fake, "/client/register", { clientType: "public" }),
    400,
    "InvalidRequestException",
  );
  const malformed = await send(`${fake.url}/client/register`, { method: "POST", body: "{" });
  assertOidcError(malformed, 400, "InvalidRequestException");
  assertEquals(fake.requests.at(-1)?.body, "{");
  assertEquals(fake.calls.RegisterClient, 3);
});

Deno.test("FakeIdentityCenter keeps the device flow pending until approveDevice is called", async () => {
  await using fake = await FakeIdentityCenter.start({ deviceInterval: 2, deviceExpiresInSec: 300 });
  const client = await register(fake, { scopes: ["sso:account:access"] });
  const device = await startDevice(fake, client);
  assertEquals(device.verificationUri, `${fake.url}/device`);
  assertEquals(device.verificationUriComplete, `${fake.url}/device?user_code=${device.userCode}`);
  assertEquals(device.expiresIn, 300);
  assertEquals(device.interval, 2);
  assertEquals(fake.deviceAuthorizations[0].startUrl, "https://example.awsapps.com/start");

  const pending = await pollDevice(fake, client, device.deviceCode);
  assertOidcError(pending, 400, "AuthorizationPendingException");
  assertEquals(pending.json.error, "authorization_pending");

  fake.approveDevice(device.userCode);
  const done = await pollDevice(fake, client, device.deviceCode);
  assertEquals(done.status, 200);
  assertEquals(done.json.tokenType, "Bearer");
  assertEquals(done.json.expiresIn, 28_800);
  assertEquals(fake.issuedAccessTokens(), [done.json.accessToken]);
  assertEquals(fake.issuedRefreshTokens(), [done.json.refreshToken]);
  assertEquals((await portal(fake, CREDS_PATH, done.json.accessToken)).status, 200);

  // A device code can be redeemed only once.
  assertOidcError(
    await pollDevice(fake, client, device.deviceCode),
    400,
    "InvalidGrantException",
  );
  assertEquals(fake.deviceAuthorizations[0].polls, 2);
});

Deno.test("FakeIdentityCenter approves a device code when the verification URL is fetched", async () => {
  await using fake = await FakeIdentityCenter.start();
  const client = await register(fake);
  const device = await startDevice(fake, client);
  const page = await send(device.verificationUriComplete);
  assertEquals(page.status, 200);
  assertEquals(fake.calls.DeviceApprove, 1);
  const done = await pollDevice(fake, client, device.deviceCode);
  assertEquals(done.status, 200);
  // No scopes in the registration: no refresh token (as the real service does).
  assertEquals("refreshToken" in done.json, false);
  assertOidcError(
    await send(`${fake.url}/device?user_code=NOPE-NOPE`),
    400,
    "InvalidRequestException",
  );
});

Deno.test("FakeIdentityCenter approves a device code automatically after N polls when configured", async () => {
  await using fake = await FakeIdentityCenter.start({ autoApproveDeviceAfterPolls: 2 });
  const client = await register(fake);
  const device = await startDevice(fake, client);
  assertEquals((await pollDevice(fake, client, device.deviceCode)).status, 400);
  assertEquals((await pollDevice(fake, client, device.deviceCode)).status, 400);
  assertEquals((await pollDevice(fake, client, device.deviceCode)).status, 200);
  assertEquals(fake.calls.CreateToken, 3);
});

Deno.test("FakeIdentityCenter fails device polls with AccessDenied or ExpiredToken when denied or expired", async () => {
  await using fake = await FakeIdentityCenter.start();
  const client = await register(fake);
  const denied = await startDevice(fake, client);
  fake.denyDevice(denied.userCode);
  assertOidcError(
    await pollDevice(fake, client, denied.deviceCode),
    400,
    "AccessDeniedException",
  );

  fake.options.deviceExpiresInSec = 0;
  const expired = await startDevice(fake, client);
  fake.approveDevice(expired.userCode);
  const reply = await pollDevice(fake, client, expired.deviceCode);
  assertOidcError(reply, 400, "ExpiredTokenException");
  assertEquals(reply.json.error, "expired_token");

  let thrown: unknown;
  try {
    fake.approveDevice("XXXX-XXXX");
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof Error);
});

Deno.test("FakeIdentityCenter returns 401 InvalidClientException when the client credentials are wrong", async () => {
  await using fake = await FakeIdentityCenter.start();
  const client = await register(fake);
  const bad = { clientId: client.clientId, clientSecret: "wrong" };
  assertOidcError(
    await oidc(fake, "/device_authorization", { ...bad, startUrl: "https://x.awsapps.com/start" }),
    401,
    "InvalidClientException",
  );
  assertOidcError(
    await oidc(fake, "/token", { ...bad, grantType: "refresh_token", refreshToken: "r" }),
    401,
    "InvalidClientException",
  );
  fake.options.registrationLifetimeSec = -1;
  const expired = await register(fake);
  assertOidcError(
    await oidc(fake, "/token", { ...expired, grantType: "refresh_token", refreshToken: "r" }),
    401,
    "InvalidClientException",
  );
  assertOidcError(
    await oidc(fake, "/token", { ...client, grantType: "password" }),
    400,
    "UnsupportedGrantTypeException",
  );
});

Deno.test("FakeIdentityCenter completes the authorization-code flow when the PKCE verifier matches", async () => {
  await using fake = await FakeIdentityCenter.start();
  const client = await register(fake, {
    scopes: ["sso:account:access"],
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: [PKCE_REDIRECT_BASE],
  });
  const verifier = "v".repeat(20) + "-._~" + "A1".repeat(20);
  const challenge = await pkceChallenge(verifier);
  assertEquals(challenge.length, 43);
  const redirectUri = "http://127.0.0.1:45678/oauth/callback";
  const location = await authorize(fake, client.clientId, redirectUri, challenge);
  assertEquals(`${location.origin}${location.pathname}`, redirectUri);
  assertEquals(location.searchParams.get("state"), "state-123");
  const code = location.searchParams.get("code");
  assert(code);
  assertEquals(fake.authorizationCodes[0].scopes, ["sso:account:access"]);
  assertEquals(fake.calls.Authorize, 1);

  const token = (body: Record<string, unknown>) =>
    oidc(fake, "/token", {
      ...client,
      grantType: "authorization_code",
      code,
      redirectUri,
      ...body,
    });
  assertOidcError(await token({ codeVerifier: "wrong" }), 400, "InvalidGrantException");
  assertOidcError(
    await token({ codeVerifier: verifier, redirectUri: "http://127.0.0.1:1/oauth/callback" }),
    400,
    "InvalidGrantException",
  );
  const ok = await token({ codeVerifier: verifier });
  assertEquals(ok.status, 200);
  assert(ok.json.refreshToken, "scoped registration gets a refresh token");
  assertEquals(fake.isAccessTokenValid(ok.json.accessToken), true);
  assertOidcError(await token({ codeVerifier: verifier }), 400, "InvalidGrantException");
  assertOidcError(
    await pollDevice(fake, client, "x"),
    400,
    "UnauthorizedClientException",
  );
});

Deno.test("FakeIdentityCenter rejects /authorize requests with a bad client or redirect URI", async () => {
  await using fake = await FakeIdentityCenter.start();
  const client = await register(fake, { redirectUris: [PKCE_REDIRECT_BASE] });
  const query = (clientId: string, redirectUri: string) =>
    `${fake.url}/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      state: "s",
      code_challenge_method: "S256",
      code_challenge: "c",
    })}`;
  assertOidcError(
    await send(query("unknown", "http://127.0.0.1:5/oauth/callback"), { redirect: "manual" }),
    401,
    "InvalidClientException",
  );
  for (const bad of ["http://127.0.0.1:5/other", "http://localhost:5/oauth/callback"]) {
    assertOidcError(
      await send(query(client.clientId, bad), { redirect: "manual" }),
      400,
      "InvalidRedirectUriException",
    );
  }
});

Deno.test("FakeIdentityCenter redirects with access_denied when denyAuthorization is set", async () => {
  await using fake = await FakeIdentityCenter.start({ denyAuthorization: true });
  const client = await register(fake);
  const location = await authorize(
    fake,
    client.clientId,
    "http://127.0.0.1:5555/oauth/callback",
    await pkceChallenge("x"),
  );
  assertEquals(location.searchParams.get("error"), "access_denied");
  assertEquals(location.searchParams.get("state"), "state-123");
  assertEquals(location.searchParams.get("code"), null);
  assertEquals(fake.authorizationCodes.length, 0);
});

async function deviceTokens(fake: FakeIdentityCenter) {
  const client = await register(fake, { scopes: ["sso:account:access"] });
  const device = await startDevice(fake, client);
  fake.approveDevice(device.userCode);
  const reply = await pollDevice(fake, client, device.deviceCode);
  assertEquals(reply.status, 200);
  return { client, refreshToken: reply.json.refreshToken };
}

Deno.test("FakeIdentityCenter rotates the refresh token when the refresh grant is used", async () => {
  await using fake = await FakeIdentityCenter.start({ accessTokenLifetimeSec: 900 });
  const { client, refreshToken } = await deviceTokens(fake);
  const refresh = (token: string, c: Client = client) =>
    oidc(fake, "/token", { ...c, grantType: "refresh_token", refreshToken: token });
  const first = await refresh(refreshToken);
  assertEquals(first.status, 200);
  assertEquals(first.json.expiresIn, 900);
  assert(first.json.refreshToken && first.json.refreshToken !== refreshToken);
  assertEquals(fake.isAccessTokenValid(first.json.accessToken), true);
  // The old refresh token is revoked by rotation.
  assertOidcError(await refresh(refreshToken), 400, "InvalidGrantException");
  // A refresh token only works for the client it was issued to.
  const other = await register(fake);
  assertOidcError(await refresh(first.json.refreshToken, other), 400, "InvalidGrantException");
  assertOidcError(await refresh("unknown"), 400, "InvalidGrantException");
  fake.revokeRefreshToken(first.json.refreshToken);
  assertOidcError(await refresh(first.json.refreshToken), 400, "InvalidGrantException");
  assertEquals(fake.issuedRefreshTokens(), [refreshToken, first.json.refreshToken]);
  assertEquals(fake.issuedAccessTokens().length, 2);
});

Deno.test("FakeIdentityCenter echoes or omits the refresh token when rotation is off", async () => {
  await using fake = await FakeIdentityCenter.start({ rotateRefreshToken: false });
  const { client, refreshToken } = await deviceTokens(fake);
  const refresh = () =>
    oidc(fake, "/token", { ...client, grantType: "refresh_token", refreshToken });
  assertEquals((await refresh()).json.refreshToken, refreshToken);
  assertEquals((await refresh()).json.refreshToken, refreshToken);
  fake.options.omitRefreshTokenOnRefresh = true;
  const omitted = await refresh();
  assertEquals(omitted.status, 200);
  assertEquals("refreshToken" in omitted.json, false);
});

// ---------------------------------------------------------------- failure injection

Deno.test("FakeIdentityCenter fails the next N calls when failNext is used", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.failNext("GetRoleCredentials", {
    status: 500,
    errorType: "InternalServerException",
    times: 2,
  });
  fake.failNext("GetRoleCredentials", { errorType: "TooManyRequestsException", message: "slow" });
  assertPortalError(await portal(fake, CREDS_PATH, "tok"), 500, "InternalServerException");
  assertPortalError(await portal(fake, CREDS_PATH, "tok"), 500, "InternalServerException");
  const throttled = await portal(fake, CREDS_PATH, "tok");
  assertPortalError(throttled, 429, "TooManyRequestsException");
  assertEquals(throttled.json.message, "slow");
  assertEquals((await portal(fake, CREDS_PATH, "tok")).status, 200);
  assertEquals(fake.calls.GetRoleCredentials, 4);
  assertEquals(fake.issuedCredentials.length, 1);

  // Injected failures win over authentication.
  fake.failNext("ListAccounts", { status: 401, errorType: "UnauthorizedException" });
  assertPortalError(
    await portal(fake, "/assignment/accounts", "tok"),
    401,
    "UnauthorizedException",
  );

  // OIDC operations get OAuth-style bodies.
  fake.failNext("CreateToken", { errorType: "SlowDownException" });
  const slow = await oidc(fake, "/token", {});
  assertOidcError(slow, 400, "SlowDownException");
  assertEquals(slow.json.error, "slow_down");
  fake.failNext("RegisterClient", { errorType: "InternalServerException" });
  const internal = await oidc(fake, "/client/register", {});
  assertOidcError(internal, 500, "InternalServerException");
});

Deno.test("FakeIdentityCenter fails every call when failAlways is used until clearFailures", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.failAlways("ListAccounts", { status: 429, errorType: "TooManyRequestsException" });
  for (let i = 0; i < 3; i++) {
    assertPortalError(
      await portal(fake, "/assignment/accounts", "tok"),
      429,
      "TooManyRequestsException",
    );
  }
  fake.clearFailures();
  assertEquals((await portal(fake, "/assignment/accounts", "tok")).status, 200);
  assertEquals(fake.calls.ListAccounts, 4);
});

Deno.test("FakeIdentityCenter delays responses of an operation when delay is set", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.delay("GetRoleCredentials", 300);
  let start = performance.now();
  assertEquals((await portal(fake, CREDS_PATH, "tok")).status, 200);
  assert(performance.now() - start >= 290, "delayed");
  start = performance.now();
  assertEquals((await portal(fake, "/assignment/accounts", "tok")).status, 200);
  assert(performance.now() - start < 250, "other operations are not delayed");

  // A client that gives up early sees a timeout; closing the fake does not wait for the delay.
  fake.delay("GetRoleCredentials", 60_000);
  const timedOut = await assertRejects(() =>
    fetch(`${fake.url}${CREDS_PATH}`, {
      headers: { "x-amz-sso_bearer_token": "tok" },
      signal: AbortSignal.timeout(100),
    })
  );
  assertEquals(errorName(timedOut), "TimeoutError");
  fake.delay("GetRoleCredentials", 0);
  assertEquals((await portal(fake, CREDS_PATH, "tok")).status, 200);
});

Deno.test("FakeIdentityCenter closes the connection abruptly when closeConnectionNext is used", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.closeConnectionNext("GetRoleCredentials", 2);
  for (let i = 0; i < 2; i++) {
    const e = await assertRejects(() => portal(fake, CREDS_PATH, "tok"));
    assert(e instanceof TypeError, `network error expected, got ${e}`);
  }
  assertEquals((await portal(fake, CREDS_PATH, "tok")).status, 200);
  assertEquals(fake.calls.GetRoleCredentials, 3);
  assertEquals(fake.issuedCredentials.length, 1);
});

Deno.test("FakeIdentityCenter closes a pending delayed request when the fake is closed", async () => {
  const fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.delay("GetRoleCredentials", 60_000);
  const pending = portal(fake, CREDS_PATH, "tok").then(() => "answered", () => "failed");
  while (fake.calls.GetRoleCredentials === 0) await new Promise((r) => setTimeout(r, 5));
  const start = performance.now();
  await fake.close();
  assert(performance.now() - start < 5_000);
  assertEquals(await pending, "failed");
});

// ---------------------------------------------------------------- AWS SDK wire compatibility

Deno.test({
  name: "FakeIdentityCenter is wire-compatible with the AWS SDK for JavaScript v3",
  async fn() {
    // Pinned inline on purpose: only this test needs the SDK (deno.json has no import map entry).
    const sso = await import("npm:@aws-sdk/client-sso@3.1178.0");
    const ssoOidc = await import("npm:@aws-sdk/client-sso-oidc@3.1178.0");
    await using fake = await FakeIdentityCenter.start({ accounts: FIVE_ACCOUNTS });
    const config = {
      region: "us-east-1",
      endpoint: fake.url,
      maxAttempts: 1,
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    };
    const portalClient = new sso.SSOClient(config);
    const oidcClient = new ssoOidc.SSOOIDCClient(config);
    try {
      // OIDC: RegisterClient, device flow with an injected AuthorizationPending, refresh.
      const reg = await oidcClient.send(
        new ssoOidc.RegisterClientCommand({
          clientName: "sdk-test",
          clientType: "public",
          scopes: ["sso:account:access"],
        }),
      );
      assert(reg.clientId && reg.clientSecret);
      assertEquals(typeof reg.clientSecretExpiresAt, "number");
      const { clientId, clientSecret } = reg;
      const device = await oidcClient.send(
        new ssoOidc.StartDeviceAuthorizationCommand({
          clientId,
          clientSecret,
          startUrl: "https://example.awsapps.com/start",
        }),
      );
      assert(device.deviceCode && device.userCode);
      assertEquals(
        device.verificationUriComplete,
        `${fake.url}/device?user_code=${device.userCode}`,
      );
      const poll = () =>
        oidcClient.send(
          new ssoOidc.CreateTokenCommand({
            clientId,
            clientSecret,
            grantType: DEVICE_CODE_GRANT,
            deviceCode: device.deviceCode,
          }),
        );
      const pending = await assertRejects(poll);
      assertEquals(errorName(pending), "AuthorizationPendingException");
      assert(pending instanceof ssoOidc.AuthorizationPendingException);
      assertEquals(pending.error, "authorization_pending");
      fake.approveDevice(device.userCode);
      fake.failNext("CreateToken", { errorType: "AuthorizationPendingException" });
      assertEquals(errorName(await assertRejects(poll)), "AuthorizationPendingException");
      const tokens = await poll();
      assertEquals(tokens.tokenType, "Bearer");
      assertEquals(tokens.expiresIn, 28_800);
      assert(tokens.accessToken && tokens.refreshToken);
      const refreshed = await oidcClient.send(
        new ssoOidc.CreateTokenCommand({
          clientId,
          clientSecret,
          grantType: "refresh_token",
          refreshToken: tokens.refreshToken,
        }),
      );
      assert(refreshed.accessToken && refreshed.refreshToken);
      assert(refreshed.refreshToken !== tokens.refreshToken);
      const badGrant = await assertRejects(() =>
        oidcClient.send(
          new ssoOidc.CreateTokenCommand({
            clientId,
            clientSecret,
            grantType: "refresh_token",
            refreshToken: tokens.refreshToken,
          }),
        )
      );
      assertEquals(errorName(badGrant), "InvalidGrantException");

      // Portal: GetRoleCredentials, paginated ListAccounts, 401, Logout.
      const accessToken = refreshed.accessToken;
      const creds = await portalClient.send(
        new sso.GetRoleCredentialsCommand({
          accessToken,
          accountId: "555555555555",
          roleName: "RoleE",
        }),
      );
      const rc = creds.roleCredentials;
      assert(rc, "role credentials");
      assert(rc.accessKeyId?.startsWith("ASIAFAKE"));
      assert(rc.secretAccessKey && rc.sessionToken);
      assertEquals(typeof rc.expiration, "number");
      assert(Math.abs((rc.expiration ?? 0) - (Date.now() + 3_600_000)) < 60_000);
      const getCredsRequest = fake.requests.filter((r) => r.op === "GetRoleCredentials")[0];
      assertEquals(getCredsRequest.query, { role_name: "RoleE", account_id: "555555555555" });
      assertEquals(getCredsRequest.headers["x-amz-sso_bearer_token"], accessToken);

      const accountIds: string[] = [];
      for await (
        const page of sso.paginateListAccounts({ client: portalClient, pageSize: 2 }, {
          accessToken,
        })
      ) {
        for (const account of page.accountList ?? []) accountIds.push(account.accountId ?? "");
      }
      assertEquals(accountIds, FIVE_ACCOUNTS.map((a) => a.accountId));
      assertEquals(fake.calls.ListAccounts, 3);

      const roles = await portalClient.send(
        new sso.ListAccountRolesCommand({ accessToken, accountId: "222222222222" }),
      );
      assertEquals(roles.roleList?.map((r) => r.roleName), ["RoleA", "RoleB"]);

      const unauthorized = await assertRejects(() =>
        portalClient.send(
          new sso.GetRoleCredentialsCommand({
            accessToken: "not-a-token",
            accountId: "111111111111",
            roleName: "RoleA",
          }),
        )
      );
      assertEquals(errorName(unauthorized), "UnauthorizedException");
      assert(unauthorized instanceof sso.UnauthorizedException);
      assertEquals(unauthorized.message, "Session token not found or invalid");
      assertEquals(unauthorized.$metadata.httpStatusCode, 401);

      fake.failNext("ListAccountRoles", { errorType: "TooManyRequestsException" });
      const throttled = await assertRejects(() =>
        portalClient.send(new sso.ListAccountRolesCommand({ accessToken, accountId: "1" }))
      );
      assertEquals(errorName(throttled), "TooManyRequestsException");

      await portalClient.send(new sso.LogoutCommand({ accessToken }));
      assertEquals(fake.isAccessTokenValid(accessToken), false);
    } finally {
      portalClient.destroy();
      oidcClient.destroy();
    }
  },
});

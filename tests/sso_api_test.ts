/**
 * src/sso/sso_api.ts against the fake Identity Center: every operation goes on the wire exactly as the
 * AWS SDK for JavaScript v3 sends it (same method, path, query, bearer header and JSON body), and
 * server errors become one sentence with the service's own words.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { FakeIdentityCenter, type RecordedRequest } from "./fake_server.ts";
import { AwsApiError } from "../src/base/errors.ts";
import {
  type ApiContext,
  createToken,
  getRoleCredentials,
  listAccountRolesPage,
  listAccountsPage,
  logout,
  registerClient,
  startDeviceAuthorization,
} from "../src/sso/sso_api.ts";
import { endpointAt, testRuntime } from "./helpers.ts";

const START_URL = "https://example.awsapps.com/start";

const rt = testRuntime({});

function ctx(fake: FakeIdentityCenter, deadlineMs = 20_000): ApiContext {
  return { rt, endpoint: endpointAt(fake.url), deadline: rt.now() + deadlineMs };
}

/** What of a request the wire protocol fixes (not user agents, lengths or invocation ids). */
function wire(request: RecordedRequest) {
  return {
    op: request.op,
    method: request.method,
    path: request.path,
    query: request.query,
    bearer: request.headers["x-amz-sso_bearer_token"],
    contentType: request.headers["content-type"]?.split(";")[0],
    body: request.body,
  };
}

Deno.test("sso_api sends every operation exactly as the AWS SDK for JavaScript v3 does", async () => {
  // Pinned inline on purpose: only the tests load the SDK, as the reference for the wire format.
  const sso = await import("npm:@aws-sdk/client-sso@3.1178.0");
  const oidc = await import("npm:@aws-sdk/client-sso-oidc@3.1178.0");
  await using fake = await FakeIdentityCenter.start({ autoApproveDeviceAfterPolls: 0 });
  fake.addAccessToken("tok");
  const config = {
    region: "us-east-1",
    endpoint: fake.url,
    maxAttempts: 1,
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
  };
  const sdkPortal = new sso.SSOClient(config);
  const sdkOidc = new oidc.SSOOIDCClient(config);
  const registration = {
    clientName: "wire-test",
    scopes: ["sso:account:access"],
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: ["http://127.0.0.1:5000/oauth/callback"],
    issuerUrl: START_URL,
  };
  const device = { clientId: "", clientSecret: "", startUrl: START_URL };
  try {
    const pairs: [() => Promise<unknown>, () => Promise<unknown>][] = [
      [
        () => sdkPortal.send(new sso.ListAccountsCommand({ accessToken: "tok", maxResults: 100 })),
        () => listAccountsPage(ctx(fake), "tok"),
      ],
      [
        () =>
          sdkPortal.send(
            new sso.ListAccountRolesCommand({
              accessToken: "tok",
              accountId: "123456789012",
              maxResults: 100,
            }),
          ),
        () => listAccountRolesPage(ctx(fake), "tok", "123456789012"),
      ],
      [
        () =>
          sdkPortal.send(
            new sso.GetRoleCredentialsCommand({
              accessToken: "tok",
              accountId: "123456789012",
              roleName: "MyRole",
            }),
          ),
        () =>
          getRoleCredentials(ctx(fake), {
            accessToken: "tok",
            accountId: "123456789012",
            roleName: "MyRole",
          }),
      ],
      [
        () =>
          sdkOidc.send(new oidc.RegisterClientCommand({ clientType: "public", ...registration })),
        () => registerClient(ctx(fake), registration),
      ],
    ];
    for (const [viaSdk, viaUs] of pairs) {
      await viaSdk();
      const expected = wire(fake.requests.at(-1)!);
      await viaUs();
      assertEquals(wire(fake.requests.at(-1)!), expected);
    }
    const reg = await registerClient(ctx(fake), { clientName: "wire-test" });
    Object.assign(device, { clientId: reg.clientId, clientSecret: reg.clientSecret });
    await sdkOidc.send(new oidc.StartDeviceAuthorizationCommand(device));
    const sdkDevice = wire(fake.requests.at(-1)!);
    const auth = await startDeviceAuthorization(ctx(fake), device);
    assertEquals(wire(fake.requests.at(-1)!), sdkDevice);
    const tokenInput = {
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "urn:ietf:params:oauth:grant-type:device_code",
      deviceCode: auth.deviceCode,
    };
    await sdkOidc.send(new oidc.CreateTokenCommand(tokenInput)).catch(() => {});
    const sdkToken = wire(fake.requests.at(-1)!);
    await createToken(ctx(fake), tokenInput).catch(() => {});
    assertEquals(wire(fake.requests.at(-1)!), sdkToken);
    await sdkPortal.send(new sso.LogoutCommand({ accessToken: "tok" }));
    const sdkLogout = wire(fake.requests.at(-1)!);
    fake.addAccessToken("tok");
    await logout(ctx(fake), "tok");
    assertEquals(wire(fake.requests.at(-1)!), sdkLogout);
  } finally {
    sdkPortal.destroy();
    sdkOidc.destroy();
  }
});

Deno.test("createToken() keeps the OIDC service's error description in its sentence", async () => {
  await using fake = await FakeIdentityCenter.start();
  const error = await assertRejects(
    () =>
      createToken(ctx(fake), {
        clientId: "unknown",
        clientSecret: "x",
        grantType: "refresh_token",
        refreshToken: "r",
      }),
    AwsApiError,
  );
  assertEquals(error.errorCode, "InvalidClientException");
  assertMatch(error.message, /InvalidClientException \(HTTP 401\): Invalid client credentials\.$/);
});

Deno.test("sso_api names an OAuth error from the body when the error-type header is missing", async () => {
  await using server = serve(() =>
    Response.json({ error: "invalid_grant", error_description: "Refresh token\nexpired" }, {
      status: 400,
    })
  );
  const error = await assertRejects(
    () =>
      createToken(apiAt(server), {
        clientId: "c",
        clientSecret: "s",
        grantType: "refresh_token",
        refreshToken: "r",
      }),
    AwsApiError,
  );
  assertEquals(error.errorCode, "InvalidGrantException");
  assertEquals(
    error.message,
    "CreateToken failed with InvalidGrantException (HTTP 400): Refresh token\\nexpired.",
  );
});

Deno.test("sso_api refuses a response body larger than 4 MiB without buffering it", async () => {
  let sent = 0;
  await using server = serve(() => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > 256 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const error = await assertRejects(
    () => listAccountsPage(apiAt(server), "tok"),
    AwsApiError,
  );
  assertEquals(error.errorCode, "ResponseTooLarge");
  assertMatch(
    error.message,
    /^ListAccounts got a response from 127\.0\.0\.1:\d+ that is too large/,
  );
  assert(sent < 64 * 1024 * 1024, `the server sent ${sent} bytes before the client gave up`);
});

Deno.test("sso_api retries a server error and a dropped connection, then succeeds", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.failNext("ListAccounts", { errorType: "InternalServerException" });
  fake.closeConnectionNext("ListAccounts");
  const page = await listAccountsPage(ctx(fake), "tok");
  assertEquals(page.items.map((a) => a.accountId), ["123456789012"]);
  assertEquals(fake.calls.ListAccounts, 3);
});

Deno.test("sso_api does not retry a client error", async () => {
  await using fake = await FakeIdentityCenter.start();
  const error = await assertRejects(() => listAccountsPage(ctx(fake), "bad-token"), AwsApiError);
  assertEquals(error.errorCode, "UnauthorizedException");
  assertEquals(error.retryable, false);
  assertEquals(fake.calls.ListAccounts, 1);
});

Deno.test("sso_api reports a malformed success response in one sentence", async () => {
  await using server = serve(() => new Response("<html>proxy login</html>", { status: 200 }));
  const error = await assertRejects(() => listAccountsPage(apiAt(server, 2_000), "t"), AwsApiError);
  assertMatch(error.message, /^ListAccounts got a malformed response from 127\.0\.0\.1:\d+\.$/);
});

Deno.test("sso_api names a non-JSON error page by its HTTP status", async () => {
  await using server = serve(() => new Response("<html>Forbidden</html>", { status: 403 }));
  const error = await assertRejects(() => listAccountsPage(apiAt(server), "t"), AwsApiError);
  assertEquals(error.message, "ListAccounts failed with HTTP 403.");
  assertEquals(error.errorCode, "HTTP403");
});

Deno.test("sso_api gives up at the deadline on a server that does not answer", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.addAccessToken("tok");
  fake.delay("ListAccounts", 60_000);
  const started = Date.now();
  const error = await assertRejects(() => listAccountsPage(ctx(fake, 500), "tok"), AwsApiError);
  assertEquals(error.errorCode, "Timeout");
  assert(Date.now() - started < 5_000);
});

/** A loopback server for one test, closed by `await using`. */
function serve(handler: () => Response): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
}

function apiAt(server: Deno.HttpServer<Deno.NetAddr>, deadlineMs = 10_000): ApiContext {
  return {
    rt,
    endpoint: endpointAt(`http://127.0.0.1:${server.addr.port}`),
    deadline: rt.now() + deadlineMs,
  };
}

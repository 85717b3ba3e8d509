/**
 * In-process tests of the login flows (src/login/oidc_login.ts) against the fake Identity Center, with
 * the browser simulated by a function that fetches the URL and follows redirects (like `curl -sL`).
 */
import { assert, assertEquals, assertMatch, assertNotMatch, assertRejects } from "./assert.ts";
import { DEVICE_CODE_GRANT, FakeIdentityCenter, type FakeOptions } from "./fake_server.ts";
import { assertMode, cliToken, START_URL, TempHome, testRuntime } from "./helpers.ts";
import type { Limits } from "../src/base/limits.ts";
import { exitCodeOf, FAILURE_CODES, LoginError } from "../src/base/errors.ts";
import {
  chooseFlow,
  formatLocalTime,
  type LoginOptions,
  loginTokenJson,
  performLogin,
  registrationScopes,
} from "../src/login/oidc_login.ts";
import { SsoSession } from "../src/sso/session.ts";
import { DebugLog } from "../src/base/debug_log.ts";
import type { Runtime } from "../src/base/runtime.ts";
import { registrationFilePath } from "../src/cache/registration_cache.ts";
import { pythonJsonDumps } from "../src/base/python_json.ts";
import { formatAwsTimestamp } from "../src/base/timestamps.ts";
import { tokenFilePath } from "../src/cache/token_cache.ts";
import type { SsoInstance } from "../src/config/settings.ts";
import type { BrowserOpener } from "../src/base/runtime.ts";

const SESSION: SsoInstance = {
  startUrl: START_URL,
  ssoRegion: "us-east-1",
  sessionName: "my-sso",
  scopes: ["sso:account:access"],
};
const LEGACY: SsoInstance = { startUrl: START_URL, ssoRegion: "us-east-1" };
const T0 = Date.parse("2026-03-01T12:00:00Z");

/** Collects what the login prints. */
function capture(isTerminal = false) {
  const chunks: string[] = [];
  return {
    out: { isTerminal, write: (t: string) => Promise.resolve(void chunks.push(t)) },
    get text() {
      return chunks.join("");
    },
  };
}

/** A browser that loads the URL following redirects, as `curl -sL` does; records the URLs. */
function fetchBrowser(opened: string[] = []): BrowserOpener {
  return async (url) => {
    opened.push(url);
    const response = await fetch(url);
    await response.text();
    return true;
  };
}

/** A clock that only moves when slept on. */
function fakeClock(start = T0) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

/** The runtime and login options a test logs in with. */
type TestDeps = Omit<LoginOptions, "useDeviceCode" | "alsoFor"> & { rt: Runtime };

/** Logs in to `request.instance` through a session of its own, as the commands do. */
function login(
  request: { instance: SsoInstance; useDeviceCode?: boolean; alsoFor?: SsoInstance[] },
  { rt, ...options }: TestDeps,
) {
  const { instance, ...rest } = request;
  return performLogin(new SsoSession({ rt, instance, log: new DebugLog(false) }), {
    ...options,
    ...rest,
  });
}

async function setup(options: Partial<FakeOptions> = {}) {
  const home = await TempHome.create();
  const fake = await FakeIdentityCenter.start(options);
  const clock = fakeClock();
  const printed = capture();
  const vars = {
    HOME: home.dir,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
    AWS_ENDPOINT_URL_SSO: fake.url,
  };
  const deps = (
    { limits, ...over }: Partial<TestDeps> & { limits?: Partial<Limits> } = {},
  ): TestDeps => ({
    rt: testRuntime(vars, { now: clock.now, sleep: clock.sleep, limits }),
    out: printed.out,
    ...over,
  });
  return {
    home,
    fake,
    clock,
    printed,
    deps,
    async [Symbol.asyncDispose]() {
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

const bodyOf = (fake: FakeIdentityCenter, op: string, n = 0) =>
  fake.requests.filter((r) => r.op === op)[n]?.body as Record<string, unknown>;

Deno.test("login runs the PKCE flow for an sso-session and writes the token as the AWS CLI does", async () => {
  await using t = await setup();
  const opened: string[] = [];
  const result = await login(
    { instance: SESSION },
    t.deps({ openBrowser: fetchBrowser(opened) }),
  );
  const { fake } = t;
  assertEquals(result.flow, "pkce");
  assertEquals(result.registrationReused, false);
  assertEquals(fake.requests.map((r) => r.op), ["RegisterClient", "Authorize", "CreateToken"]);

  const reg = fake.registrations[0];
  assertEquals(bodyOf(fake, "RegisterClient"), {
    clientName: "aws-sso-util-my-sso",
    clientType: "public",
    scopes: ["sso:account:access"],
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: ["http://127.0.0.1/oauth/callback"],
    issuerUrl: START_URL,
  });

  assertEquals(opened.length, 1);
  const match = opened[0].match(
    new RegExp(
      `^${fake.url}/authorize\\?response_type=code&client_id=${reg.clientId}` +
        `&redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A(\\d+)%2Foauth%2Fcallback` +
        `&state=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}` +
        `&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=[A-Za-z0-9_-]{43}$`,
    ),
  );
  assert(match, `unexpected authorize URL ${opened[0]}`);
  assert(Number(match[1]) > 0);

  const create = bodyOf(fake, "CreateToken");
  assertEquals(create.grantType, "authorization_code");
  assertEquals(create.redirectUri, `http://127.0.0.1:${match[1]}/oauth/callback`);
  assertMatch(create.codeVerifier as string, /^[A-Za-z0-9\-._~]{64}$/);
  assertEquals(create.code, fake.authorizationCodes[0].code);

  const path = await tokenFilePath(t.home.ssoCacheDir, SESSION);
  assertEquals(result.paths, [path]);
  assertEquals(
    await Deno.readTextFile(path),
    pythonJsonDumps({
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: fake.issuedAccessTokens()[0],
      expiresAt: formatAwsTimestamp(T0 + 28_800_000),
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      registrationExpiresAt: formatAwsTimestamp(reg.clientSecretExpiresAt * 1000),
      refreshToken: fake.issuedRefreshTokens()[0],
    }),
  );
  await assertMode(path, 0o600);

  const regPath = await registrationFilePath(t.home.ssoCacheDir, SESSION);
  assertEquals(
    await Deno.readTextFile(regPath),
    pythonJsonDumps({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      expiresAt: formatAwsTimestamp(reg.clientSecretExpiresAt * 1000),
      scopes: ["sso:account:access"],
      grantTypes: ["authorization_code", "refresh_token"],
    }),
  );
  assert(t.printed.text.includes(opened[0]), "the URL is always printed");
  assertMatch(
    t.printed.text,
    /Login succeeded, valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC[+-]\d\d:\d\d\)\n$/,
  );
});

Deno.test("login reuses a cached registration until 15 minutes before it expires and only for its flow", async () => {
  await using t = await setup();
  const browser = fetchBrowser();
  await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  const second = await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  assertEquals(second.registrationReused, true);
  assertEquals(t.fake.calls.RegisterClient, 1);
  assertEquals(bodyOf(t.fake, "CreateToken", 1).clientId, t.fake.registrations[0].clientId);

  // Within 15 minutes of expiry: a new registration.
  const regPath = await registrationFilePath(t.home.ssoCacheDir, SESSION);
  const json = JSON.parse(await Deno.readTextFile(regPath));
  json.expiresAt = formatAwsTimestamp(T0 + 14 * 60_000);
  await Deno.writeTextFile(regPath, JSON.stringify(json));
  const third = await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  assertEquals(third.registrationReused, false);
  assertEquals(t.fake.calls.RegisterClient, 2);

  // A PKCE registration is not used for the device code flow (and vice versa).
  const device = await login(
    { instance: SESSION, useDeviceCode: true },
    t.deps({ openBrowser: browser }),
  );
  assertEquals(device.flow, "device");
  assertEquals(device.registrationReused, false);
  assertEquals(t.fake.calls.RegisterClient, 3);
  assertEquals(bodyOf(t.fake, "RegisterClient", 2), {
    clientName: "aws-sso-util-my-sso",
    clientType: "public",
    scopes: ["sso:account:access"],
  });
  const deviceReg = JSON.parse(await Deno.readTextFile(regPath));
  assertEquals(Object.keys(deviceReg), ["clientId", "clientSecret", "expiresAt", "scopes"]);
  const pkceAgain = await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  assertEquals(pkceAgain.registrationReused, false);
});

Deno.test("login fails with exit 3 when the user denies access in the browser", async () => {
  await using t = await setup({ denyAuthorization: true });
  const error = await assertRejects(
    () => login({ instance: SESSION }, t.deps({ openBrowser: fetchBrowser() })),
    LoginError,
    "Access was denied",
  );
  assertEquals(exitCodeOf(error, FAILURE_CODES.login), 3);
  assertEquals(t.fake.calls.CreateToken, 0);
});

Deno.test("login ignores a callback with the wrong state and completes with the right one", async () => {
  await using t = await setup();
  const statuses: number[] = [];
  const browser: BrowserOpener = async (url) => {
    const redirect = new URL(url).searchParams.get("redirect_uri")!;
    for (
      const probe of [
        `${redirect}?code=forged&state=wrong`,
        redirect.replace("/oauth/callback", "/x"),
      ]
    ) {
      const response = await fetch(probe);
      await response.text();
      statuses.push(response.status);
    }
    return await fetchBrowser()(url);
  };
  const result = await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  assertEquals(statuses, [400, 404]);
  assertEquals(result.flow, "pkce");
  assertEquals(bodyOf(t.fake, "CreateToken").code, t.fake.authorizationCodes[0].code);
});

Deno.test("login fails with exit 2 when the browser never comes back before the wait ends", async () => {
  await using t = await setup();
  const error = await assertRejects(
    () =>
      login(
        { instance: SESSION },
        t.deps({ openBrowser: () => true, limits: { authCodeMs: 200 } }),
      ),
    LoginError,
  );
  assertEquals(exitCodeOf(error, FAILURE_CODES.login), 2);
});

Deno.test("login falls back to the device code flow when the loopback port cannot be bound", async () => {
  await using t = await setup();
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const result = await login(
    { instance: SESSION },
    t.deps({ openBrowser: fetchBrowser(), loopbackPort: busy.addr.port }),
  );
  assertEquals(result.flow, "device");
  assertMatch(t.printed.text, /Cannot listen on 127\.0\.0\.1 .*using the device code flow instead/);
  assertEquals(bodyOf(t.fake, "RegisterClient").grantTypes, undefined);
  assert((await t.home.readToken({ sessionName: "my-sso" })).refreshToken, "scoped: refreshable");
});

Deno.test("login uses the device code flow for a legacy instance and also fills sessions of the same URL", async () => {
  await using t = await setup({ autoApproveDeviceAfterPolls: 1 });
  const other: SsoInstance = { startUrl: START_URL, ssoRegion: "us-east-1", sessionName: "other" };
  const result = await login(
    { instance: LEGACY, alsoFor: [other] },
    t.deps({ openBrowser: undefined }),
  );
  const { fake } = t;
  assertEquals(result.flow, "device");
  assertEquals(fake.requests.map((r) => r.op), [
    "RegisterClient",
    "StartDeviceAuthorization",
    "CreateToken",
    "CreateToken",
  ]);
  assertEquals(bodyOf(fake, "RegisterClient"), {
    clientName: `aws-sso-util-${Math.floor(T0 / 1000)}`,
    clientType: "public",
  });
  const reg = fake.registrations[0];
  assertEquals(bodyOf(fake, "StartDeviceAuthorization"), {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    startUrl: START_URL,
  });
  assertEquals(bodyOf(fake, "CreateToken"), {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    grantType: DEVICE_CODE_GRANT,
    deviceCode: fake.deviceAuthorizations[0].deviceCode,
  });
  const device = fake.deviceAuthorizations[0];
  assert(t.printed.text.includes(`${fake.url}/device?user_code=${device.userCode}`));
  assert(t.printed.text.includes(`code: ${device.userCode}`));
  assertEquals(t.clock.sleeps, [1000]);

  const expected = pythonJsonDumps({
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: fake.issuedAccessTokens()[0],
    expiresAt: formatAwsTimestamp(T0 + 1000 + 28_800_000),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: formatAwsTimestamp(reg.clientSecretExpiresAt * 1000),
  });
  assertEquals(result.paths.length, 2);
  for (const path of result.paths) assertEquals(await Deno.readTextFile(path), expected);
  assertEquals(result.paths[1], await tokenFilePath(t.home.ssoCacheDir, other));
});

Deno.test("login leaves a fresh token of a session sharing the legacy URL alone", async () => {
  await using t = await setup({ autoApproveDeviceAfterPolls: 0 });
  const other: SsoInstance = { startUrl: START_URL, ssoRegion: "us-east-1", sessionName: "other" };
  const keep = cliToken("session-token", 8 * 3_600_000);
  keep.expiresAt = formatAwsTimestamp(T0 + 8 * 3_600_000);
  await t.home.writeToken({ sessionName: "other" }, keep);
  const result = await login({ instance: LEGACY, alsoFor: [other] }, t.deps());
  assertEquals(result.paths.length, 1);
  assertEquals((await t.home.readToken({ sessionName: "other" })).accessToken, "session-token");
});

Deno.test("login shows no prompt when the device authorization is approved at the first attempt", async () => {
  await using t = await setup({ autoApproveDeviceAfterPolls: 0 });
  await login({ instance: LEGACY }, t.deps());
  assertEquals(t.fake.calls.CreateToken, 1);
  assertNotMatch(t.printed.text, /user_code/);
  assertMatch(t.printed.text, /^Login succeeded/);
});

Deno.test("login slows polling down by 5 seconds when asked to", async () => {
  await using t = await setup({ autoApproveDeviceAfterPolls: 1 });
  t.fake.failNext("CreateToken", { errorType: "SlowDownException" });
  await login({ instance: LEGACY }, t.deps());
  assertEquals(t.clock.sleeps, [6000, 6000]);
  assertEquals(t.fake.calls.CreateToken, 3);
});

Deno.test("login polls at the service's interval, but never more often than devicePollMinMs", async () => {
  for (
    const [interval, floor, expected] of [[0, undefined, 1000], [2, undefined, 2000], [0, 30, 30]]
  ) {
    await using t = await setup({ autoApproveDeviceAfterPolls: 2, deviceInterval: interval });
    const limits = floor === undefined ? {} : { devicePollMinMs: floor };
    await login({ instance: LEGACY }, t.deps({ limits }));
    assertEquals(t.clock.sleeps, [expected, expected], `interval ${interval}, floor ${floor}`);
  }
});

Deno.test("login gives up with exit 2 when the device authorization's lifetime is over", async () => {
  await using t = await setup({ deviceExpiresInSec: 10, deviceInterval: 3 });
  const error = await assertRejects(
    () => login({ instance: LEGACY }, t.deps()),
    LoginError,
    "The device authorization expired",
  );
  assertEquals(exitCodeOf(error, FAILURE_CODES.login), 2);
  assertEquals(t.clock.sleeps, [3000, 3000, 3000, 1000]);
  assertEquals(t.fake.calls.CreateToken, 5);
});

Deno.test("login maps ExpiredTokenException to exit 2 and a denied device to exit 3", async () => {
  await using t = await setup();
  t.fake.failNext("CreateToken", { errorType: "ExpiredTokenException" });
  await assertRejects(() => login({ instance: LEGACY }, t.deps()), LoginError);

  const deny: BrowserOpener = (url) => {
    t.fake.denyDevice(new URL(url).searchParams.get("user_code")!);
    return true;
  };
  const denied = await assertRejects(
    () => login({ instance: LEGACY }, t.deps({ openBrowser: deny })),
    LoginError,
  );
  assertEquals(exitCodeOf(denied, FAILURE_CODES.login), 3);
});

Deno.test("login draws a spinner only when the output is a terminal", async () => {
  for (const isTerminal of [true, false]) {
    await using t = await setup({ autoApproveDeviceAfterPolls: 1 });
    const printed = capture(isTerminal);
    await login({ instance: LEGACY }, t.deps({ out: printed.out }));
    if (isTerminal) {
      assertMatch(printed.text, /\r\| Waiting for the authorization \(\d+:\d\d left\) /);
      assert(printed.text.includes("\r\x1b[K"), "the spinner line is cleared");
    } else {
      assertNotMatch(printed.text, /\r/);
    }
  }
});

Deno.test("login helpers choose the flow and scopes and build the token exactly as specified", () => {
  assertEquals(chooseFlow(SESSION, { browser: true }), "pkce");
  assertEquals(chooseFlow(SESSION, { browser: false }), "device");
  assertEquals(chooseFlow(SESSION, { browser: true, useDeviceCode: true }), "device");
  assertEquals(chooseFlow(LEGACY, { browser: true }), "device");
  assertEquals(registrationScopes(LEGACY), undefined);
  assertEquals(registrationScopes({ ...SESSION, scopes: undefined }), ["sso:account:access"]);
  assertEquals(registrationScopes({ ...SESSION, scopes: ["a", "b"] }), ["a", "b"]);
  assertEquals(
    Object.keys(loginTokenJson(LEGACY, { accessToken: "a", expiresIn: 60 }, {
      clientId: "c",
      clientSecret: "s",
      expiresAt: 0,
      expiresAtText: "2026-01-01T00:00:00Z",
    }, T0)),
    [
      "startUrl",
      "region",
      "accessToken",
      "expiresAt",
      "clientId",
      "clientSecret",
      "registrationExpiresAt",
    ],
  );
  assertEquals(formatLocalTime(T0, 60), "2026-03-01 13:00:00 (UTC+01:00)");
  assertEquals(formatLocalTime(T0, -330), "2026-03-01 06:30:00 (UTC-05:30)");
});

Deno.test("login registers again when the service forgot the cached device registration", async () => {
  await using t = await setup({ autoApproveDeviceAfterPolls: 0 });
  const regPath = await registrationFilePath(t.home.ssoCacheDir, SESSION);
  await Deno.mkdir(t.home.ssoCacheDir, { recursive: true });
  await Deno.writeTextFile(
    regPath,
    pythonJsonDumps({
      clientId: "forgotten-client",
      clientSecret: "forgotten-secret",
      expiresAt: formatAwsTimestamp(T0 + 30 * 86_400_000),
      scopes: ["sso:account:access"],
    }),
  );
  const result = await login({ instance: SESSION, useDeviceCode: true }, t.deps());
  assertEquals(result.registrationReused, false);
  assertEquals(t.fake.requests.map((r) => r.op), [
    "StartDeviceAuthorization",
    "RegisterClient",
    "StartDeviceAuthorization",
    "CreateToken",
  ]);
  assertEquals(bodyOf(t.fake, "StartDeviceAuthorization").clientId, "forgotten-client");
  const fresh = t.fake.registrations[0];
  assertEquals(JSON.parse(await Deno.readTextFile(regPath)).clientId, fresh.clientId);
  assertEquals((await t.home.readToken({ sessionName: "my-sso" })).clientId, fresh.clientId);
});

Deno.test("login registers again once when CreateToken rejects the cached PKCE client", async () => {
  await using t = await setup();
  const opened: string[] = [];
  const browser = fetchBrowser(opened);
  await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  t.fake.failNext("CreateToken", { errorType: "InvalidClientException" });
  const again = await login({ instance: SESSION }, t.deps({ openBrowser: browser }));
  assertEquals(again.registrationReused, false);
  assertEquals(t.fake.calls.RegisterClient, 2);
  assertEquals(opened.length, 3);
  const regPath = await registrationFilePath(t.home.ssoCacheDir, SESSION);
  assertEquals(
    JSON.parse(await Deno.readTextFile(regPath)).clientId,
    t.fake.registrations[1].clientId,
  );
  assertEquals(
    (await t.home.readToken({ sessionName: "my-sso" })).accessToken,
    t.fake.issuedAccessTokens().at(-1),
  );

  // A second rejection in a row is reported, not retried forever.
  t.fake.failAlways("CreateToken", { errorType: "InvalidClientException" });
  const failed = await assertRejects(() =>
    login({ instance: SESSION }, t.deps({ openBrowser: browser }))
  );
  assertMatch((failed as Error).message, /InvalidClientException/);
  assertEquals(t.fake.calls.RegisterClient, 3);
});

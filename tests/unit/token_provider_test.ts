/**
 * Module tests of the token provider (src/sso/token_provider.ts) against a fake HTTP transport
 * on a virtual clock: refreshes within the refresh budget, the fallback to a still-valid token,
 * outages, definitive rejections, concurrent callers and logout during a refresh. Nothing waits
 * in real time: a service that does not answer only moves the clock.
 */
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { awsError, FAKE_URL, fakeSession, refreshed, SESSION_INSTANCE } from "../fake_http.ts";
import {
  AwsApiError,
  exitCodeOf,
  FAILURE_CODES,
  LoginRequiredError,
} from "../../src/base/errors.ts";
import { LIMITS } from "../../src/base/limits.ts";
import { formatAwsTimestamp } from "../../src/base/timestamps.ts";
import { getUsableToken } from "../../src/sso/token_provider.ts";
import { registrationFilePath } from "../../src/cache/registration_cache.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LOGIN_SENTENCE =
  "Login required. Use `aws-sso-util login --profile dev` or `aws sso login --profile dev` and try again.";

/** A session on a fake transport, its token file, and requests with the real time limit. */
async function setup() {
  const t = await fakeSession();
  return {
    ...t,
    path: t.tokenPath,
    readToken: async () => JSON.parse(await Deno.readTextFile(t.tokenPath)),
    request: (extra: { rejectedAccessToken?: string } = {}) => ({
      deadline: t.fake.clock.now() + LIMITS.credentialProcessMs,
      ...extra,
    }),
  };
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("getUsableToken() returns a fresh token without calling SSO OIDC", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  const token = await getUsableToken(t.session, t.request());
  assertEquals(token.accessToken, "at-old");
  assertEquals(t.fake.calls, []);
});

Deno.test("getUsableToken() asks for a login when there is no token file", async () => {
  await using t = await setup();
  const error = await assertRejects(
    () => getUsableToken(t.session, t.request()),
    LoginRequiredError,
  );
  assertEquals(error.message, LOGIN_SENTENCE);
  assertEquals(t.fake.calls, []);
});

Deno.test("getUsableToken() refreshes a token in its refresh window and stores the new one", async () => {
  await using t = await setup();
  await t.writeToken(10 * MINUTE);
  t.fake.next("CreateToken", refreshed());
  const started = t.fake.clock.now();
  const token = await getUsableToken(t.session, t.request());
  assertEquals(token.accessToken, "at-new");
  assertEquals(t.fake.callsOf("CreateToken").map((c) => c.body), [{
    clientId: "cid",
    clientSecret: "csecret",
    refreshToken: "rt-old",
    grantType: "refresh_token",
  }]);
  const stored = await t.readToken();
  assertEquals(stored.accessToken, "at-new");
  assertEquals(stored.refreshToken, "rt-new");
  assertEquals(stored.expiresAt, formatAwsTimestamp(started + 8 * HOUR));
  assertEquals(stored.clientId, "cid");
});

Deno.test("getUsableToken() takes a slow refresh that still ends within the refresh budget", async () => {
  await using t = await setup();
  await t.writeToken(10 * MINUTE);
  t.fake.next("CreateToken", refreshed(LIMITS.refreshBudgetMs - 100));
  const token = await getUsableToken(t.session, t.request());
  assertEquals(token.accessToken, "at-new");
  assertEquals((await t.readToken()).accessToken, "at-new");
});

Deno.test("getUsableToken() uses the still-valid token when SSO OIDC does not answer within the refresh budget", async () => {
  await using t = await setup();
  await t.writeToken(10 * MINUTE);
  t.fake.always("CreateToken", "hang");
  const started = t.fake.clock.now();
  const token = await getUsableToken(t.session, t.request());
  assertEquals(token.accessToken, "at-old");
  // Given up exactly at the budget, leaving the rest of the time limit to GetRoleCredentials.
  assertEquals(t.fake.clock.now() - started, LIMITS.refreshBudgetMs);
  assertEquals(t.fake.callsOf("CreateToken").length, 1);
  assertEquals((await t.readToken()).refreshToken, "rt-old", "the session is kept");
  assert(t.log.lines.some((l) => l.endsWith("using the current token, which is still valid")));
});

Deno.test("getUsableToken() reports an SSO OIDC outage when the token has expired and SSO OIDC does not answer by the deadline", async () => {
  await using t = await setup();
  await t.writeToken(-MINUTE);
  t.fake.always("CreateToken", "hang");
  const request = t.request();
  const error = await assertRejects(() => getUsableToken(t.session, request), AwsApiError);
  assertEquals(
    error.message,
    `Could not refresh the SSO token: the SSO OIDC service at ${FAKE_URL} did not answer in time; try again later.`,
  );
  assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), 4);
  // Attempts of requestTimeoutMs each, the last one cut at the deadline.
  assertEquals(t.fake.clock.now(), request.deadline);
  assertEquals(t.fake.callsOf("CreateToken").length, 3);
  assertEquals((await t.readToken()).refreshToken, "rt-old");
});

Deno.test("getUsableToken() reports an outage when SSO OIDC fails with 5xx and the token has expired", async () => {
  await using t = await setup();
  await t.writeToken(-MINUTE);
  t.fake.always("CreateToken", awsError(503, "ServiceUnavailableException", "down"));
  const error = await assertRejects(() => getUsableToken(t.session, t.request()), AwsApiError);
  assertEquals(
    error.message,
    `Could not refresh the SSO token: the SSO OIDC service at ${FAKE_URL} failed with ServiceUnavailableException; try again later.`,
  );
  // botocore's legacy mode: 5 attempts.
  assertEquals(t.fake.callsOf("CreateToken").length, 5);
});

Deno.test("getUsableToken() drops the refresh token and asks for a login when an expired token's refresh is rejected", async () => {
  await using t = await setup();
  await t.writeToken(-MINUTE);
  t.fake.next("CreateToken", awsError(400, "InvalidGrantException", "Refresh token expired"));
  const error = await assertRejects(
    () => getUsableToken(t.session, t.request()),
    LoginRequiredError,
  );
  assertEquals(error.message, LOGIN_SENTENCE);
  assertEquals(t.fake.callsOf("CreateToken").length, 1, "a rejection is not retried");
  const stored = await t.readToken();
  assertEquals(stored.accessToken, "at-old");
  assertEquals(
    ["refreshToken", "clientId", "clientSecret", "registrationExpiresAt"].filter((k) =>
      k in stored
    ),
    [],
  );
});

Deno.test("getUsableToken() keeps using a still-valid token when its refresh is rejected", async () => {
  await using t = await setup();
  await t.writeToken(10 * MINUTE);
  t.fake.next("CreateToken", awsError(400, "InvalidGrantException"));
  const token = await getUsableToken(t.session, t.request());
  assertEquals(token.accessToken, "at-old");
  assertEquals((await t.readToken()).refreshToken, undefined);
  // With the refresh token gone, the next call neither refreshes nor asks for a login.
  assertEquals((await getUsableToken(t.session, t.request())).accessToken, "at-old");
  assertEquals(t.fake.callsOf("CreateToken").length, 1);
});

Deno.test("getUsableToken() forgets the cached client registration when SSO OIDC no longer knows the client", async () => {
  await using t = await setup();
  await t.writeToken(-MINUTE);
  const registration = await registrationFilePath(t.home.ssoCacheDir, SESSION_INSTANCE);
  const other = `${t.home.ssoCacheDir}/other-registration.json`;
  const body = { clientId: "cid", clientSecret: "csecret", expiresAt: "2099-01-01T00:00:00Z" };
  await Deno.writeTextFile(registration, JSON.stringify(body));
  await Deno.writeTextFile(other, JSON.stringify({ ...body, clientId: "someone-else" }));
  t.fake.next("CreateToken", awsError(400, "InvalidClientException"));
  await assertRejects(() => getUsableToken(t.session, t.request()), LoginRequiredError);
  assert(!await exists(registration), "the rejected registration was kept");
  assert(await exists(other));
});

Deno.test("getUsableToken() refreshes once for concurrent callers, who all get the new token", async () => {
  await using t = await setup();
  await t.writeToken(10 * MINUTE);
  t.fake.next("CreateToken", refreshed(1_000));
  const tokens = await Promise.all(
    [1, 2, 3].map(() => getUsableToken(t.session, t.request())),
  );
  assertEquals(tokens.map((x) => x.accessToken), ["at-new", "at-new", "at-new"]);
  assertEquals(t.fake.callsOf("CreateToken").length, 1);
  assertEquals(
    t.log.lines.filter((l) => l.endsWith("token was refreshed by another process")).length,
    2,
  );
});

Deno.test("getUsableToken() refreshes a fresh token the service rejected", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  t.fake.next("CreateToken", refreshed());
  const token = await getUsableToken(t.session, t.request({ rejectedAccessToken: "at-old" }));
  assertEquals(token.accessToken, "at-new");
  assertEquals((await t.readToken()).accessToken, "at-new");
});

Deno.test("getUsableToken() marks a rejected token expired when it cannot be refreshed", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR, { refreshToken: undefined });
  const error = await assertRejects(
    () => getUsableToken(t.session, t.request({ rejectedAccessToken: "at-old" })),
    LoginRequiredError,
  );
  assertEquals(error.message, LOGIN_SENTENCE);
  assertEquals(t.fake.calls, []);
  // `login` then logs in again instead of answering "Already logged in".
  assertEquals((await t.readToken()).expiresAt, formatAwsTimestamp(t.fake.clock.now()));
});

Deno.test("getUsableToken() does not store a refreshed token when logout removed the file meanwhile", async () => {
  await using t = await setup();
  await t.writeToken(10 * MINUTE);
  t.fake.next("CreateToken", async () => {
    await Deno.remove(t.path); // `logout` runs while CreateToken is on the wire
    return refreshed();
  });
  const error = await assertRejects(
    () => getUsableToken(t.session, t.request()),
    LoginRequiredError,
  );
  assertEquals(error.message, LOGIN_SENTENCE);
  assert(!await exists(t.path), "the refresh brought the token back");
});

/**
 * Module tests of one AWS call (src/net/aws_json_call.ts) against a fake HTTP transport on a
 * virtual clock: attempts and backoff of each retry mode, the time limit of one attempt, the
 * caller's deadline, final failures and the headers of every attempt. The real limits apply;
 * nothing waits in real time.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { awsError, FAKE_URL, FakeHttp, ok, reset } from "../fake_http.ts";
import { endpointAt } from "../helpers.ts";
import { AwsApiError } from "../../src/base/errors.ts";
import { LIMITS } from "../../src/base/limits.ts";
import { type ApiContext, callAwsJson } from "../../src/net/aws_json_call.ts";
import { NetworkFailure } from "../../src/net/http_client.ts";

const REQUEST = {
  operation: "GetRoleCredentials",
  method: "GET" as const,
  path: "/federation/credentials",
  query: { role_name: "MyRole", account_id: "123456789012" },
  headers: { "x-amz-sso_bearer_token": "at" },
};

/** A call's context on `fake`, with the AWS settings `env` (retry mode…) and a deadline. */
function context(
  fake: FakeHttp,
  env: Record<string, string> = {},
  deadlineMs = LIMITS.credentialProcessMs,
): ApiContext {
  return {
    rt: fake.runtime(env),
    endpoint: endpointAt(FAKE_URL, env),
    deadline: fake.clock.now() + deadlineMs,
  };
}

/** When each call of the fake was made, from the first. */
const times = (fake: FakeHttp) => fake.calls.map((c) => c.at - fake.calls[0].at);

Deno.test("callAwsJson() returns the JSON object of a 2xx answer after one attempt", async () => {
  const fake = new FakeHttp().next("GetRoleCredentials", ok({ roleCredentials: { a: 1 } }));
  assertEquals(await callAwsJson(context(fake), REQUEST), { roleCredentials: { a: 1 } });
  const [call] = fake.calls;
  assertEquals(
    call.request.url,
    `${FAKE_URL}/federation/credentials?role_name=MyRole&account_id=123456789012`,
  );
  assertEquals(call.request.headers["amz-sdk-request"], "attempt=1; max=5");
  assertMatch(call.request.headers["amz-sdk-invocation-id"], /^[0-9a-f-]{36}$/);
  assertEquals(call.request.headers["x-amz-sso_bearer_token"], "at");
});

Deno.test("callAwsJson() retries a 5xx with botocore's legacy backoff and returns the answer that follows", async () => {
  const fake = new FakeHttp()
    .next("GetRoleCredentials", awsError(503, "ServiceUnavailableException"))
    .next("GetRoleCredentials", { status: 500 })
    .next("GetRoleCredentials", ok({ done: true }));
  assertEquals(await callAwsJson(context(fake), REQUEST), { done: true });
  const [first, second, third] = times(fake);
  assertEquals(first, 0);
  // rand × 2^(n−1) seconds before retry n.
  assert(second <= LIMITS.legacyRetryBaseMs, `first retry after ${second} ms`);
  assert(third - second <= 2 * LIMITS.legacyRetryBaseMs, `second retry after ${third - second}`);
  assertEquals(
    fake.calls.map((c) => c.request.headers["amz-sdk-request"]),
    ["attempt=1; max=5", "attempt=2; max=5", "attempt=3; max=5"],
  );
  const ids = new Set(fake.calls.map((c) => c.request.headers["amz-sdk-invocation-id"]));
  assertEquals(ids.size, 1, "one invocation id for every attempt");
});

Deno.test("callAwsJson() makes 5 attempts in legacy mode, then throws the last error", async () => {
  const fake = new FakeHttp().always("GetRoleCredentials", { status: 500 });
  const error = await assertRejects(() => callAwsJson(context(fake), REQUEST), AwsApiError);
  assertEquals(error.message, "GetRoleCredentials failed with HTTP 500.");
  assertEquals(error.errorCode, "HTTP500");
  assertEquals(fake.calls.length, 5);
});

Deno.test("callAwsJson() makes max_attempts attempts with standard-mode backoff when AWS_RETRY_MODE is standard", async () => {
  const fake = new FakeHttp().always(
    "GetRoleCredentials",
    awsError(429, "TooManyRequestsException", "Rate exceeded"),
  );
  const env = { AWS_RETRY_MODE: "standard", AWS_MAX_ATTEMPTS: "4" };
  const error = await assertRejects(() => callAwsJson(context(fake, env), REQUEST), AwsApiError);
  assertEquals(
    error.message,
    "GetRoleCredentials failed with TooManyRequestsException (HTTP 429): Rate exceeded.",
  );
  assertEquals(fake.calls.length, 4);
  // Throttling: rand × min(2^(n−1) × 1 s, 20 s) before retry n.
  const gaps = times(fake).slice(1).map((t, i, all) => t - (i === 0 ? 0 : all[i - 1]));
  gaps.forEach((gap, i) => {
    assert(gap <= LIMITS.throttlingRetryBaseMs * 2 ** i, `retry ${i + 1} after ${gap} ms`);
  });
});

Deno.test("callAwsJson() does not retry a client error", async () => {
  const fake = new FakeHttp().always(
    "GetRoleCredentials",
    awsError(403, "ForbiddenException", "No access"),
  );
  const error = await assertRejects(() => callAwsJson(context(fake), REQUEST), AwsApiError);
  assertEquals(
    error.message,
    "GetRoleCredentials failed with ForbiddenException (HTTP 403): No access.",
  );
  assertEquals(error.retryable, false);
  assertEquals(fake.calls.length, 1);
});

Deno.test("callAwsJson() abandons an attempt after requestTimeoutMs and tries again", async () => {
  const fake = new FakeHttp()
    .next("GetRoleCredentials", "hang")
    .next("GetRoleCredentials", ok({ done: true }));
  assertEquals(await callAwsJson(context(fake), REQUEST), { done: true });
  const [, second] = times(fake);
  assert(
    second >= LIMITS.requestTimeoutMs &&
      second <= LIMITS.requestTimeoutMs + LIMITS.legacyRetryBaseMs,
    `second attempt at ${second} ms`,
  );
});

Deno.test("callAwsJson() gives up at the caller's deadline, its last attempt cut short", async () => {
  const fake = new FakeHttp().always("GetRoleCredentials", "hang");
  const ctx = context(fake, {}, 25_000);
  const error = await assertRejects(() => callAwsJson(ctx, REQUEST), AwsApiError);
  assertEquals(
    error.message,
    `GetRoleCredentials did not succeed before the time limit (endpoint ${FAKE_URL}); check your network and try again.`,
  );
  assertEquals(error.errorCode, "Timeout");
  // Attempts at 0 s, 10–11 s and 20–23 s; the third is abandoned at the deadline itself.
  assertEquals(fake.calls.length, 3);
  assertEquals(fake.clock.now(), ctx.deadline);
});

Deno.test("callAwsJson() makes no attempt whose backoff would end past the deadline", async () => {
  // A retry hint of 3 s (standard mode waits for it) against 2 s left.
  const fake = new FakeHttp().always("GetRoleCredentials", {
    status: 503,
    headers: { "x-amzn-errortype": "ServiceUnavailableException", "x-amz-retry-after": "3000" },
  });
  const started = fake.clock.now();
  const ctx = context(fake, { AWS_RETRY_MODE: "standard" }, 2_000);
  const error = await assertRejects(() => callAwsJson(ctx, REQUEST), AwsApiError);
  assertEquals(error.errorCode, "ServiceUnavailableException");
  assertEquals(fake.calls.length, 1);
  assertEquals(fake.clock.now(), started, "no sleep that cannot end in time");
});

Deno.test("callAwsJson() retries a reset connection and names the endpoint when it keeps failing", async () => {
  const fake = new FakeHttp().next("GetRoleCredentials", reset()).next(
    "GetRoleCredentials",
    ok({}),
  );
  assertEquals(await callAwsJson(context(fake), REQUEST), {});
  assertEquals(fake.calls.length, 2);

  const down = new FakeHttp().always("GetRoleCredentials", reset());
  const error = await assertRejects(() => callAwsJson(context(down), REQUEST), AwsApiError);
  assertEquals(
    error.message,
    `GetRoleCredentials could not reach ${FAKE_URL} (connection reset by peer); check your network and try again.`,
  );
  assertEquals(down.calls.length, 5);
});

Deno.test("callAwsJson() takes an untrusted certificate as final", async () => {
  const fake = new FakeHttp().always(
    "GetRoleCredentials",
    new NetworkFailure("certificate", "UnknownIssuer", "portal.sso.us-east-1.amazonaws.com"),
  );
  const error = await assertRejects(() => callAwsJson(context(fake), REQUEST), AwsApiError);
  assertEquals(error.errorCode, "CertificateError");
  assertMatch(error.message, /its TLS certificate is not trusted \(UnknownIssuer\)/);
  assertEquals(fake.calls.length, 1);
});

Deno.test("callAwsJson() names a 2xx answer that is not a JSON object InvalidResponse", async () => {
  const fake = new FakeHttp().always("GetRoleCredentials", { body: "<html>proxy</html>" });
  const error = await assertRejects(() => callAwsJson(context(fake), REQUEST), AwsApiError);
  assertEquals(error.message, "GetRoleCredentials got a malformed response from fake.invalid.");
  assertEquals(error.errorCode, "InvalidResponse");
  assertEquals(fake.calls.length, 1);
});

Deno.test("callAwsJson() sends a POST's JSON body without undefined fields", async () => {
  const fake = new FakeHttp().next("CreateToken", ok({ accessToken: "at" }));
  const ctx = { ...context(fake), endpoint: endpointAt(FAKE_URL, {}, "sso-oidc") };
  await callAwsJson(ctx, {
    operation: "CreateToken",
    method: "POST",
    path: "/token",
    json: { clientId: "cid", scope: undefined, grantType: "refresh_token" },
  });
  const [call] = fake.calls;
  assertEquals(call.request.body, '{"clientId":"cid","grantType":"refresh_token"}');
  assertEquals(call.request.headers["content-type"], "application/json");
});

/**
 * The loopback container-credentials endpoint, read by real SDK clients: botocore's
 * ContainerProvider (when python3 with botocore is installed) and the AWS SDK for JavaScript
 * v3's HTTP credential provider; wrong or missing tokens get 401 and no credentials.
 */
import { fromHttp } from "npm:@aws-sdk/credential-provider-http@3.972.86";
import type { RoleCredentials } from "../src/cache/credential_cache.ts";
import { CredentialEndpoint, randomEndpointToken } from "../src/net/credential_endpoint.ts";
import { LoginRequiredError } from "../src/base/errors.ts";
import { assert, assertEquals, assertMatch, assertNotEquals } from "./assert.ts";
import { pythonExecutable, pythonHas } from "./script_helpers.ts";

const MINUTE = 60_000;

/** A credential source that hands out a new key each call, valid `validMs` from `now()`. */
function source(now: () => number, validMs = 60 * MINUTE) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    getCredentials: (): Promise<RoleCredentials> => {
      calls++;
      return Promise.resolve({
        accessKeyId: `ASIAKEY${calls}`,
        secretAccessKey: `secret/${calls}+x`,
        sessionToken: `token-${calls}==`,
        expiration: Math.floor((now() + validMs) / 1000) * 1000,
        accountId: "012345678912",
      });
    },
  };
}

Deno.test("randomEndpointToken() gives 256-bit base64url tokens that differ", () => {
  const a = randomEndpointToken();
  assertMatch(a, /^[A-Za-z0-9_-]{43}$/);
  assertNotEquals(a, randomEndpointToken());
});

Deno.test("the endpoint answers 401 without credentials to a missing or wrong token", async () => {
  const creds = source(Date.now);
  await using endpoint = CredentialEndpoint.start({
    getCredentials: creds.getCredentials,
    now: Date.now,
    refreshAheadMs: 20 * MINUTE,
  });
  assertMatch(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
  const tries: (Record<string, string>)[] = [
    {},
    { authorization: "" },
    { authorization: endpoint.token.slice(0, -1) },
    { authorization: `${endpoint.token}x` },
    { authorization: `Bearer ${endpoint.token}` },
  ];
  for (const headers of tries) {
    const response = await fetch(endpoint.url, { headers });
    const body = await response.text();
    assertEquals(response.status, 401, JSON.stringify(headers));
    assertEquals(body.includes("ASIA"), false);
  }
  const wrongPath = await fetch(endpoint.url.replace("/credentials", "/other"), {
    headers: { authorization: endpoint.token },
  });
  assertEquals(wrongPath.status, 404);
  await wrongPath.body?.cancel();
  assertEquals(creds.calls, 0, "no credentials were fetched for refused requests");
  const ok = await fetch(endpoint.url, { headers: { authorization: endpoint.token } });
  assertEquals(ok.status, 200);
  const body = await ok.json();
  assertEquals(Object.keys(body), [
    "AccessKeyId",
    "SecretAccessKey",
    "Token",
    "Expiration",
    "AccountId",
  ]);
  assertEquals(body.AccessKeyId, "ASIAKEY1");
});

Deno.test("the endpoint listens on 127.0.0.1 only", async () => {
  await using endpoint = CredentialEndpoint.start({
    getCredentials: source(Date.now).getCredentials,
    now: Date.now,
    refreshAheadMs: 0,
  });
  const other = await Deno.connect({ hostname: "127.0.0.2", port: endpoint.port }).then(
    (c) => (c.close(), "connected"),
    (e) => e.name,
  );
  assertEquals(other, "ConnectionRefused");
});

Deno.test("the endpoint keeps credentials until refreshAheadMs before expiry, then fetches once", async () => {
  let clock = Date.UTC(2026, 0, 1);
  const now = () => clock;
  const creds = source(now);
  await using endpoint = CredentialEndpoint.start({
    getCredentials: creds.getCredentials,
    now,
    refreshAheadMs: 20 * MINUTE,
  });
  const get = async () =>
    (await (await fetch(endpoint.url, { headers: { authorization: endpoint.token } })).json())
      .AccessKeyId;
  assertEquals(await Promise.all([get(), get(), get()]), ["ASIAKEY1", "ASIAKEY1", "ASIAKEY1"]);
  clock += 39 * MINUTE;
  assertEquals(await get(), "ASIAKEY1");
  clock += 2 * MINUTE; // 19 minutes left
  assertEquals(await Promise.all([get(), get()]), ["ASIAKEY2", "ASIAKEY2"]);
  assertEquals(creds.calls, 2);
});

Deno.test("a failed fetch is a 500 with the one-sentence reason, and the next request tries again", async () => {
  let fail = true;
  const said: string[] = [];
  const creds = source(Date.now);
  await using endpoint = CredentialEndpoint.start({
    getCredentials: () =>
      fail
        ? Promise.reject(new LoginRequiredError("The SSO session has expired; log in again."))
        : creds.getCredentials(),
    now: Date.now,
    refreshAheadMs: 20 * MINUTE,
    onError: (m) => said.push(m),
  });
  const first = await fetch(endpoint.url, { headers: { authorization: endpoint.token } });
  assertEquals(first.status, 500);
  assertEquals((await first.json()).message, "The SSO session has expired; log in again.");
  assertEquals(said, ["The SSO session has expired; log in again."]);
  fail = false;
  const second = await fetch(endpoint.url, { headers: { authorization: endpoint.token } });
  assertEquals(second.status, 200);
  assertEquals((await second.json()).AccessKeyId, "ASIAKEY1");
});

Deno.test("the AWS SDK for JavaScript's HTTP credential provider reads the endpoint", async () => {
  const creds = source(Date.now);
  await using endpoint = CredentialEndpoint.start({
    getCredentials: creds.getCredentials,
    now: Date.now,
    refreshAheadMs: 20 * MINUTE,
  });
  const provider = fromHttp({
    awsContainerCredentialsFullUri: endpoint.url,
    awsContainerAuthorizationToken: endpoint.token,
    maxRetries: 0,
  });
  const got = await provider();
  assertEquals(got.accessKeyId, "ASIAKEY1");
  assertEquals(got.secretAccessKey, "secret/1+x");
  assertEquals(got.sessionToken, "token-1==");
  assert(got.expiration instanceof Date && got.expiration.getTime() > Date.now());
  const refused = fromHttp({
    awsContainerCredentialsFullUri: endpoint.url,
    awsContainerAuthorizationToken: "wrong",
    maxRetries: 0,
  });
  const error = await refused().then(() => undefined, (e: Error) => e);
  assert(error !== undefined, "a wrong token must not give credentials");
});

const hasBotocore = await pythonHas("botocore.credentials");

/** Loads credentials with botocore's ContainerProvider from `url` and `token`. */
async function botocoreLoad(url: string, token: string) {
  const script = [
    "import json, sys",
    "from botocore.credentials import ContainerProvider",
    "try:",
    "    c = ContainerProvider().load().get_frozen_credentials()",
    "    print(json.dumps({'key': c.access_key, 'secret': c.secret_key, 'token': c.token}))",
    "except Exception as e:",
    "    print(json.dumps({'error': type(e).__name__, 'message': str(e)}))",
  ].join("\n");
  const out = await new Deno.Command((await pythonExecutable())!, {
    args: ["-c", script],
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      AWS_METADATA_SERVICE_NUM_ATTEMPTS: "1",
    },
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name: "botocore's ContainerProvider reads the endpoint, and is refused with a wrong token",
  ignore: !hasBotocore,
  fn: async () => {
    const creds = source(Date.now);
    await using endpoint = CredentialEndpoint.start({
      getCredentials: creds.getCredentials,
      now: Date.now,
      refreshAheadMs: 20 * MINUTE,
    });
    assertEquals(await botocoreLoad(endpoint.url, endpoint.token), {
      key: "ASIAKEY1",
      secret: "secret/1+x",
      token: "token-1==",
    });
    const refused = await botocoreLoad(endpoint.url, "not-the-token");
    assertEquals(refused.error, "CredentialRetrievalError");
    assertMatch(refused.message, /401/);
  },
});

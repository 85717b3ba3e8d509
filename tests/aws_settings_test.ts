/**
 * The AWS settings of docs/settings.md through the CLI: retry settings change the attempts every
 * command makes, and an invalid value of any of them is one sentence naming the setting and
 * where it came from, exit 2, before any network call, for every command that calls AWS.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { cliToken, LEGACY_PROFILE, runCli, TempHome } from "./helpers.ts";

const HOUR = 3_600_000;

/** Invalid values, as an environment variable or a profile key, and what the sentence names. */
const BAD: { env?: Record<string, string>; key?: string; says: RegExp }[] = [
  {
    key: "use_fips_endpoint = maybe",
    says: /^use_fips_endpoint = maybe in profile legacy is not valid: set it to true or false\.$/,
  },
  {
    env: { AWS_USE_DUALSTACK_ENDPOINT: "yes" },
    says: /^AWS_USE_DUALSTACK_ENDPOINT=yes is not valid: set it to true or false\.$/,
  },
  {
    env: { AWS_MAX_ATTEMPTS: "0" },
    says: /^AWS_MAX_ATTEMPTS=0 is not valid: set it to a whole number of attempts, 1 or more\.$/,
  },
  { env: { AWS_MAX_ATTEMPTS: "-1" }, says: /^AWS_MAX_ATTEMPTS=-1 is not valid/ },
  { env: { AWS_MAX_ATTEMPTS: "abc" }, says: /^AWS_MAX_ATTEMPTS=abc is not valid/ },
  { env: { AWS_MAX_ATTEMPTS: "1e9" }, says: /^AWS_MAX_ATTEMPTS=1e9 is not valid/ },
  { key: "max_attempts = 2.5", says: /^max_attempts = 2\.5 in profile legacy is not valid/ },
  {
    env: { AWS_RETRY_MODE: "aggressive" },
    says: /^AWS_RETRY_MODE=aggressive is not valid: set it to legacy, standard or adaptive\.$/,
  },
  { key: "retry_mode = fast", says: /^retry_mode = fast in profile legacy is not valid/ },
  {
    env: { AWS_STS_REGIONAL_ENDPOINTS: "global" },
    says: /^AWS_STS_REGIONAL_ENDPOINTS=global is not valid/,
  },
];

/** The commands that call AWS with a profile's settings. */
const COMMANDS: string[][] = [
  ["credential-process", "--profile", "legacy"],
  ["export", "--profile", "legacy"],
  ["roles", "--profile", "legacy"],
  ["login", "--profile", "legacy"],
  ["logout", "--profile", "legacy"],
  ["check", "--check-profile", "legacy"],
];

async function setUp(fake: FakeIdentityCenter, extraKey?: string): Promise<TempHome> {
  const home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE + (extraKey ? `${extraKey}\n` : ""));
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  return home;
}

Deno.test("every command refuses an invalid AWS setting in one sentence naming it, exit 2, with no network call", async () => {
  await using fake = await FakeIdentityCenter.start();
  for (const bad of BAD) {
    await using home = await setUp(fake, bad.key);
    for (const args of COMMANDS) {
      const label = `${args[0]} with ${bad.key ?? JSON.stringify(bad.env)}`;
      const before = fake.requests.length;
      const r = await runCli(args, { home, endpoint: fake.url, env: bad.env });
      assertEquals(r.code, 2, `${label}: ${r.stderr}`);
      assertMatch(r.stderr.trimEnd(), bad.says, label);
      assertEquals(r.stderr.split("\n").length, 2, `${label}: one line`);
      assertEquals(fake.requests.length, before, `${label}: no network call`);
    }
    // logout refused before it deleted anything.
    assertEquals((await home.readToken({})).accessToken, "at-legacy");
  }
});

Deno.test("credential-process refuses an invalid setting even when its credentials are cached", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const first = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(first.code, 0, first.stderr);
  const calls = fake.requests.length;
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    env: { AWS_USE_FIPS_ENDPOINT: "maybe" },
  });
  assertEquals(r.code, 2);
  assertEquals(r.stderr, "AWS_USE_FIPS_ENDPOINT=maybe is not valid: set it to true or false.\n");
  assertEquals(fake.requests.length, calls);
});

Deno.test("AWS_MAX_ATTEMPTS, max_attempts and AWS_RETRY_MODE set how often a failing call is tried", async () => {
  await using fake = await FakeIdentityCenter.start();
  fake.failAlways("GetRoleCredentials", { errorType: "InternalServerException" });
  const cases: { env?: Record<string, string>; key?: string; attempts: number }[] = [
    { attempts: 5 }, // botocore's legacy mode, the default
    { env: { AWS_MAX_ATTEMPTS: "2" }, attempts: 2 },
    { key: "max_attempts = 3", attempts: 3 },
    { env: { AWS_MAX_ATTEMPTS: "1" }, key: "max_attempts = 4", attempts: 1 },
    { env: { AWS_RETRY_MODE: "standard" }, attempts: 3 },
    { key: "retry_mode = adaptive", attempts: 3 },
    { env: { AWS_RETRY_MODE: "standard", AWS_MAX_ATTEMPTS: "4" }, attempts: 4 },
  ];
  for (const c of cases) {
    await using home = await setUp(fake, c.key);
    const before = fake.calls.GetRoleCredentials;
    const r = await runCli(["credential-process", "--profile", "legacy"], {
      home,
      endpoint: fake.url,
      env: c.env,
    });
    const label = `${c.key ?? ""} ${JSON.stringify(c.env ?? {})}`;
    assertEquals(r.code, 4, `${label}: ${r.stderr}`);
    assertEquals(fake.calls.GetRoleCredentials - before, c.attempts, label);
  }
});

Deno.test("a call's attempts carry amz-sdk-request with the configured maximum and one invocation id", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake, "max_attempts = 3");
  fake.failNext("GetRoleCredentials", { errorType: "InternalServerException", times: 2 });
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    env: { AWS_SDK_UA_APP_ID: "terraform-ci" },
  });
  assertEquals(r.code, 0, r.stderr);
  const calls = fake.requests.filter((q) => q.op === "GetRoleCredentials");
  assertEquals(calls.map((q) => q.headers["amz-sdk-request"]), [
    "attempt=1; max=3",
    "attempt=2; max=3",
    "attempt=3; max=3",
  ]);
  assertEquals(new Set(calls.map((q) => q.headers["amz-sdk-invocation-id"])).size, 1);
  assertMatch(
    calls[0].headers["user-agent"],
    /^aws-sso-util-deno\/\S+ ua\/2\.1 .* app\/terraform-ci$/,
  );
});

Deno.test("an endpoint URL's password never appears in a could-not-reach sentence", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  // A port nobody listens on: the connection is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    env: {
      AWS_ENDPOINT_URL_SSO: `http://alice:s3cr3t-pw@127.0.0.1:${port}`,
      AWS_MAX_ATTEMPTS: "1",
    },
  });
  assertEquals(r.code, 4);
  assertMatch(
    r.stderr,
    /^GetRoleCredentials could not reach http:\/\/<credentials removed>@127\.0\.0\.1:\d+ \(/,
  );
  assertEquals(r.stderr.includes("s3cr3t"), false);
});

Deno.test("a host outside --allow-net is refused in one sentence, before any DNS lookup and without retries", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const started = performance.now();
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    // A name that would take a DNS lookup (and fail) if the tool tried it.
    env: { AWS_ENDPOINT_URL_SSO: "https://sso.corp.invalid" },
    subprocess: true,
  });
  assertEquals(r.code, 4);
  assertEquals(
    r.stderr,
    "GetRoleCredentials may not connect to sso.corp.invalid: it is not in the network permissions (--allow-net) this tool runs with, which cover the AWS partitions' hosts and loopback; use an endpoint under an AWS domain, or add the host to --allow-net of your deno run line.\n",
  );
  assert(performance.now() - started < 20_000);
});

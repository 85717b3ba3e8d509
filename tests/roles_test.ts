/**
 * Tests of `aws-sso-util roles`: end to end through `runCli` against the fake Identity Center, the
 * listing in-process against the fake (request rate), and the limiter with a virtual clock.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { type FakeAccount, FakeIdentityCenter } from "./fake_server.ts";
import {
  captureSink,
  cliToken,
  LEGACY_PROFILE,
  runCli,
  SESSION_PROFILE,
  START_URL,
  TempHome,
  testRuntime,
} from "./helpers.ts";
import {
  createRolesLimiter,
  isThrottling,
  listAvailableRoles,
  runRoles,
} from "../src/commands/roles.ts";
import { LIMITS } from "../src/base/limits.ts";
import { backoffDelay, RateLimiter, RequestLimiter, Semaphore } from "../src/sso/concurrency.ts";
import { AwsApiError, exitCodeOf, FAILURE_CODES } from "../src/base/errors.ts";
import { SsoSession } from "../src/sso/session.ts";
import { Listing } from "../src/sso/account_listing.ts";
import { DebugLog } from "../src/base/debug_log.ts";
import { systemRuntime } from "../src/system_runtime.ts";
import { VirtualClock } from "./virtual_clock.ts";

const HOUR = 3_600_000;

const ACCOUNTS: FakeAccount[] = [
  {
    accountId: "111111111111",
    accountName: "Dev",
    emailAddress: "d@x",
    roles: ["Admin", "ReadOnly", "Deploy"],
  },
  {
    accountId: "222222222222",
    accountName: "Prod",
    emailAddress: "p@x",
    roles: ["ReadOnly", "Admin", "Billing"],
  },
  {
    accountId: "333333333333",
    accountName: "Sandbox",
    emailAddress: "s@x",
    roles: ["Admin", "Developer", "ReadOnly"],
  },
  {
    accountId: "444444444444",
    accountName: "Audit",
    emailAddress: "a@x",
    roles: ["Auditor", "ReadOnly", "SecurityAdmin"],
  },
  {
    accountId: "123456789012",
    accountName: "Main",
    emailAddress: "m@x",
    roles: ["MyRole", "Admin", "ReadOnly"],
  },
];

/** A fake with 5 accounts of 3 roles, pages of 2, and a home logged in to it (legacy profile). */
async function setup(config = LEGACY_PROFILE, tokenRef: { sessionName?: string } = {}) {
  const fake = await FakeIdentityCenter.start({ pageSize: 2, accounts: ACCOUNTS });
  const home = await TempHome.create();
  await home.writeConfig(config);
  fake.addAccessToken("at-roles");
  await home.writeToken(tokenRef, cliToken("at-roles", 8 * HOUR));
  const roles = (args: string[], env?: Record<string, string>) =>
    runCli(["roles", ...args], { home, endpoint: fake.url, env });
  return {
    fake,
    home,
    roles,
    async [Symbol.asyncDispose]() {
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

const DEFAULT_TABLE = `Account name Account ID   Role name
Audit        444444444444 Auditor
Audit        444444444444 ReadOnly
Audit        444444444444 SecurityAdmin
Dev          111111111111 Admin
Dev          111111111111 Deploy
Dev          111111111111 ReadOnly
Main         123456789012 Admin
Main         123456789012 MyRole
Main         123456789012 ReadOnly
Prod         222222222222 Admin
Prod         222222222222 Billing
Prod         222222222222 ReadOnly
Sandbox      333333333333 Admin
Sandbox      333333333333 Developer
Sandbox      333333333333 ReadOnly
`;

Deno.test("roles lists every account and role across pages, aligned and sorted by name", async () => {
  await using t = await setup();
  const r = await t.roles([]);
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(r.stdout, DEFAULT_TABLE);
  // 5 accounts in pages of 2 → 3 pages; 3 roles per account in pages of 2 → 2 pages each.
  assertEquals(t.fake.calls.ListAccounts, 3);
  assertEquals(t.fake.calls.ListAccountRoles, 10);
  const portal = t.fake.requests.filter((q) =>
    q.op === "ListAccounts" || q.op === "ListAccountRoles"
  );
  assert(portal.every((q) => q.headers["x-amz-sso_bearer_token"] === "at-roles"));
  assertEquals(
    new Set(portal.filter((q) => q.op === "ListAccountRoles").map((q) => q.query.account_id)),
    new Set(ACCOUNTS.map((a) => a.accountId)),
  );
});

Deno.test("roles with --separator and --no-header prints rows in ListAccounts order", async () => {
  await using t = await setup();
  const r = await t.roles(["--separator", ",", "--no-header"]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "Dev,111111111111,Admin",
      "Dev,111111111111,ReadOnly",
      "Dev,111111111111,Deploy",
      "Prod,222222222222,ReadOnly",
      "Prod,222222222222,Admin",
      "Prod,222222222222,Billing",
      "Sandbox,333333333333,Admin",
      "Sandbox,333333333333,Developer",
      "Sandbox,333333333333,ReadOnly",
      "Audit,444444444444,Auditor",
      "Audit,444444444444,ReadOnly",
      "Audit,444444444444,SecurityAdmin",
      "Main,123456789012,MyRole",
      "Main,123456789012,Admin",
      "Main,123456789012,ReadOnly",
      "",
    ].join("\n"),
  );
});

Deno.test("roles with --sort-by id,role and --sep orders columns id, name, role", async () => {
  await using t = await setup();
  const r = await t.roles([
    "--sort-by",
    "id,role",
    "--sep",
    ";",
    "-a",
    "1",
    "-r",
    "^(Admin|MyRole)$",
  ]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    "Account ID;Account name;Role name\n" +
      "111111111111;Dev;Admin\n" +
      "123456789012;Main;Admin\n" +
      "123456789012;Main;MyRole\n",
  );
});

Deno.test("roles with --sort-by role,name aligns role, name, id columns", async () => {
  await using t = await setup();
  const r = await t.roles(["--sort-by", "role,name", "-r", "Admin"]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    "Role name     Account name Account ID\n" +
      "Admin         Dev          111111111111\n" +
      "Admin         Main         123456789012\n" +
      "Admin         Prod         222222222222\n" +
      "Admin         Sandbox      333333333333\n" +
      "SecurityAdmin Audit        444444444444\n",
  );
});

Deno.test("roles with --output json prints an array of accountId, accountName, roleName", async () => {
  await using t = await setup();
  const r = await t.roles(["--output", "json", "-a", "Prod", "-r", "^Read"]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    '[\n  {\n    "accountId": "222222222222",\n    "accountName": "Prod",\n    "roleName": "ReadOnly"\n  }\n]\n',
  );
  const all = await t.roles(["-o", "json"]);
  const parsed = JSON.parse(all.stdout) as Record<string, string>[];
  assertEquals(parsed.length, 15);
  assertEquals(parsed[0], { accountId: "444444444444", accountName: "Audit", roleName: "Auditor" });
});

Deno.test("roles filters accounts by id, prefix, suffix and name regex before listing their roles", async () => {
  await using t = await setup();
  const ids = async (args: string[]) => {
    const before = t.fake.calls.ListAccountRoles;
    const r = await t.roles(["--sep", " ", "--no-header", "--sort-by", "id,role", ...args]);
    assertEquals(r.code, 0, r.stderr);
    return {
      ids: [...new Set(r.stdout.trim().split("\n").map((l) => l.split(" ")[0]))],
      roleCalls: t.fake.calls.ListAccountRoles - before,
    };
  };
  assertEquals(await ids(["-a", "111111111111"]), { ids: ["111111111111"], roleCalls: 2 });
  assertEquals(await ids(["-a", "2222", "--account-id", "9012"]), {
    ids: ["123456789012", "222222222222"],
    roleCalls: 4,
  });
  assertEquals(await ids(["-a", "^Sand|^Aud"]), {
    ids: ["333333333333", "444444444444"],
    roleCalls: 4,
  });
  assertEquals(await ids(["--account", "Main"]), { ids: ["123456789012"], roleCalls: 2 });
  assertEquals(await ids(["-a", "999"]), { ids: [""], roleCalls: 0 });
});

Deno.test("roles filters roles by any of several regexes", async () => {
  await using t = await setup();
  const r = await t.roles([
    "-r",
    "^Read",
    "-r",
    "Admin$",
    "--sep",
    ",",
    "--sort-by",
    "name,role",
    "--no-header",
  ]);
  assertEquals(r.code, 0);
  assertEquals(
    r.stdout,
    [
      "Audit,444444444444,ReadOnly",
      "Audit,444444444444,SecurityAdmin",
      "Dev,111111111111,Admin",
      "Dev,111111111111,ReadOnly",
      "Main,123456789012,Admin",
      "Main,123456789012,ReadOnly",
      "Prod,222222222222,Admin",
      "Prod,222222222222,ReadOnly",
      "Sandbox,333333333333,Admin",
      "Sandbox,333333333333,ReadOnly",
      "",
    ].join("\n"),
  );
});

Deno.test("roles still succeeds when ListAccountRoles is throttled a few times", async () => {
  await using t = await setup();
  t.fake.failNext("ListAccountRoles", { errorType: "TooManyRequestsException", times: 3 });
  const r = await t.roles([]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, DEFAULT_TABLE);
  assertEquals(t.fake.calls.ListAccountRoles, 13);
});

Deno.test("roles retries a throttled call that outlasts the SDK's own retries", async () => {
  await using t = await setup();
  // One account → one call at a time: its first 6 attempts fail, more than the SDK's 5.
  t.fake.failNext("ListAccountRoles", { errorType: "TooManyRequestsException", times: 6 });
  // In-process with small backoff bases, so that the SDK-style retries take no real seconds.
  const stdout = captureSink();
  const stderr = captureSink();
  const rt = testRuntime(
    { HOME: t.home.dir, AWS_ENDPOINT_URL_SSO: t.fake.url, AWS_ENDPOINT_URL_SSO_OIDC: t.fake.url },
    { stdout, stderr, limits: { retryBaseMs: 1, throttlingRetryBaseMs: 1 } },
  );
  // `-a 111111111111 --sep , --no-header --verbose`
  await runRoles(
    { accountId: ["111111111111"], separator: ",", header: false, verbose: true },
    rt,
  );
  assertEquals(
    stdout.text,
    "Dev,111111111111,Admin\nDev,111111111111,ReadOnly\nDev,111111111111,Deploy\n",
  );
  assertMatch(stderr.text, /throttled \(TooManyRequestsException\); retry 1 in \d+ms/);
  assertEquals(t.fake.calls.ListAccountRoles, 8);
});

Deno.test("roles reports login required naming aws-sso-util login when no token is cached", async () => {
  await using t = await setup();
  await Deno.remove(t.home.ssoCacheDir, { recursive: true });
  const r = await t.roles([]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    `Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.\n`,
  );
  const byProfile = await t.roles(["--profile", "legacy"]);
  assertEquals(byProfile.code, 1);
  assertEquals(
    byProfile.stderr,
    "Login required. Use `aws-sso-util login --profile legacy` or `aws sso login --profile legacy` and try again.\n",
  );
  assertEquals(t.fake.calls.ListAccounts, 0);
});

Deno.test("roles reports login required when the service rejects the token", async () => {
  await using t = await setup();
  t.fake.revokeAccessToken("at-roles");
  const r = await t.roles(["-u", "example"]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    `The SSO token was rejected as unauthorized. Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.\n`,
  );
});

Deno.test("roles exits 4 with one sentence when an AWS call fails", async () => {
  await using t = await setup();
  t.fake.failAlways("ListAccountRoles", { errorType: "ForbiddenException", message: "No access" });
  const r = await t.roles([]);
  assertEquals(r.code, 4);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    "ListAccountRoles failed with ForbiddenException (HTTP 403): No access.\n",
  );
});

Deno.test("roles exits 2 on a bad flag value without calling AWS", async () => {
  await using t = await setup();
  const sort = await t.roles(["--sort-by", "name,id"]);
  assertEquals(sort.code, 2);
  assertEquals(
    sort.stderr,
    "The --sort-by value name,id is not valid: use one of id,role, name,role, role,id, role,name.\n",
  );
  const regex = await t.roles(["-r", "("]);
  assertEquals(regex.code, 2);
  assertEquals(regex.stderr, "The --role-name value ( is not a valid regular expression.\n");
  const output = await t.roles(["--output", "xml"]);
  assertEquals(output.code, 2);
  assertMatch(output.stderr, /xml/);
  assertEquals(t.fake.calls.ListAccounts, 0);
});

Deno.test("roles exits 1 when no SSO instance can be found, and takes one from the env", async () => {
  await using t = await setup("");
  const r = await t.roles([]);
  assertEquals(r.code, 1);
  assertEquals(r.stdout, "");
  assertMatch(
    r.stderr,
    /^No SSO instance found in .*: set one up with `aws-sso-util configure profile NAME`/,
  );
  const fromEnv = await t.roles(["-a", "Dev", "--sep", ","], {
    AWS_DEFAULT_SSO_START_URL: START_URL,
    AWS_DEFAULT_SSO_REGION: "us-east-1",
  });
  assertEquals(fromEnv.code, 0, fromEnv.stderr);
  assertEquals(
    fromEnv.stdout,
    "Account name,Account ID,Role name\nDev,111111111111,Admin\nDev,111111111111,ReadOnly\n" +
      "Dev,111111111111,Deploy\n",
  );
});

Deno.test("roles with a separator prints nothing on stdout when the first call fails", async () => {
  await using t = await setup();
  t.fake.failAlways("ListAccounts", { errorType: "ForbiddenException", message: "No access" });
  const r = await t.roles(["--sep", ","]);
  assertEquals(r.code, 4);
  assertEquals(r.stdout, "");
  assertEquals(r.stderr, "ListAccounts failed with ForbiddenException (HTTP 403): No access.\n");
  t.fake.clearFailures();
  const none = await t.roles(["--sep", ",", "-a", "nothing"]);
  assertEquals(none.code, 0);
  assertEquals(none.stdout, "Account name,Account ID,Role name\n");
});

Deno.test("roles uses the sso-session of --profile", async () => {
  await using t = await setup(SESSION_PROFILE, { sessionName: "my-sso" });
  const r = await t.roles(["--profile", "dev", "-a", "Main", "--no-header"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout,
    "Main 123456789012 Admin\nMain 123456789012 MyRole\nMain 123456789012 ReadOnly\n",
  );
});

// ------------------------------------------------------------------ in-process: request rate

Deno.test("roles listing keeps under 20 requests in any second", async () => {
  const accounts = Array.from({ length: 36 }, (_, i) => ({
    accountId: String(100000000000 + i),
    accountName: `Account ${i}`,
    emailAddress: "x@x",
    roles: ["Admin"],
  }));
  await using fake = await FakeIdentityCenter.start({ accounts, pageSize: 100 });
  fake.addAccessToken("tok");
  // When each request is sent, on the run's virtual clock (the rate limiter's sleeps jump it).
  const clock = new VirtualClock();
  const sent: number[] = [];
  const http = systemRuntime().http;
  const session = new SsoSession({
    rt: testRuntime({ AWS_ENDPOINT_URL: fake.url }, {
      clock,
      http: (request, options) => (sent.push(clock.now()), http(request, options)),
    }),
    instance: { startUrl: START_URL, ssoRegion: "us-east-1" },
    log: new DebugLog(false),
  });
  const rows = await listAvailableRoles(
    new Listing(session, "tok", { deadline: clock.now() + 60_000 }),
  );
  assertEquals(rows.length, 36);
  assertEquals(fake.requests.length, 37);
  assertEquals(sent.length, 37);
  const busiest = Math.max(
    ...sent.map((t0) => sent.filter((t) => t >= t0 && t < t0 + 1000).length),
  );
  assert(busiest < 20, `${busiest} requests within one second`);
  // 37 requests at 15/s after a burst of 4 take at least (37 - 4) / 15 s.
  assert(sent[36] - sent[0] >= ((37 - 4) / LIMITS.rolesRate.perSecond) * 1000 - 50);
});

// ------------------------------------------------------------------ limiter, virtual clock

/** A clock at 0 that only sleeps move (each sleep returns at once). */
const zeroClock = () => new VirtualClock({ frozenAt: 0 });

const throttled = () => new AwsApiError("Rate exceeded.", "TooManyRequestsException", true);

Deno.test("rate limiter allows a burst then spaces requests to the rate", async () => {
  const clock = zeroClock();
  const limiter = new RateLimiter(LIMITS.rolesRate, clock);
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: 60 }, () => limiter.acquire().then(() => times.push(clock.now()))),
  );
  assertEquals(times.slice(0, 5), [0, 0, 0, 0, 67]);
  for (const t0 of times) {
    const inWindow = times.filter((t) => t >= t0 && t <= t0 + 1000).length;
    assert(
      inWindow <= LIMITS.rolesRate.burst + LIMITS.rolesRate.perSecond,
      `${inWindow} in [${t0}, +1s]`,
    );
  }
  // 56 spaced acquisitions at 15/s.
  assert(Math.abs(times[59] - (56 * 1000) / 15) < 20, `last at ${times[59]}`);
  // After an idle period the burst is available again.
  await clock.sleep(10_000);
  const idle = clock.now();
  const after: number[] = [];
  await Promise.all(
    Array.from({ length: 5 }, () => limiter.acquire().then(() => after.push(clock.now() - idle))),
  );
  assertEquals(after.slice(0, 4), [0, 0, 0, 0]);
});

Deno.test("request limiter retries throttling with exponential backoff, then succeeds", async () => {
  const clock = zeroClock();
  const limiter = createRolesLimiter({ clock, random: () => 0 });
  let calls = 0;
  const callTimes: number[] = [];
  const result = await limiter.run(() => {
    callTimes.push(clock.now());
    if (++calls <= 3) return Promise.reject(throttled());
    return Promise.resolve("ok");
  });
  assertEquals(result, "ok");
  // Delays with the smallest jitter: 1000/2, 2000/2, 4000/2.
  assertEquals(callTimes, [0, 500, 1500, 3500]);
  assertEquals(limiter.retries, 3);
});

Deno.test("request limiter gives up after its retries with the throttling error", async () => {
  const clock = zeroClock();
  const limiter = createRolesLimiter({ clock, random: () => 0.999 });
  let calls = 0;
  const error = await assertRejects(
    () => limiter.run(() => (calls++, Promise.reject(throttled()))),
    AwsApiError,
    "Rate exceeded.",
  );
  assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), 4);
  assertEquals(calls, LIMITS.throttleRetry.retries + 1);
  // Largest jitter: about 1000 + 2000 + 4000 + 8000 ms.
  assert(clock.now() >= 14_900 && clock.now() <= 15_000, `gave up at ${clock.now()}`);
});

Deno.test("request limiter does not retry other errors", async () => {
  const clock = zeroClock();
  const limiter = createRolesLimiter({ clock });
  let calls = 0;
  await assertRejects(
    () =>
      limiter.run(() => (calls++, Promise.reject(new AwsApiError("No.", "ForbiddenException")))),
    AwsApiError,
  );
  assertEquals(calls, 1);
  assert(isThrottling(throttled()));
  assert(isThrottling(new AwsApiError("x", "ThrottlingException")));
  assert(!isThrottling(new AwsApiError("x", "InternalServerException", true)));
  assert(!isThrottling(new Error("TooManyRequestsException")));
});

Deno.test("request limiter counts retries against the shared rate", async () => {
  const clock = zeroClock();
  const limiter = new RequestLimiter({
    rate: { perSecond: 1, burst: 1 },
    retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 10 },
    isRetryable: () => true,
    clock,
    random: () => 0,
  });
  const times: number[] = [];
  let n = 0;
  await limiter.run(() => {
    times.push(clock.now());
    return ++n < 3 ? Promise.reject(new Error("again")) : Promise.resolve();
  });
  assertEquals(times, [0, 1000, 2000]);
  assertEquals(limiter.attempts, 3);
});

Deno.test("backoff delay doubles up to the maximum with jitter between half and all", () => {
  const policy = { retries: 9, baseDelayMs: 1000, maxDelayMs: 8000 };
  assertEquals([0, 1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0)), [
    500,
    1000,
    2000,
    4000,
    4000,
  ]);
  assertEquals([0, 1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0.5)), [
    750,
    1500,
    3000,
    6000,
    6000,
  ]);
});

Deno.test("semaphore runs at most its limit at once, in call order", async () => {
  const gate = new Semaphore(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const release: (() => void)[] = [];
  const tasks = [0, 1, 2, 3, 4].map((i) =>
    gate.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await new Promise<void>((r) => release.push(r));
      running--;
      return i;
    })
  );
  for (let k = 0; k < 5; k++) {
    await new Promise((r) => setTimeout(r, 0));
    assert(release.length > 0, "a task should be waiting");
    release.shift()!();
  }
  assertEquals(await Promise.all(tasks), [0, 1, 2, 3, 4]);
  assertEquals(started, [0, 1, 2, 3, 4]);
  assertEquals(peak, 2);
  assertEquals(gate.active, 0);
});

// ------------------------------------------------------------------ instance and token choice

Deno.test("roles uses the legacy token of a start URL that an sso-session shares", async () => {
  // The legacy profile was logged in with `aws sso login --profile legacy`: only the token keyed
  // by the start URL exists, although [sso-session my-sso] uses the same URL and region.
  await using t = await setup(`${SESSION_PROFILE}\n${LEGACY_PROFILE}`);
  for (const args of [["-u", START_URL], ["-u", "example"], []]) {
    const r = await t.roles([...args, "-a", "Main", "--no-header", "--sep", ","]);
    assertEquals(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assertEquals(
      r.stdout,
      "Main,123456789012,MyRole\nMain,123456789012,Admin\nMain,123456789012,ReadOnly\n",
    );
  }
  // With both tokens cached, the session's (fresh) token is used.
  t.fake.addAccessToken("at-session");
  await t.home.writeToken({ sessionName: "my-sso" }, cliToken("at-session", 8 * HOUR));
  const before = t.fake.requests.length;
  const both = await t.roles(["-u", START_URL, "-a", "Main"]);
  assertEquals(both.code, 0, both.stderr);
  const bearers = t.fake.requests.slice(before).map((q) => q.headers["x-amz-sso_bearer_token"]);
  assert(bearers.length > 0 && bearers.every((b) => b === "at-session"), bearers.join(","));
  // Neither token: the login-required sentence is unchanged.
  await Deno.remove(t.home.ssoCacheDir, { recursive: true });
  const none = await t.roles(["-u", START_URL]);
  assertEquals(none.code, 1);
  assertEquals(
    none.stderr,
    `Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.\n`,
  );
});

Deno.test("roles exits 2 when given both -u and --profile, like login", async () => {
  await using t = await setup(`${SESSION_PROFILE}\n${LEGACY_PROFILE}`);
  for (const url of ["-u", "--sso-start-url"]) {
    const r = await t.roles([url, START_URL, "--profile", "dev"]);
    assertEquals(
      [r.code, r.stdout, r.stderr],
      [2, "", "Give either -u/--sso-start-url or --profile, not both.\n"],
    );
  }
  assertEquals(t.fake.calls.ListAccounts, 0);
});

Deno.test("roles escapes control characters of server-sent names in text, and JSON stays exact", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({
    accounts: [{
      accountId: "111111111111",
      accountName: "Evil\x1b[2J\x1b]0;pwned\x07\u009b31m\u202eName",
      emailAddress: "e@x",
      roles: ["Role\r\nInjected"],
    }],
  });
  await home.writeConfig(LEGACY_PROFILE);
  fake.addAccessToken("tok");
  await home.writeToken({}, cliToken("tok", 8 * HOUR));
  const text = await runCli(["roles", "--profile", "legacy"], { home, endpoint: fake.url });
  assertEquals(text.code, 0, text.stderr);
  // deno-lint-ignore no-control-regex -- no raw control character may be printed
  assert(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(text.stdout), text.stdout);
  assertMatch(text.stdout, /Evil\\x1B\[2J\\x1B\]0;pwned\\x07\\x9B31m\\u202EName/);
  assertMatch(text.stdout, /Role\\r\\nInjected/);
  const json = await runCli(["roles", "--profile", "legacy", "-o", "json"], {
    home,
    endpoint: fake.url,
  });
  // deno-lint-ignore no-control-regex -- no raw control character may be printed
  assert(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(json.stdout), json.stdout);
  assertEquals(JSON.parse(json.stdout)[0].accountName, fake.options.accounts[0].accountName);
});

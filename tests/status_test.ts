/**
 * `aws-sso-util status` through `runCli`: tokens in the AWS CLI's layout and in ours, the role
 * credentials cached from them, `--profile` exit codes checked against what `credential-process`
 * then really does, config errors, hostile cache entries, a large cache, and no network at all.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  cliToken,
  LEGACY_PROFILE,
  loginOnFake,
  POSIX,
  ROLE,
  runCli,
  SESSION_PROFILE,
  START_URL,
  TempHome,
  timestampIn,
} from "./helpers.ts";
import { accessOnlyTokenJson, writeToken } from "../src/cache/token_cache.ts";
import { tokenCacheKey } from "../src/cache/cache_keys.ts";
import { writeStatusFixture } from "../scripts/status_fixture.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Cached role credentials in the AWS CLI's layout, expiring in `validMs`. */
function credentialsJson(validMs: number): string {
  return JSON.stringify({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: "ASIACACHED",
      SecretAccessKey: "secret",
      SessionToken: "token",
      Expiration: timestampIn(validMs),
      AccountId: ACCOUNT_ID,
    },
  });
}

async function writeCredentials(home: TempHome, ref: { sessionName?: string }, validMs: number) {
  await Deno.mkdir(home.cliCacheDir, { recursive: true });
  await Deno.writeTextFile(await home.credentialPath(ref), credentialsJson(validMs));
}

const BOTH_PROFILES = `${SESSION_PROFILE}\n${LEGACY_PROFILE}`;

Deno.test("status lists the logins the AWS CLI and this tool wrote, with credentials and profiles", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(BOTH_PROFILES);
  // sso-session my-sso, as `aws sso login` writes it: 3 hours left, refreshable for 60 days.
  const sessionToken = cliToken("at-session", 3 * HOUR + 30_000, {
    clientId: "cid",
    clientSecret: "csecret",
    registrationExpiresAt: timestampIn(60 * DAY),
    refreshToken: "rt",
  });
  await home.writeToken({ sessionName: "my-sso" }, sessionToken);
  // The legacy start-URL copy, as this tool's `login` writes it (Python layout, access only).
  await writeToken(
    `${home.ssoCacheDir}/${await tokenCacheKey({ startUrl: START_URL })}.json`,
    accessOnlyTokenJson({
      ...sessionToken,
      accessToken: "at-legacy",
      expiresAt: timestampIn(-2 * HOUR),
    }),
  );
  await writeCredentials(home, { sessionName: "my-sso" }, 45 * MINUTE);
  await writeCredentials(home, {}, -HOUR);

  const json = await runCli(["status", "--json"], { home });
  assertEquals([json.code, json.stderr], [0, ""]);
  const parsed = JSON.parse(json.stdout);
  const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
  for (const login of parsed.logins) {
    assertMatch(login.expiresAt, stamp);
    for (const c of login.credentials) assertMatch(c.expiration, stamp);
  }
  assertEquals(parsed.logins[0].expiresAt, sessionToken.expiresAt);
  assertMatch(parsed.logins[0].refreshableUntil, stamp);
  const shape = parsed.logins.map((l: Record<string, unknown>) => ({
    ...l,
    expiresAt: undefined,
    refreshableUntil: l.refreshableUntil === null ? null : "set",
    credentials: (l.credentials as Record<string, unknown>[]).map((c) => ({
      ...c,
      expiration: undefined,
    })),
  }));
  assertEquals(shape, [
    {
      session: "my-sso",
      startUrl: START_URL,
      region: "us-east-1",
      state: "valid",
      refreshableUntil: "set",
      credentials: [{ accountId: ACCOUNT_ID, roleName: ROLE }],
      profiles: ["dev"],
    },
    {
      session: null,
      startUrl: START_URL,
      region: "us-east-1",
      state: "expired",
      refreshableUntil: null,
      credentials: [{ accountId: ACCOUNT_ID, roleName: ROLE }],
      profiles: ["legacy"],
    },
  ]);

  const text = await runCli(["status"], { home });
  assertEquals([text.code, text.stderr], [0, ""]);
  const lines = text.stdout.split("\n");
  assertEquals(lines[0], `sso-session my-sso: ${START_URL} (us-east-1)`);
  assertMatch(
    lines[1],
    /^ {2}valid: token expires \d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d \(in 3h\)$/,
  );
  assertMatch(lines[2], /^ {2}refreshable until .* \(in (59|60)d( \d+h)?\)$/);
  assertEquals(lines[3], "  profiles: dev");
  assertMatch(lines[5], /^ {4}123456789012 MyRole: expire .* \(in 4\dm\)$/);
  assertStringIncludes(text.stdout, `legacy login (no sso-session): ${START_URL} (us-east-1)\n`);
  assertMatch(text.stdout, /\n {2}expired: token expired 2h ago, at /);
  assertStringIncludes(text.stdout, "\n  a new login is required\n  profiles: legacy\n");
  assertMatch(text.stdout, /\n {4}123456789012 MyRole: expired 1h ago\n$/);
});

Deno.test("status --profile exits 0 for a refreshable token, and credential-process then succeeds", async () => {
  for (const validMs of [-MINUTE, 10 * MINUTE]) {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(SESSION_PROFILE);
    const seed = await loginOnFake(fake);
    await home.writeToken({ sessionName: "my-sso" }, {
      ...cliToken(seed.accessToken, validMs),
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      registrationExpiresAt: seed.registrationExpiresAt,
      refreshToken: seed.refreshToken,
    });
    const before = fake.requests.length;
    const status = await runCli(["status", "--profile", "dev"], { home, endpoint: fake.url });
    assertEquals([validMs, status.code, status.stderr], [validMs, 0, ""]);
    assertMatch(status.stdout, /^sso-session my-sso: .*\n {2}refreshable: token /);
    assertEquals(fake.requests.length, before, "status made no request");
    const json = await runCli(["status", "--profile", "dev", "--json"], { home });
    assertEquals(JSON.parse(json.stdout).logins[0].state, "refreshable");
    const refreshesBefore = fake.calls.CreateToken;
    const creds = await runCli(["credential-process", "--profile", "dev"], {
      home,
      endpoint: fake.url,
    });
    assertEquals([creds.code, creds.stderr], [0, ""]);
    assertEquals(fake.calls.CreateToken, refreshesBefore + 1, "refreshed, without a new login");
  }
});

Deno.test("status agrees with credential-process once a refresh is rejected for good", async () => {
  for (const errorType of ["InvalidGrantException", "InvalidClientException"]) {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(SESSION_PROFILE);
    const seed = await loginOnFake(fake);
    const path = await home.writeToken({ sessionName: "my-sso" }, {
      ...cliToken(seed.accessToken, -MINUTE),
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      registrationExpiresAt: seed.registrationExpiresAt,
      refreshToken: seed.refreshToken,
      customField: "kept",
    });
    assertEquals((await runCli(["status", "--profile", "dev"], { home })).code, 0, "refreshable");
    fake.failAlways("CreateToken", { errorType, status: 400 });
    const creds = await runCli(["credential-process", "--profile", "dev"], {
      home,
      endpoint: fake.url,
    });
    assertEquals(creds.code, 1, creds.stderr);
    const refreshes = fake.calls.CreateToken;
    const status = await runCli(["status", "--profile", "dev"], { home });
    assertEquals(status.code, 1, errorType);
    assertMatch(status.stdout, /\n {2}expired: token expired .*\n {2}a new login is required\n/);
    const all = await runCli(["status"], { home });
    assertStringIncludes(all.stdout, "a new login is required");
    assertEquals(
      JSON.parse((await runCli(["status", "--json"], { home })).stdout).logins[0].state,
      "expired",
    );
    // The file keeps the AWS CLI's layout, without the dead refresh token and client.
    const kept = JSON.parse(await Deno.readTextFile(path));
    assertEquals(Object.keys(kept).sort(), [
      "accessToken",
      "customField",
      "expiresAt",
      "region",
      "startUrl",
    ]);
    assertEquals(kept.accessToken, seed.accessToken);
    // Nothing tries the dead refresh token again.
    const again = await runCli(["credential-process", "--profile", "dev"], {
      home,
      endpoint: fake.url,
    });
    assertEquals([again.code, fake.calls.CreateToken], [1, refreshes]);
  }
});

Deno.test("status --profile exits 1 when a new login is required, as credential-process does", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(BOTH_PROFILES);
  // Expired, without refresh token (a legacy login of the AWS CLI).
  await home.writeToken({}, cliToken("at-old", -5 * MINUTE));
  const status = await runCli(["status", "--profile", "legacy"], { home, endpoint: fake.url });
  assertEquals(status.code, 1);
  assertEquals(
    status.stderr,
    "Profile legacy needs a new login: run `aws-sso-util login --profile legacy` (or `aws sso login --profile legacy`).\n",
  );
  assertMatch(
    status.stdout,
    /^legacy login \(no sso-session\): .*\n {2}expired: token expired 5m ago/,
  );
  const creds = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(creds.code, 1);
  assertEquals(fake.requests.length, 0);

  // No token at all for the session profile.
  const none = await runCli(["status", "--profile", "dev"], { home });
  assertEquals(none.code, 1);
  assertEquals(none.stdout, "No cached SSO login for sso-session my-sso.\n");
  const noneJson = await runCli(["status", "--profile", "dev", "--json"], { home });
  assertEquals([noneJson.code, noneJson.stdout], [1, '{"logins":[],"warnings":[]}\n']);
});

Deno.test("status --profile exits 0 while cached role credentials can still be reused", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(SESSION_PROFILE);
  await writeCredentials(home, { sessionName: "my-sso" }, 2 * HOUR);
  const noToken = await runCli(["status", "--profile", "dev"], { home });
  assertEquals([noToken.code, noToken.stderr], [0, ""]);
  assertMatch(
    noToken.stdout,
    /^No cached SSO login for sso-session my-sso; cached role credentials for 123456789012 MyRole expire .* \(in (1h 59m|2h)\)\.\n$/,
  );
  await home.writeToken({ sessionName: "my-sso" }, cliToken("at", -HOUR));
  const expired = await runCli(["status", "--profile", "dev", "--json"], { home });
  assertEquals(expired.code, 0);
  const [login] = JSON.parse(expired.stdout).logins;
  assertEquals([login.state, login.credentials.length], ["expired", 1]);
  const creds = await runCli(["credential-process", "--profile", "dev"], { home });
  assertEquals(creds.code, 0, "credential-process serves the cached credentials");

  // Within 15 minutes of their expiry they are not reused: a login is required.
  await writeCredentials(home, { sessionName: "my-sso" }, 10 * MINUTE);
  assertEquals((await runCli(["status", "--profile", "dev"], { home })).code, 1);
});

Deno.test("status reports config errors with exit 2 and one sentence", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(SESSION_PROFILE);
  const unknown = await runCli(["status", "--profile", "nope"], { home });
  assertEquals(unknown.code, 2);
  assertEquals(unknown.stderr, `Profile nope was not found in ${home.configPath}.\n`);
  assertEquals(unknown.stdout, "");

  await home.writeConfig("[profile dev]\nsso_session = gone\nsso_account_id = 1\n");
  const missing = await runCli(["status", "--profile", "dev"], { home });
  assertEquals(missing.code, 2);
  assertEquals(missing.stderr.split("\n").length, 2, missing.stderr);

  await home.writeConfig("[profile dev]\nthis is not a key\n");
  for (const args of [["status"], ["status", "--profile", "dev"], ["status", "--json"]]) {
    const malformed = await runCli(args, { home });
    assertEquals(malformed.code, 2, args.join(" "));
    assertEquals(
      malformed.stderr,
      `The AWS config file ${home.configPath} is malformed: line 2 is not a section header, comment or key = value: this is not a key.\n`,
    );
  }
  const bad = await runCli(["status", "--bogus"], { home });
  assertEquals(bad.code, 2);
});

Deno.test("status without logins says so, and --json prints an empty list", async () => {
  await using home = await TempHome.create();
  const text = await runCli(["status"], { home });
  assertEquals([text.code, text.stderr], [0, ""]);
  assertEquals(text.stdout, `No cached SSO logins in ${home.ssoCacheDir}.\n`);
  const json = await runCli(["status", "--json"], { home });
  assertEquals([json.code, json.stdout], [0, '{"logins":[],"warnings":[]}\n']);
});

Deno.test("status skips FIFOs, directories, unreadable, corrupt and hostile cache entries", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(SESSION_PROFILE);
  await home.writeToken({ sessionName: "my-sso" }, cliToken("at", HOUR));
  const hostileKey = await tokenCacheKey({ startUrl: "https://evil.example/start" });
  await Deno.writeTextFile(
    `${home.ssoCacheDir}/${hostileKey}.json`,
    JSON.stringify({
      startUrl: "https://user:secret@evil.example/\x1b[2J\nstart",
      region: "us-east-1\r",
      accessToken: "x",
      expiresAt: timestampIn(HOUR),
    }),
  );
  const named = (n: number) => `${home.ssoCacheDir}/${String(n).repeat(40).slice(0, 40)}.json`;
  await Deno.mkdir(named(1));
  await Deno.writeTextFile(named(2), "{not json");
  if (POSIX) {
    const fifo = await new Deno.Command("mkfifo", { args: [named(3)] }).output();
    assert(fifo.success, "mkfifo");
    await Deno.writeTextFile(named(4), JSON.stringify({ accessToken: "x", expiresAt: "x" }));
    await Deno.chmod(named(4), 0o000);
    await Deno.symlink(named(3), named(5)); // a symlink to the FIFO
  }
  const result = await runCli(["status"], { home });
  assertEquals([result.code, result.stderr], [0, ""]);
  assertStringIncludes(result.stdout, "sso-session my-sso: ");
  assertStringIncludes(
    result.stdout,
    "legacy login (no sso-session): https://<credentials removed>@evil.example/\\x1B[2J\\nstart (us-east-1\\r)\n",
  );
  assertEquals(result.stdout.includes("secret"), false);
  assertEquals(result.stdout.split("\n\n").length, 2, "two logins");
});

Deno.test("status handles 200 logins and 2,000 cached credentials", async () => {
  await using home = await TempHome.create();
  await writeStatusFixture(home.dir, { logins: 200, credentials: 2000, now: Date.now() });
  const result = await runCli(["status", "--json"], { home });
  assertEquals([result.code, result.stderr], [0, ""]);
  const { logins } = JSON.parse(result.stdout);
  assertEquals(logins.length, 200);
  assertEquals(
    logins.reduce((n: number, l: { credentials: unknown[] }) => n + l.credentials.length, 0),
    2000,
  );
  assertEquals(logins.filter((l: { state: string }) => l.state === "refreshable").length, 67);
  assertEquals(logins[0].profiles.length, 10);
  const one = await runCli(["status", "--profile", "p10"], { home });
  assertEquals(one.code, 0);
  assertMatch(one.stdout, /^sso-session session-1: https:\/\/org1\.awsapps\.com\/start/);
});

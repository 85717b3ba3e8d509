/** End-to-end tests of `aws-sso-util logout`, run through `runCli` against the fake server. */
import { assert, assertEquals, assertMatch, assertNotMatch } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  cliToken,
  LEGACY_PROFILE,
  parseCredentialOutput,
  QUICK_PACES,
  runCli,
  SESSION_PROFILE,
  sessionToken,
  START_URL,
  TempHome,
  timestampIn,
} from "./helpers.ts";
import { registrationCacheKey, tokenCacheKey } from "../src/cache/cache_keys.ts";
import { isSsoCredentialJson, isTokenJson, logoutSummary } from "../src/commands/logout.ts";

const HOUR = 3_600_000;
const OTHER_URL = "https://other.awsapps.com/start";
const OTHER_ACCOUNT = "210987654321";

const CONFIG = `${LEGACY_PROFILE}
${SESSION_PROFILE}
[profile other]
sso_start_url = ${OTHER_URL}
sso_region = eu-west-1
sso_account_id = ${OTHER_ACCOUNT}
sso_role_name = Other

[profile plain]
region = us-west-2
`;

function ssoCredentials(accessKeyId: string): string {
  return JSON.stringify({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: "secret",
      SessionToken: "session",
      Expiration: timestampIn(HOUR),
      AccountId: ACCOUNT_ID,
    },
  });
}

/**
 * A home logged in to three instances (legacy URL key, sso-session my-sso, other URL), each with
 * cached role credentials, plus files logout must keep: registrations, a lock, unrelated files.
 */
async function setup() {
  const fake = await FakeIdentityCenter.start();
  const home = await TempHome.create();
  await home.writeConfig(CONFIG);
  for (const t of ["at-legacy", "at-session", "at-other"]) fake.addAccessToken(t);
  const tokens = {
    legacy: await home.writeToken({}, cliToken("at-legacy", 8 * HOUR)),
    session: await home.writeToken(
      { sessionName: "my-sso" },
      cliToken("at-session", 8 * HOUR, { refreshToken: "rt", clientId: "c", clientSecret: "s" }),
    ),
    other: await home.writeToken(
      { startUrl: OTHER_URL },
      cliToken("at-other", 8 * HOUR, { startUrl: OTHER_URL, region: "eu-west-1" }),
    ),
  };
  await Deno.mkdir(home.cliCacheDir, { recursive: true });
  const creds = {
    legacy: await home.credentialPath(),
    session: await home.credentialPath({ sessionName: "my-sso" }),
    other: await home.credentialPath({
      startUrl: OTHER_URL,
      accountId: OTHER_ACCOUNT,
      roleName: "Other",
    }),
    // Cached by a role nobody configured (e.g. credential-process with flags only).
    unconfigured: await home.credentialPath({ roleName: "Unknown" }),
  };
  for (const [name, path] of Object.entries(creds)) {
    await Deno.writeTextFile(path, ssoCredentials(`ASIA${name.toUpperCase()}`));
  }
  const registrationKey = await registrationCacheKey({
    startUrl: START_URL,
    region: "us-east-1",
    scopes: ["sso:account:access"],
    sessionName: "my-sso",
  });
  const kept = [
    `${home.ssoCacheDir}/${registrationKey}.json`,
    `${home.ssoCacheDir}/botocore-client-id-us-east-1.json`,
    // A lock of another file (a token's own lock is taken by logout and goes, as after a refresh).
    `${home.ssoCacheDir}/${await tokenCacheKey({
      startUrl: "https://unrelated.awsapps.com/start",
    })}.lock`,
    `${home.ssoCacheDir}/notes.txt`,
    `${home.ssoCacheDir}/broken.json`,
    `${home.cliCacheDir}/assume-role-cache.json`,
  ];
  const registration = JSON.stringify({
    clientId: "c",
    clientSecret: "s",
    expiresAt: timestampIn(90 * 24 * HOUR),
  });
  await Deno.writeTextFile(kept[0], registration);
  await Deno.writeTextFile(kept[1], registration);
  await Deno.writeTextFile(kept[2], "");
  await Deno.writeTextFile(kept[3], "accessToken in a text file");
  await Deno.writeTextFile(kept[4], '{"accessToken": ');
  await Deno.writeTextFile(
    kept[5],
    JSON.stringify({ Credentials: { AccessKeyId: "ASIAASSUMED" }, ProviderType: "assume-role" }),
  );
  const logout = (args: string[] = [], env?: Record<string, string>) =>
    runCli(["logout", ...args], { home, endpoint: fake.url, env });
  return {
    fake,
    home,
    tokens,
    creds,
    kept,
    logout,
    /** Bearer tokens Logout was called with, in order. */
    logoutBearers: () =>
      fake.requests.filter((q) => q.op === "Logout").map((q) => q.headers["x-amz-sso_bearer_token"])
        .sort(),
    async [Symbol.asyncDispose]() {
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function existing(paths: Record<string, string>): Promise<string[]> {
  const found: string[] = [];
  for (const [name, path] of Object.entries(paths)) if (await exists(path)) found.push(name);
  return found;
}

Deno.test("logout without arguments logs out of every token and deletes all SSO role credentials", async () => {
  await using t = await setup();
  const r = await t.logout();
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    `Logged out of ${START_URL}, ${OTHER_URL}; removed 4 cached role credential files.\n`,
  );
  assertEquals(t.logoutBearers(), ["at-legacy", "at-other", "at-session"]);
  assert(!t.fake.isAccessTokenValid("at-legacy") && !t.fake.isAccessTokenValid("at-other"));
  assertEquals(await existing(t.tokens), []);
  assertEquals(await existing(t.creds), []);
  for (const path of t.kept) assert(await exists(path), `${path} should survive`);
});

Deno.test("logout --profile of an sso-session profile logs out of that session only", async () => {
  await using t = await setup();
  const r = await t.logout(["--profile", "dev"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, `Logged out of ${START_URL}; removed 1 cached role credential file.\n`);
  assertEquals(t.logoutBearers(), ["at-session"]);
  assertEquals(await existing(t.tokens), ["legacy", "other"]);
  assertEquals(await existing(t.creds), ["legacy", "other", "unconfigured"]);
  for (const path of t.kept) assert(await exists(path), `${path} should survive`);
  assert(t.fake.isAccessTokenValid("at-legacy"));
});

Deno.test("logout --profile of a legacy profile deletes the start URL's token and its profiles' credentials", async () => {
  await using t = await setup();
  const r = await t.logout(["--profile", "other"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, `Logged out of ${OTHER_URL}; removed 1 cached role credential file.\n`);
  assertEquals(t.logoutBearers(), ["at-other"]);
  assertEquals(await existing(t.tokens), ["legacy", "session"]);
  assertEquals(await existing(t.creds), ["legacy", "session", "unconfigured"]);
});

Deno.test("logout START_URL SSO_REGION logs out of the URL's legacy token and its sso-sessions", async () => {
  await using t = await setup();
  const r = await t.logout([START_URL, "us-east-1"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, `Logged out of ${START_URL}; removed 2 cached role credential files.\n`);
  assertEquals(t.logoutBearers(), ["at-legacy", "at-session"]);
  assertEquals(await existing(t.tokens), ["other"]);
  assertEquals(await existing(t.creds), ["other", "unconfigured"]);
});

Deno.test("logout accepts a substring of a configured start URL", async () => {
  await using t = await setup();
  const r = await t.logout(["other"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(t.logoutBearers(), ["at-other"]);
  assertEquals(await existing(t.tokens), ["legacy", "session"]);
});

Deno.test("logout deletes the files even when the Logout call fails", async () => {
  await using t = await setup();
  t.fake.failAlways("Logout", { errorType: "InternalServerException" });
  const quiet = await t.logout(["--profile", "legacy"]);
  assertEquals(quiet.code, 0);
  assertEquals(
    quiet.stderr,
    `Logged out of ${START_URL}; removed 1 cached role credential file.\n`,
  );
  assertEquals(await existing(t.tokens), ["session", "other"]);
  assert(t.fake.calls.Logout >= 1);

  const verbose = await t.logout(["--verbose"]);
  assertEquals(verbose.code, 0);
  assertMatch(
    verbose.stderr,
    /Logout failed \(ignored\): Logout failed with InternalServerException/,
  );
  assertMatch(
    verbose.stderr,
    new RegExp(
      `\nLogged out of ${START_URL}, ${OTHER_URL}; removed 3 cached role credential files.\n$`,
    ),
  );
  assertNotMatch(verbose.stderr, /at-session|at-other/); // tokens are redacted
  assertEquals(await existing(t.tokens), []);
});

Deno.test("logout deletes the token when the service already rejects it", async () => {
  await using t = await setup();
  t.fake.revokeAccessToken("at-legacy");
  const r = await t.logout(["--profile", "legacy"]);
  assertEquals(r.code, 0);
  assertEquals(r.stderr, `Logged out of ${START_URL}; removed 1 cached role credential file.\n`);
  assertEquals(await existing(t.tokens), ["session", "other"]);
});

Deno.test("logout says so when nothing is cached", async () => {
  await using home = await TempHome.create();
  const r = await runCli(["logout"], { home, endpoint: "http://127.0.0.1:9" });
  assertEquals(r.code, 0);
  assertEquals(r.stdout, "");
  assertEquals(r.stderr, "No cached SSO login found.\n");
  await home.writeConfig(LEGACY_PROFILE);
  const one = await runCli(["logout", "--profile", "legacy"], { home });
  assertEquals(one.code, 0);
  assertEquals(one.stderr, "No cached SSO login found.\n");
});

Deno.test("logout then credential-process reports login required", async () => {
  await using t = await setup();
  const before = await runCli(["credential-process", "--profile", "legacy"], {
    home: t.home,
    endpoint: t.fake.url,
  });
  assertEquals(before.code, 0, before.stderr);
  assertEquals(parseCredentialOutput(before.stdout).AccessKeyId, "ASIALEGACY");

  assertEquals((await t.logout(["--profile", "legacy"])).code, 0);
  const after = await runCli(["credential-process", "--profile", "legacy"], {
    home: t.home,
    endpoint: t.fake.url,
  });
  assertEquals(after.code, 1);
  assertEquals(after.stdout, "");
  assertEquals(
    after.stderr,
    "Login required. Use `aws-sso-util login --profile legacy` or `aws sso login --profile legacy` and try again.\n",
  );
  assertEquals(t.fake.calls.GetRoleCredentials, 0);
  // The session profile is untouched.
  const dev = await runCli(["credential-process", "--profile", "dev"], {
    home: t.home,
    endpoint: t.fake.url,
  });
  assertEquals(dev.code, 0, dev.stderr);
});

Deno.test("logout exits 2 for an unknown profile and 1 for an ambiguous or unknown start URL", async () => {
  await using t = await setup();
  const unknown = await t.logout(["--profile", "nope"]);
  assertEquals(unknown.code, 2);
  assertEquals(unknown.stderr, `Profile nope was not found in ${t.home.configPath}.\n`);
  const ambiguous = await t.logout(["awsapps"]);
  assertEquals(ambiguous.code, 1);
  assertMatch(ambiguous.stderr, /^awsapps matches several configured SSO start URLs/);
  const none = await t.logout(["nothing-like-it"]);
  assertEquals(none.code, 1);
  assertEquals(none.stderr, "No configured SSO start URL matches nothing-like-it.\n");
  const both = await t.logout(["--profile", "dev", START_URL]);
  assertEquals(both.code, 2);
  assertEquals(both.stderr, "Give either --profile or a start URL, not both.\n");
  assertEquals(t.fake.calls.Logout, 0);
  assertEquals((await existing(t.tokens)).length, 3);
});

Deno.test("logout exits 2 when the config file is malformed", async () => {
  await using t = await setup();
  await t.home.writeConfig("[profile broken\nkey = value\n");
  const r = await t.logout(["--profile", "broken"]);
  assertEquals(r.code, 2);
  assertMatch(r.stderr, /^The AWS config file .* is malformed: /);
  assertEquals((await existing(t.tokens)).length, 3);
});

Deno.test("logout of an unconfigured start URL deletes its token using the token's region", async () => {
  await using t = await setup();
  await t.home.writeConfig("");
  const r = await t.logout([OTHER_URL]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, `Logged out of ${OTHER_URL}.\n`);
  assertEquals(t.logoutBearers(), ["at-other"]);
  assertEquals(await existing(t.tokens), ["legacy", "session"]);
  // Without profiles there is no way to know its credential files: they stay.
  assertEquals((await existing(t.creds)).length, 4);
});

Deno.test("logout's sweeper rules match the AWS CLI's", () => {
  assert(isTokenJson({ accessToken: "x" }));
  assert(isTokenJson({ accessToken: null }));
  assert(!isTokenJson({ clientId: "c", clientSecret: "s", expiresAt: "2030-01-01T00:00:00Z" }));
  assert(!isTokenJson(undefined));
  assert(isSsoCredentialJson({ ProviderType: "sso", Credentials: {} }));
  assert(!isSsoCredentialJson({ ProviderType: "assume-role" }));
  assert(!isSsoCredentialJson({ Credentials: {} }));
  assertEquals(
    logoutSummary({ tokens: [], credentialFiles: ["a"] }),
    "No cached SSO login found; removed 1 cached role credential file.",
  );
  assertEquals(
    logoutSummary({
      tokens: [{ path: "/x/abc.json", logoutCalled: false }],
      credentialFiles: [],
    }),
    "Logged out of abc.json.",
  );
});

Deno.test("logout waits for a refresh in flight, logs its new token out, and the logout sticks", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await TempHome.create();
  await home.writeConfig(SESSION_PROFILE);
  // Refreshable and in its refresh window: credential-process refreshes it, slowly.
  const seed = await sessionToken(home, fake, 10 * 60_000);
  fake.delay("CreateToken", 2000);
  const env = { limits: QUICK_PACES };
  const inFlight = runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
    ...env,
  });
  const refreshing = () =>
    fake.requests.some((r) =>
      r.op === "CreateToken" && (r.body as Record<string, unknown>).grantType === "refresh_token"
    );
  for (let i = 0; i < 200 && !refreshing(); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const out = await runCli(["logout", "--profile", "dev"], { home, endpoint: fake.url, ...env });
  assertEquals(out.code, 0, out.stderr);
  // The run in flight may have fetched role credentials meanwhile: logout waited and removed them.
  assertMatch(out.stderr, /^Logged out of \S+(; removed 1 cached role credential file)?\.\n$/);
  assert(!await exists(await home.credentialPath({ sessionName: "my-sso" })));
  assert(refreshing(), "no refresh was in flight");
  await inFlight;
  // The refreshed token (not only the old one) was logged out, and nothing came back.
  const refreshed = fake.requests.filter((r) => r.op === "Logout")
    .map((r) => r.headers["x-amz-sso_bearer_token"]);
  assertEquals(refreshed.length, 1);
  assert(refreshed[0] !== seed.accessToken, "Logout was called with the old token");
  assert(!await exists(seed.path), "the refresh wrote the token back");
  // No token, temp file or lock file is left.
  assertEquals((await Array.fromAsync(Deno.readDir(home.ssoCacheDir))).map((e) => e.name), []);
  const next = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
    ...env,
  });
  assertEquals(next.code, 1, next.stderr);
});

Deno.test("logout --profile also logs out and deletes a newer token a killed refresh left in a temp file", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await TempHome.create();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 10 * 60_000);
  fake.addAccessToken("at-newer");
  const temp = `${seed.path}.0badcafe.tmp`;
  await Deno.writeTextFile(
    temp,
    JSON.stringify({
      ...JSON.parse(await Deno.readTextFile(seed.path)),
      accessToken: "at-newer",
      expiresAt: timestampIn(8 * HOUR),
    }),
  );
  const out = await runCli(["logout", "--profile", "dev"], { home, endpoint: fake.url });
  assertEquals(out.code, 0, out.stderr);
  assert(!await exists(seed.path) && !await exists(temp), "a token version survived");
  assert(!fake.isAccessTokenValid("at-newer"), "the newer token was not logged out");
  const next = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(next.code, 1, next.stderr);
  assertEquals(fake.issuedCredentials.length, 0);
});

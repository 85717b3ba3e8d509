/**
 * End-to-end tests of `aws-sso-util credential-process`, run with `runCli` (in-process, or a
 * subprocess where processes share locks) against the fake server.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  assertMode,
  cliToken,
  LEGACY_PROFILE,
  parseCredentialOutput,
  ROLE,
  runCli,
  SESSION_PROFILE,
  sessionToken,
  START_URL,
  startCli,
  TempHome,
  timestampIn,
} from "./helpers.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const LEGACY_LOGIN =
  "Login required. Use `aws-sso-util login --profile legacy` or `aws sso login --profile legacy` and try again.\n";

/** A token the fake accepts, valid for `validMs`, written under the legacy key. */
async function legacyToken(home: TempHome, fake: FakeIdentityCenter, validMs = 8 * HOUR) {
  fake.addAccessToken("at-legacy");
  return await home.writeToken({}, cliToken("at-legacy", validMs));
}

Deno.test("credential-process fetches, prints and caches credentials when the cache is cold", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);

  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  const out = parseCredentialOutput(result.stdout);
  const issued = fake.issuedCredentials[0];
  assertEquals(Object.keys(out), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
    "AccountId",
  ]);
  assertEquals(out.Version, 1);
  assertEquals(out.AccessKeyId, issued.accessKeyId);
  assertEquals(out.SecretAccessKey, issued.secretAccessKey);
  assertEquals(out.SessionToken, issued.sessionToken);
  assertEquals(out.AccountId, ACCOUNT_ID);
  assertEquals(
    out.Expiration,
    new Date(Math.floor(issued.expiration / 1000) * 1000).toISOString().replace(".000Z", "Z"),
  );
  assertMatch(result.stdout, /^\{[^\n]*\}\n$/);

  const request = fake.requests.find((r) => r.op === "GetRoleCredentials")!;
  assertEquals(request.query, { account_id: ACCOUNT_ID, role_name: ROLE });
  assertEquals(request.headers["x-amz-sso_bearer_token"], "at-legacy");

  const cachePath = await home.credentialPath();
  assertEquals(cachePath.endsWith("/ea357e91e3d9b7ecbf87886287e7975645602097.json"), true);
  assertEquals(
    await Deno.readTextFile(cachePath),
    `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "${issued.accessKeyId}", ` +
      `"SecretAccessKey": "${issued.secretAccessKey}", "SessionToken": "${issued.sessionToken}", ` +
      `"Expiration": "${out.Expiration}", "AccountId": "${ACCOUNT_ID}"}}`,
  );
  await assertMode(cachePath, 0o600);
  await assertMode(home.cliCacheDir, 0o700);

  // Second run: served from the cache, no new call.
  const again = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(again.code, 0);
  assertEquals(parseCredentialOutput(again.stdout).AccessKeyId, issued.accessKeyId);
  assertEquals(fake.calls.GetRoleCredentials, 1);
});

Deno.test("credential-process reuses a token and credentials written by the AWS CLI", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(
    SESSION_PROFILE.replace("[profile dev]", "[profile dev]\nregion = eu-west-1"),
  );
  // Exactly the layout of docs/formats.md §3, under the sso-session key of its example table.
  const cachePath = await home.credentialPath({ sessionName: "my-sso" });
  assert(cachePath.endsWith("/01f2d4447e5154729a4e6ed0fb1424412e4cccca.json"));
  const expiration = timestampIn(2 * HOUR);
  await Deno.mkdir(home.cliCacheDir, { recursive: true });
  await Deno.writeTextFile(
    cachePath,
    `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIACLI", "SecretAccessKey": "cli-secret", "SessionToken": "cli-session", "Expiration": "${expiration}", "AccountId": "${ACCOUNT_ID}"}}`,
  );
  const result = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  assertEquals(parseCredentialOutput(result.stdout), {
    Version: 1,
    AccessKeyId: "ASIACLI",
    SecretAccessKey: "cli-secret",
    SessionToken: "cli-session",
    Expiration: expiration,
    AccountId: ACCOUNT_ID,
  });
  assertEquals(fake.requests.length, 0);

  // The CLI's token file (session key 0ad374…) is used once the credentials are stale.
  await Deno.writeTextFile(
    cachePath,
    `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIACLI", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "${
      timestampIn(10 * MINUTE)
    }"}}`,
  );
  await Deno.mkdir(home.ssoCacheDir, { recursive: true });
  const tokenPath = `${home.ssoCacheDir}/0ad374308c5a4e22f723adf10145eafad7c4031c.json`;
  await Deno.writeTextFile(
    tokenPath,
    `{"startUrl": "${START_URL}", "region": "us-east-1", "accessToken": "at-cli", "expiresAt": "${
      timestampIn(8 * HOUR)
    }"}`,
  );
  fake.addAccessToken("at-cli");
  const fetched = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(fetched.code, 0);
  assertEquals(fake.calls.GetRoleCredentials, 1);
  assertEquals(fake.requests[0].headers["x-amz-sso_bearer_token"], "at-cli");
  assertEquals(
    parseCredentialOutput(fetched.stdout).AccessKeyId,
    fake.issuedCredentials[0].accessKeyId,
  );
});

Deno.test("credential-process refreshes a token with under 15 minutes left and keeps its other fields", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 10 * MINUTE, { customField: "kept" });
  const tokenPath = seed.path;
  const createTokenBefore = fake.calls.CreateToken;

  const result = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  assertEquals(fake.calls.CreateToken - createTokenBefore, 1);
  const refreshRequest = fake.requests.filter((r) => r.op === "CreateToken").at(-1)!;
  assertEquals(refreshRequest.body, {
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    grantType: "refresh_token",
    refreshToken: seed.refreshToken,
  });

  const written = JSON.parse(await Deno.readTextFile(tokenPath));
  const newAccess = fake.issuedAccessTokens().at(-1)!;
  assertEquals(written.accessToken, newAccess);
  assertEquals(written.refreshToken, fake.issuedRefreshTokens().at(-1));
  assertEquals(written.customField, "kept");
  assertEquals(written.clientId, seed.clientId);
  assertEquals(written.registrationExpiresAt, seed.registrationExpiresAt);
  assertMatch(written.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert(Date.parse(written.expiresAt) > Date.now() + 7 * HOUR);
  await assertMode(tokenPath, 0o600);
  const portal = fake.requests.find((r) => r.op === "GetRoleCredentials")!;
  assertEquals(portal.headers["x-amz-sso_bearer_token"], newAccess);
});

Deno.test("credential-process uses a still-valid token when its refresh fails", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 5 * MINUTE);
  fake.failAlways("CreateToken", { errorType: "InvalidGrantException" });
  const result = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  assertEquals(
    fake.requests.find((r) => r.op === "GetRoleCredentials")!.headers["x-amz-sso_bearer_token"],
    seed.accessToken,
  );
  const stored = await home.readToken({ sessionName: "my-sso" });
  assertEquals(stored.accessToken, seed.accessToken);
});

Deno.test("credential-process asks for a login when the token expired and cannot be refreshed", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake, -MINUTE);
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 1);
  assertEquals(result.stderr, LEGACY_LOGIN);
  assertEquals(result.stdout, "");
  assertEquals(fake.requests.length, 0);
});

Deno.test("credential-process uses a token with under 15 minutes left when it cannot be refreshed", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake, 3 * MINUTE);
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  assertEquals(fake.calls.CreateToken, 0);
  assertEquals(fake.calls.GetRoleCredentials, 1);
});

Deno.test("credential-process names the start URL in the login message when there is no profile", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  const result = await runCli(["credential-process"], {
    home,
    endpoint: fake.url,
    env: {
      AWS_SSO_START_URL: START_URL,
      AWS_SSO_REGION: "us-east-1",
      AWS_SSO_ACCOUNT_ID: ACCOUNT_ID,
      AWS_SSO_ROLE_NAME: ROLE,
    },
  });
  assertEquals(result.code, 1);
  assertEquals(
    result.stderr,
    `Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.\n`,
  );
});

Deno.test("credential-process asks for a login when the server rejects the token", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await home.writeToken({}, cliToken("at-unknown-to-server", 8 * HOUR));
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 1);
  assertEquals(result.stderr, `The SSO token was rejected as unauthorized. ${LEGACY_LOGIN}`);
  assertEquals(fake.calls.GetRoleCredentials, 1);
});

Deno.test("credential-process --force-refresh skips cached credentials and refreshes the token", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  await sessionToken(home, fake, 8 * HOUR);
  const first = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(first.code, 0);
  const tokensBefore = fake.calls.CreateToken;
  const forced = await runCli(["credential-process", "--profile", "dev", "--force-refresh"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(forced.code, 0);
  assertEquals(fake.calls.GetRoleCredentials, 2);
  assertEquals(fake.calls.CreateToken - tokensBefore, 1);
  assert(
    parseCredentialOutput(forced.stdout).AccessKeyId !==
      parseCredentialOutput(first.stdout).AccessKeyId,
  );
  assertEquals(
    (await home.readToken({ sessionName: "my-sso" })).accessToken,
    fake.issuedAccessTokens().at(-1),
  );
});

Deno.test("credential-process --force-refresh still succeeds with a token it cannot refresh", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);
  const result = await runCli(["credential-process", "--profile", "legacy", "--force-refresh"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  assertEquals(fake.calls.CreateToken, 0);
});

Deno.test("credential-process takes flags over env vars over the profile", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({
    accounts: [
      {
        accountId: "000000000001",
        accountName: "A",
        emailAddress: "a@x",
        roles: ["FromEnv", "FromFlag"],
      },
    ],
  });
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);
  const env = { AWS_SSO_ACCOUNT_ID: "000000000001", AWS_SSO_ROLE_NAME: "FromEnv" };
  const viaEnv = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    env,
  });
  assertEquals(viaEnv.code, 0);
  assertEquals(fake.requests.at(-1)!.query, { account_id: "000000000001", role_name: "FromEnv" });
  assertEquals(parseCredentialOutput(viaEnv.stdout).AccountId, "000000000001");
  const viaFlag = await runCli(
    ["credential-process", "--profile", "legacy", "--role-name", "FromFlag"],
    { home, endpoint: fake.url, env },
  );
  assertEquals(viaFlag.code, 0);
  assertEquals(fake.requests.at(-1)!.query, { account_id: "000000000001", role_name: "FromFlag" });
});

Deno.test("credential-process keeps the leading zeros of an account id from the config file", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({
    accounts: [{ accountId: "012345678901", accountName: "Z", emailAddress: "z@x", roles: [ROLE] }],
  });
  await home.writeConfig(
    `# my config\n[default]\nregion = us-east-1\n\n[profile zero]\n; comment\ns3 =\n  max_concurrent_requests = 20\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = 012345678901\nsso_role_name = ${ROLE}\n`,
  );
  await legacyToken(home, fake);
  const result = await runCli(["credential-process", "--profile", "zero"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  assertEquals(parseCredentialOutput(result.stdout).AccountId, "012345678901");
  assertEquals(fake.requests[0].query.account_id, "012345678901");
});

Deno.test("credential-process never reads --profile from AWS_PROFILE", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  const result = await runCli(["credential-process"], { home, env: { AWS_PROFILE: "legacy" } });
  assertEquals(result.code, 2);
  assertEquals(
    result.stderr,
    "Missing settings: SSO start URL (--sso-start-url or AWS_SSO_START_URL), SSO region (--sso-region or AWS_SSO_REGION), account id (--account-id or AWS_SSO_ACCOUNT_ID), role name (--role-name or AWS_SSO_ROLE_NAME); set them with flags or env vars, or name a profile with --profile.\n",
  );
});

Deno.test("credential-process rejects bad input with exit 2 and one sentence, without any request", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  const config = `${LEGACY_PROFILE}
[profile partial]
sso_start_url = ${START_URL}
sso_region = us-east-1

[profile orphan]
sso_session = nowhere
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
`;
  const cases: [string[], string, string?][] = [
    [
      ["--profile", "legacy", "--account-id", "12345"],
      "The account id 12345 (from --account-id) is not valid: it must be exactly 12 digits.",
    ],
    [
      ["--profile", "legacy", "--sso-start-url", "http://example.awsapps.com/start"],
      "The SSO start URL http://example.awsapps.com/start (from --sso-start-url) is not an https URL.",
    ],
    [
      ["--profile", "legacy", "--region", "mars-1"],
      "The SSO region mars-1 (from --sso-region) is not a valid AWS region name.",
    ],
    [["--profile", "nope"], `Profile nope was not found in ${home.configPath}.`],
    [
      ["--profile", "partial"],
      `Profile partial in ${home.configPath} is missing account id (sso_account_id), role name (sso_role_name); add the keys or pass them as flags.`,
    ],
    [
      ["--profile", "orphan"],
      `Profile orphan uses sso_session nowhere, but ${home.configPath} has no [sso-session nowhere] section.`,
    ],
    [
      ["--profile", "legacy", "--bogus"],
      "Unknown option '--bogus'; run `aws-sso-util credential-process --help` for usage.",
    ],
    [
      ["--profile"],
      "Option '--profile <NAME>' argument missing; run `aws-sso-util credential-process --help` for usage.",
    ],
  ];
  await home.writeConfig(config);
  for (const [args, message] of cases) {
    const result = await runCli(["credential-process", ...args], { home, endpoint: fake.url });
    assertEquals(result.stderr, message + "\n", args.join(" "));
    assertEquals(result.code, 2, args.join(" "));
    assertEquals(result.stdout, "");
  }
  await home.writeConfig("[profile broken]\nthis line is not valid\n");
  const broken = await runCli(["credential-process", "--profile", "broken"], { home });
  assertEquals(broken.code, 2);
  assertEquals(
    broken.stderr,
    `The AWS config file ${home.configPath} is malformed: line 2 is not a section header, comment or key = value: this line is not valid.\n`,
  );
  await Deno.remove(home.configPath);
  const missing = await runCli(["credential-process", "--profile", "legacy"], { home });
  assertEquals(missing.code, 2);
  assertEquals(
    missing.stderr,
    `The AWS config file ${home.configPath} does not exist, so profile legacy cannot be read.\n`,
  );
  assertEquals(fake.requests.length, 0);
});

Deno.test("credential-process reads AWS_CONFIG_FILE instead of ~/.aws/config", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  const other = `${home.dir}/other-config`;
  await Deno.writeTextFile(other, LEGACY_PROFILE);
  await legacyToken(home, fake);
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    env: { AWS_CONFIG_FILE: other },
  });
  assertEquals(result.code, 0);
});

Deno.test("credential-process treats corrupt cache files as absent and replaces them", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  const cachePath = await home.credentialPath();
  await Deno.mkdir(home.cliCacheDir, { recursive: true });
  await Deno.writeTextFile(cachePath, '{"ProviderType": "sso", "Credentials": {"AccessKeyId": ');
  await home.writeToken({}, {});
  await Deno.writeTextFile(
    `${home.ssoCacheDir}/e8be5486177c5b5392bd9aa76563515b29358e6e.json`,
    "not json",
  );
  const noToken = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(noToken.code, 1);
  assertEquals(noToken.stderr, LEGACY_LOGIN);

  await legacyToken(home, fake);
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  const cached = JSON.parse(await Deno.readTextFile(cachePath));
  assertEquals(cached.Credentials.AccessKeyId, fake.issuedCredentials[0].accessKeyId);
});

Deno.test("credential-process retries server errors and throttling, then succeeds", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);
  fake.failNext("GetRoleCredentials", { errorType: "InternalServerException", times: 1 });
  fake.failNext("GetRoleCredentials", { errorType: "TooManyRequestsException", times: 1 });
  fake.closeConnectionNext("GetRoleCredentials", 1);
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  assertEquals(fake.calls.GetRoleCredentials, 4);
});

Deno.test("credential-process gives up on a failing server with exit 4 and one sentence", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);
  fake.failAlways("GetRoleCredentials", { errorType: "InternalServerException" });
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 4);
  assertEquals(
    result.stderr,
    "GetRoleCredentials failed with InternalServerException (HTTP 500): Internal server error.\n",
  );
  assert(fake.calls.GetRoleCredentials >= 3, `attempts: ${fake.calls.GetRoleCredentials}`);

  fake.clearFailures();
  fake.failAlways("GetRoleCredentials", { errorType: "ForbiddenException", message: "No access" });
  const forbidden = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(forbidden.code, 4);
  assertEquals(
    forbidden.stderr,
    "GetRoleCredentials failed with ForbiddenException (HTTP 403): No access.\n",
  );
});

Deno.test("credential-process reports an unreachable endpoint with exit 4", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  await home.writeToken({}, cliToken("at", 8 * HOUR));
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now
  const started = Date.now();
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: `http://127.0.0.1:${port}`,
  });
  assertEquals(result.code, 4);
  assertMatch(
    result.stderr,
    new RegExp(
      `^GetRoleCredentials could not reach http://127\\.0\\.0\\.1:${port} \\(.+\\); check your network and try again\\.\\n$`,
    ),
  );
  assert(Date.now() - started < 30_000);
});

Deno.test("credential-process honours AWS_ENDPOINT_URL and the profile's services section", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await legacyToken(home, fake);
  await home.writeConfig(
    `${LEGACY_PROFILE}\n[profile svc]\nservices = local\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = Other\n\n[services local]\nsso =\n  endpoint_url = ${fake.url}\n`,
  );
  fake.setAccounts([{
    accountId: ACCOUNT_ID,
    accountName: "M",
    emailAddress: "m@x",
    roles: [ROLE, "Other"],
  }]);
  const global = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    env: { AWS_ENDPOINT_URL: fake.url },
  });
  assertEquals(global.code, 0);
  const services = await runCli(["credential-process", "--profile", "svc"], { home });
  assertEquals(services.code, 0);
  assertEquals(fake.calls.GetRoleCredentials, 2);
});

Deno.test("credential-process shares one GetRoleCredentials call among 16 parallel cold runs", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);
  fake.delay("GetRoleCredentials", 300);
  const waits = [];
  for (let i = 0; i < 16; i++) {
    waits.push(
      await startCli(["credential-process", "--profile", "legacy"], { home, endpoint: fake.url }),
    );
  }
  const results = await Promise.all(waits.map((w) => w()));
  for (const r of results) {
    assertEquals(r.stderr, "");
    assertEquals(r.code, 0);
    assertEquals(
      parseCredentialOutput(r.stdout).AccessKeyId,
      fake.issuedCredentials[0].accessKeyId,
    );
  }
  assertEquals(fake.calls.GetRoleCredentials, 1);
  const leftovers = [...Deno.readDirSync(home.cliCacheDir)].map((e) => e.name).filter((n) =>
    n.endsWith(".tmp")
  );
  assertEquals(leftovers, []);
});

Deno.test("credential-process shares one token refresh among parallel runs", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(
    SESSION_PROFILE +
      `\n[profile dev2]\nsso_session = my-sso\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = Other\n`,
  );
  fake.setAccounts([{
    accountId: ACCOUNT_ID,
    accountName: "M",
    emailAddress: "m@x",
    roles: [ROLE, "Other"],
  }]);
  await sessionToken(home, fake, 5 * MINUTE);
  const before = fake.calls.CreateToken;
  fake.delay("CreateToken", 300);
  const waits = [];
  for (let i = 0; i < 8; i++) {
    const profile = i % 2 === 0 ? "dev" : "dev2";
    waits.push(
      await startCli(["credential-process", "--profile", profile], { home, endpoint: fake.url }),
    );
  }
  const results = await Promise.all(waits.map((w) => w()));
  for (const r of results) assertEquals([r.code, r.stderr], [0, ""]);
  assertEquals(fake.calls.CreateToken - before, 1);
  assertEquals(fake.calls.GetRoleCredentials, 2);
});

Deno.test("credential-process --debug writes a log without secrets in clear", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  await legacyToken(home, fake);
  const result = await runCli(["credential-process", "--profile", "legacy", "--debug"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0);
  const log = await Deno.readTextFile(home.logPath);
  await assertMode(home.logPath, 0o600);
  assertMatch(log, /setting startUrl from profile legacy/);
  assertMatch(log, /credential cache miss/);
  assertMatch(log, /GetRoleCredentials -> HTTP 200/);
  const issued = fake.issuedCredentials[0];
  for (
    const secret of [issued.secretAccessKey, issued.sessionToken, issued.accessKeyId, "at-legacy"]
  ) {
    assert(!log.includes(secret), `log contains ${secret}`);
  }
  assertMatch(log, new RegExp(`\\*\\*\\*\\*${issued.accessKeyId.slice(-4)}`));

  const viaEnv = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    env: { AWS_SSO_CREDENTIAL_PROCESS_DEBUG: "1" },
  });
  assertEquals(viaEnv.code, 0);
  assertMatch(await Deno.readTextFile(home.logPath), /credential cache hit/);
});

Deno.test("credential-process --help prints usage on stdout and exits 0", async () => {
  await using home = await TempHome.create();
  const result = await runCli(["credential-process", "--help"], { home });
  assertEquals(result.code, 0);
  assertMatch(result.stdout, /^Usage: aws-sso-util credential-process/);
  assertMatch(result.stdout, /\n {2}--sso-start-url <URL> +SSO start URL/);
  assertMatch(result.stdout, /\(alias\s+--start-url\)/);
});

Deno.test("credential-process reports a config path that is a directory in one sentence", async () => {
  await using home = await TempHome.create();
  await Deno.mkdir(home.configPath);
  const result = await runCli(["credential-process", "--profile", "legacy"], { home });
  assertEquals(result.code, 2);
  assertEquals(
    result.stderr,
    `Cannot read the AWS config file ${home.configPath}: it is a directory.\n`,
  );
});

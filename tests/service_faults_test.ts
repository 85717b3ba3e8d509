/**
 * A service that answers nonsense: absurd numbers (an expiration in the year 3 million, a token
 * lifetime of 1e20 seconds), a paging token that never ends the listing, a cached access token
 * that cannot travel in a header. Each ends in one sentence and a documented exit code, or falls
 * back to what is still valid; none reaches "Unexpected error" or loops.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  cliToken,
  parseCredentialOutput,
  QUICK_PACES,
  runCli,
  SESSION_PROFILE,
  sessionToken,
  TempHome,
} from "./helpers.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function setUp() {
  const home = await TempHome.create();
  const fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  return {
    home,
    fake,
    run: (args: string[], env: Record<string, string> = {}) =>
      runCli(args, { home, endpoint: fake.url, limits: QUICK_PACES, env }),
    async [Symbol.asyncDispose]() {
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

Deno.test("GetRoleCredentials with an expiration of 1e20 is one sentence, exit 4, nothing cached", async () => {
  await using t = await setUp();
  await sessionToken(t.home, t.fake, 8 * HOUR);
  t.fake.options.credentialLifetimeMs = 1e20;
  const result = await t.run(["credential-process", "--profile", "dev"]);
  assertEquals(result.code, 4, result.stderr);
  assertEquals(
    result.stderr,
    "The SSO service returned an invalid credential expiration time in its GetRoleCredentials response; try again later.\n",
  );
  const cached = await Deno.stat(await t.home.credentialPath({ sessionName: "my-sso" })).then(
    () => true,
    () => false,
  );
  assert(!cached, "absurd credentials were cached");
});

Deno.test("CreateToken with expiresIn 1e20 keeps the still-valid token", async () => {
  await using t = await setUp();
  const seed = await sessionToken(t.home, t.fake, 10 * MINUTE);
  t.fake.options.accessTokenLifetimeSec = 1e20;
  const result = await t.run(["credential-process", "--profile", "dev"]);
  assertEquals(result.code, 0, result.stderr);
  parseCredentialOutput(result.stdout);
  assertEquals(t.fake.issuedCredentials[0].bearerToken, seed.accessToken);
  // The token file was not touched by the absurd answer.
  assertEquals(
    (await t.home.readToken({ sessionName: "my-sso" })).accessToken,
    seed.accessToken,
  );
});

Deno.test("CreateToken with expiresIn 1e20 for an expired token is one sentence, exit 4", async () => {
  await using t = await setUp();
  await sessionToken(t.home, t.fake, -MINUTE);
  t.fake.options.accessTokenLifetimeSec = 1e20;
  const result = await t.run(["credential-process", "--profile", "dev"]);
  assertEquals(result.code, 4, result.stderr);
  assertEquals(
    result.stderr,
    "The SSO service returned an invalid token lifetime (expiresIn) in its CreateToken response; try again later.\n",
  );
});

for (const command of [["roles", "--profile", "dev"], ["check", "-r", "Nope"]]) {
  Deno.test(`${command[0]} stops when ListAccounts repeats its nextToken, exit 4`, async () => {
    await using t = await setUp();
    await sessionToken(t.home, t.fake, 8 * HOUR);
    t.fake.options.repeatNextToken = true;
    const result = await t.run(command);
    assertEquals(result.code, 4, result.stderr);
    assertMatch(
      result.stderr,
      /^The SSO service returned the same ListAccounts page token twice, so the listing would never end; try again later\.\n$/m,
    );
    assertEquals(t.fake.requests.filter((r) => r.op === "ListAccounts").length, 2);
  });
}

Deno.test("configure populate stops when the listings repeat their nextToken, writing nothing", async () => {
  await using t = await setUp();
  await sessionToken(t.home, t.fake, 8 * HOUR);
  t.fake.options.repeatNextToken = true;
  const before = await Deno.readTextFile(t.home.configPath);
  const result = await t.run([
    "configure",
    "populate",
    "--sso-session",
    "my-sso",
    "-r",
    "eu-west-1",
  ]);
  assertEquals(result.code, 4, result.stderr);
  assertMatch(result.stderr, /returned the same List(Accounts|AccountRoles) page token twice/);
  assertEquals(await Deno.readTextFile(t.home.configPath), before);
});

Deno.test("a listing ends at the command's deadline however many pages the service has", async () => {
  await using t = await setUp();
  await sessionToken(t.home, t.fake, 8 * HOUR);
  t.fake.options.accounts = Array.from({ length: 50 }, (_, i) => ({
    accountId: String(100000000000 + i),
    accountName: `A${i}`,
    emailAddress: "a@x",
    roles: ["R"],
  }));
  t.fake.options.pageSize = 1;
  t.fake.delay("ListAccounts", 20);
  const result = await runCli(["roles", "--profile", "dev"], {
    home: t.home,
    endpoint: t.fake.url,
    limits: { ...QUICK_PACES, listingMs: 200 },
  });
  // The page in flight at the deadline is cut short, or no page starts after it.
  assertEquals(result.code, 4, result.stderr);
  assertMatch(
    result.stderr,
    /^(Listing the accounts and roles did not finish within the time limit; try again later|ListAccounts did not succeed before the time limit .*)\.\n$/,
  );
  assert(t.fake.requests.filter((r) => r.op === "ListAccounts").length < 50);
});

Deno.test("a cached access token with a line break is not sent: refreshed once, no network error", async () => {
  await using t = await setUp();
  const seed = await sessionToken(t.home, t.fake, 8 * HOUR);
  const path = seed.path;
  const json = JSON.parse(await Deno.readTextFile(path));
  await Deno.writeTextFile(path, JSON.stringify({ ...json, accessToken: "abc\r\nX-Evil: 1" }));
  const result = await t.run(["credential-process", "--profile", "dev"]);
  assertEquals(result.code, 0, result.stderr);
  parseCredentialOutput(result.stdout);
  // No request ever carried the damaged token; the refresh replaced it.
  assert(
    t.fake.requests.every((r) => !(r.headers["x-amz-sso_bearer_token"] ?? "").includes("abc")),
  );
  const refreshes = t.fake.requests.filter((r) =>
    r.op === "CreateToken" && (r.body as Record<string, unknown>).grantType === "refresh_token"
  );
  assertEquals(refreshes.length, 1);
});

Deno.test("a cached access token with invalid UTF-8 and no refresh token: login required, exit 1", async () => {
  await using t = await setUp();
  const path = await t.home.writeToken({ sessionName: "my-sso" }, cliToken("tok_", 8 * HOUR));
  // The byte 0xFF is never valid UTF-8: it reads as U+FFFD, which no header can carry.
  const bytes = await Deno.readFile(path);
  const at = new TextDecoder().decode(bytes).indexOf("tok_") + 3;
  bytes[at] = 0xff;
  await Deno.writeFile(path, bytes);
  const result = await t.run(["credential-process", "--profile", "dev"]);
  assertEquals(result.code, 1, result.stderr);
  assertMatch(result.stderr, /^The SSO token was rejected as unauthorized\. Login required\./);
  assertEquals(t.fake.requests.length, 0);
});

/**
 * No lost sessions: credential-process keeps the SSO session whatever fails around a token refresh
 * (a hanging or failing SSO OIDC service, an unwritable token cache, a killed write, a token the
 * service rejects). Run as a subprocess against the fake server, or in-process where a time limit
 * is injected so that no test waits out a real multi-second limit.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  captureSink,
  cliToken,
  LEGACY_PROFILE,
  loginOnFake,
  makeReadOnly,
  parseCredentialOutput,
  QUICK_PACES,
  runCli,
  SESSION_PROFILE,
  sessionToken,
  START_URL,
  TempHome,
  testRuntime,
  timestampIn,
} from "./helpers.ts";
import { credentialProcess } from "../src/commands/credential_process.ts";
import { AwsApiError, exitCodeOf, FAILURE_CODES } from "../src/base/errors.ts";
import { registrationFilePath } from "../src/cache/registration_cache.ts";
import type { SsoInstance } from "../src/config/settings.ts";
import { LIMITS, type Limits } from "../src/base/limits.ts";
import { lockPathFor, withFileLock } from "../src/base/file_lock.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SESSION: SsoInstance = {
  startUrl: START_URL,
  ssoRegion: "us-east-1",
  sessionName: "my-sso",
  scopes: ["sso:account:access"],
};
const DEV_LOGIN =
  "Login required. Use `aws-sso-util login --profile dev` or `aws sso login --profile dev` and try again.";

/** The access tokens GetRoleCredentials was called with, in order. */
function bearers(fake: FakeIdentityCenter): string[] {
  return fake.requests.filter((r) => r.op === "GetRoleCredentials").map((r) =>
    r.headers["x-amz-sso_bearer_token"]
  );
}

/** Runs credentialProcess in-process against the fake, with a temp HOME and injected limits. */
function inProcess(
  home: TempHome,
  fake: FakeIdentityCenter,
  limits: Partial<Limits>,
) {
  const stderr = captureSink();
  const rt = testRuntime({
    HOME: home.dir,
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
  }, { limits, stderr });
  const run = () => credentialProcess({ profile: "dev" }, rt);
  return {
    run,
    /** The warning sentences said on stderr. */
    get warnings() {
      return stderr.text.split("\n").filter(Boolean);
    },
  };
}

Deno.test("credential-process uses the still-valid token when its refresh hangs past the refresh budget", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 10 * MINUTE);
  fake.delay("CreateToken", 60_000);
  const started = Date.now();
  const process = inProcess(home, fake, { refreshBudgetMs: 300 });
  const { run } = process;
  const creds = await run();
  const elapsed = Date.now() - started;
  assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
  assertEquals(bearers(fake), [seed.accessToken]);
  assert(elapsed < 5_000, `took ${elapsed}ms`);
  assertEquals(process.warnings, []);
  assertEquals((await home.readToken({ sessionName: "my-sso" })).accessToken, seed.accessToken);
  // The real budget is a few seconds, well inside the 28-second limit.
  assert(LIMITS.refreshBudgetMs > 0 && LIMITS.refreshBudgetMs <= 5_000);
});

Deno.test("credential-process reports an SSO OIDC outage with exit 4 when an expired token cannot be refreshed", async () => {
  const cases: [string, (fake: FakeIdentityCenter) => void, string][] = [
    [
      "5xx",
      (f) => f.failAlways("CreateToken", { errorType: "InternalServerException" }),
      "failed with InternalServerException",
    ],
    [
      "bare 500",
      (f) => f.failAlways("CreateToken", { errorType: "", status: 500 }),
      "answered with HTTP status 500",
    ],
    [
      "429",
      (f) => f.failAlways("CreateToken", { errorType: "TooManyRequestsException" }),
      "failed with TooManyRequestsException",
    ],
    ["reset", (f) => f.closeConnectionNext("CreateToken", 20), "could not be reached"],
  ];
  for (const [name, fail, what] of cases) {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(SESSION_PROFILE);
    const seed = await sessionToken(home, fake, -MINUTE);
    fail(fake);
    const result = await runCli(["credential-process", "--profile", "dev"], {
      home,
      endpoint: fake.url,
      limits: QUICK_PACES, // the retries' backoff
    });
    assertEquals(
      [name, result.code, result.stderr],
      [
        name,
        4,
        `Could not refresh the SSO token: the SSO OIDC service at ${fake.url} ${what}; try again later.\n`,
      ],
    );
    assertEquals(result.stdout, "");
    assertEquals(fake.calls.GetRoleCredentials, 0);
    // The session is kept: the token file still holds the refresh token for the next try.
    assertEquals(
      (await home.readToken({ sessionName: "my-sso" })).refreshToken,
      seed.refreshToken,
    );
  }
});

Deno.test("credential-process reports a hanging SSO OIDC service as an outage when the token expired", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  await sessionToken(home, fake, -MINUTE);
  fake.delay("CreateToken", 60_000);
  const { run } = inProcess(home, fake, { credentialProcessMs: 500 });
  const error = await assertRejects(run, AwsApiError);
  assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), 4);
  assertEquals(
    error.message,
    `Could not refresh the SSO token: the SSO OIDC service at ${fake.url} did not answer in time; try again later.`,
  );
  assertEquals(fake.calls.GetRoleCredentials, 0);
});

Deno.test("credential-process asks for a login only when the refresh is rejected", async () => {
  for (const errorType of ["InvalidGrantException", "UnauthorizedClientException"]) {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(SESSION_PROFILE);
    await sessionToken(home, fake, -MINUTE);
    fake.failAlways("CreateToken", { errorType });
    const result = await runCli(["credential-process", "--profile", "dev"], {
      home,
      endpoint: fake.url,
    });
    assertEquals([errorType, result.code, result.stderr], [errorType, 1, `${DEV_LOGIN}\n`]);
  }
});

Deno.test("credential-process drops the cached registration the service forgot so that login registers again", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, -MINUTE);
  const regPath = await registrationFilePath(home.ssoCacheDir, SESSION);
  const registration = JSON.stringify({
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    expiresAt: seed.registrationExpiresAt,
    scopes: ["sso:account:access"],
  });
  await Deno.writeTextFile(regPath, registration);
  // Another instance's registration is not touched.
  const otherReg = `${home.ssoCacheDir}/other-registration.json`;
  await Deno.writeTextFile(otherReg, registration);
  fake.failAlways("CreateToken", { errorType: "InvalidClientException" });
  const result = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals([result.code, result.stderr], [1, `${DEV_LOGIN}\n`]);
  assertEquals(await Deno.stat(regPath).then(() => true, () => false), false);
  assertEquals(await Deno.readTextFile(otherReg), registration);
});

Deno.test({
  name:
    "credential-process does not refresh when the token cache is read-only: current token or exit 5",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(SESSION_PROFILE);
    const seed = await sessionToken(home, fake, 5 * MINUTE);
    const restore = await makeReadOnly(home.ssoCacheDir);
    if (!restore) {
      console.log("cannot make a directory read-only here (root without chattr): skipped");
      return;
    }
    try {
      const before = fake.calls.CreateToken;
      const valid = await runCli(["credential-process", "--profile", "dev"], {
        home,
        endpoint: fake.url,
      });
      assertEquals(valid.code, 0, valid.stderr);
      assertMatch(
        valid.stderr,
        /^Not refreshing the SSO token because \S+\/\.aws\/sso\/cache cannot be written \(permission denied\); using the current token, which expires at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.\n$/,
      );
      assertEquals(
        parseCredentialOutput(valid.stdout).AccessKeyId,
        fake.issuedCredentials[0].accessKeyId,
      );
      assertEquals(bearers(fake), [seed.accessToken]);
      assertEquals(fake.calls.CreateToken, before);

      await restore();
      await sessionToken(home, fake, -MINUTE);
      const afterSecondLogin = fake.calls.CreateToken;
      await makeReadOnly(home.ssoCacheDir);
      const expired = await runCli(["credential-process", "--profile", "dev", "--force-refresh"], {
        home,
        endpoint: fake.url,
      });
      assertEquals(expired.code, 5, expired.stderr);
      assertMatch(
        expired.stderr,
        /^The SSO token has expired and cannot be refreshed because \S+\/\.aws\/sso\/cache cannot be written \(permission denied\); fix that and try again \(refreshing now would lose the session\)\.\n$/,
      );
      assertEquals(fake.calls.CreateToken, afterSecondLogin);
    } finally {
      await restore();
    }
  },
});

/** Mounts a tiny tmpfs on `dir` (root on Linux only); returns how to unmount it. */
async function mountTinyFs(dir: string): Promise<(() => Promise<void>) | undefined> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return undefined;
  const run = (cmd: string, args: string[]) =>
    new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()
      .then((o) => o.success, () => false);
  await Deno.mkdir(dir, { recursive: true });
  if (!await run("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", dir])) {
    return undefined;
  }
  return async () => void await run("umount", [dir]);
}

Deno.test({
  name: "credential-process does not refresh when the disk of the token cache is full",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(SESSION_PROFILE);
    const unmount = await mountTinyFs(home.ssoCacheDir);
    if (!unmount) {
      console.log("cannot mount a small file system here (needs root on Linux): skipped");
      return;
    }
    try {
      const seed = await sessionToken(home, fake, 5 * MINUTE);
      // Fill the file system up.
      const filler = await Deno.open(`${home.ssoCacheDir}/filler`, { write: true, create: true });
      try {
        while (true) await filler.write(new Uint8Array(4096));
      } catch {
        // Full.
      } finally {
        filler.close();
      }
      const before = fake.calls.CreateToken;
      const result = await runCli(["credential-process", "--profile", "dev"], {
        home,
        endpoint: fake.url,
      });
      assertEquals(result.code, 0, result.stderr);
      assertMatch(
        result.stderr,
        /^Not refreshing the SSO token because \S+ cannot be written \(the disk is full\); using the current token, which expires at \S+Z\.\n$/,
      );
      assertEquals(bearers(fake), [seed.accessToken]);
      assertEquals(fake.calls.CreateToken, before);
      assertEquals(
        (await home.readToken({ sessionName: "my-sso" })).refreshToken,
        seed.refreshToken,
      );
    } finally {
      await unmount();
    }
  },
});

Deno.test("credential-process recovers a newer token that a killed refresh left in a temp file", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  const path = await home.writeToken({}, cliToken("at-old", -MINUTE));
  fake.addAccessToken("at-recovered");
  const temp = `${path}.0badcafe.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify(cliToken("at-recovered", 8 * HOUR)));
  const then = new Date(Date.now() - 5_000);
  await Deno.utime(temp, then, then);
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals([result.code, result.stderr], [0, ""]);
  assertEquals(bearers(fake), ["at-recovered"]);
  assertEquals((await home.readToken({})).accessToken, "at-recovered");
  assertEquals(await Deno.stat(temp).then(() => true, () => false), false);
  assertEquals(fake.calls.CreateToken, 0);
});

Deno.test("credential-process refreshes a token the service rejects although it looks valid, then retries", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 8 * HOUR);
  fake.revokeAccessToken(seed.accessToken);
  const before = fake.calls.CreateToken;
  const result = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals([result.code, result.stderr], [0, ""]);
  assertEquals(fake.calls.CreateToken - before, 1);
  const renewed = fake.issuedAccessTokens().at(-1)!;
  assertEquals(bearers(fake), [seed.accessToken, renewed]);
  assertEquals((await home.readToken({ sessionName: "my-sso" })).accessToken, renewed);
});

Deno.test("credential-process marks a rejected token expired so that login really logs in again", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ autoApproveDeviceAfterPolls: 0 });
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 8 * HOUR);
  fake.revokeAccessToken(seed.accessToken);
  fake.revokeRefreshToken(seed.refreshToken);
  const rejected = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(rejected.code, 1);
  assertEquals(rejected.stderr, `The SSO token was rejected as unauthorized. ${DEV_LOGIN}\n`);
  const marked = await home.readToken({ sessionName: "my-sso" });
  assertEquals(marked.accessToken, seed.accessToken);
  // Its refresh was rejected too: the dead refresh token is gone, nothing calls it refreshable.
  assertEquals(marked.refreshToken, undefined);
  assert(Date.parse(marked.expiresAt as string) <= Date.now(), "marked expired");

  const login = await runCli(["login", "--profile", "dev", "--no-browser"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(login.code, 0, login.stderr);
  assertMatch(login.stderr, /Login succeeded/);
  const renewed = fake.issuedAccessTokens().at(-1)!;
  assertEquals((await home.readToken({ sessionName: "my-sso" })).accessToken, renewed);
  const again = await runCli(["credential-process", "--profile", "dev"], {
    home,
    endpoint: fake.url,
  });
  assertEquals([again.code, again.stderr], [0, ""]);
  assertEquals(bearers(fake).at(-1), renewed);
});

Deno.test("credential-process marks a rejected legacy token expired so that login logs in again", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ autoApproveDeviceAfterPolls: 0 });
  await home.writeConfig(LEGACY_PROFILE);
  await home.writeToken({}, cliToken("at-unknown-to-server", 8 * HOUR, { custom: "kept" }));
  const rejected = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(rejected.code, 1);
  assertEquals(fake.calls.CreateToken, 0);
  const marked = await home.readToken({});
  assertEquals(marked.custom, "kept");
  assert(Date.parse(marked.expiresAt as string) <= Date.now(), "marked expired");
  const login = await runCli(["login", "--profile", "legacy", "--headless"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(login.code, 0, login.stderr);
  assert(!login.stderr.includes("Already logged in"), login.stderr);
  assertEquals((await home.readToken({})).accessToken, fake.issuedAccessTokens().at(-1));
});

Deno.test("a token lock held past the refresh budget (a stopped holder) leaves the still-valid token in use", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const seed = await sessionToken(home, fake, 10 * MINUTE);
  const started = Date.now();
  const creds = await withFileLock(lockPathFor(seed.path), 0, async (locked) => {
    assert(locked);
    return await inProcess(home, fake, { refreshBudgetMs: 300 }).run();
  });
  // Not the 28 s deadline: the budget, then the current token (no refresh beside the holder).
  assert(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
  assertEquals(bearers(fake), [seed.accessToken]);
  // No refresh happened beside the holder: no token beyond the login's was issued.
  assertEquals(fake.issuedAccessTokens(), [seed.accessToken]);
});

Deno.test("a credential lock held by a stopped process delays another run only by the lock wait", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  await sessionToken(home, fake, 8 * HOUR);
  const credPath = await home.credentialPath({ sessionName: "my-sso" });
  await Deno.mkdir(home.cliCacheDir, { recursive: true });
  const started = Date.now();
  const creds = await withFileLock(lockPathFor(credPath), 0, async (locked) => {
    assert(locked);
    return await inProcess(home, fake, { credentialLockWaitMs: 300 }).run();
  });
  assert(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
});

Deno.test("a refresh killed just after the service rotated the token is recovered at once, not a false login", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  // The file holds the old token (in its refresh window) and a refresh token the service rotated
  // away; the killed refresh's temp file, written a moment ago, holds the live one.
  const seed = await sessionToken(home, fake, 10 * MINUTE);
  const live = await loginOnFake(fake);
  fake.revokeRefreshToken(seed.refreshToken);
  await Deno.writeTextFile(
    `${seed.path}.1234abcd.tmp`,
    JSON.stringify({
      ...JSON.parse(await Deno.readTextFile(seed.path)),
      accessToken: live.accessToken,
      refreshToken: live.refreshToken,
      expiresAt: timestampIn(8 * HOUR),
    }),
  );
  const creds = await inProcess(home, fake, {}).run();
  assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
  assertEquals(bearers(fake), [live.accessToken]);
  assertEquals((await home.readToken({ sessionName: "my-sso" })).accessToken, live.accessToken);
  const refreshes = fake.requests.filter((r) =>
    r.op === "CreateToken" && (r.body as Record<string, unknown>).grantType === "refresh_token"
  );
  assertEquals(refreshes.length, 0);
});

Deno.test("a read-only role credential cache: credentials are fetched and that is said once", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  await sessionToken(home, fake, 8 * HOUR);
  await Deno.mkdir(home.cliCacheDir, { recursive: true });
  const restore = await makeReadOnly(home.cliCacheDir);
  if (restore === undefined) return; // root without chattr: nothing is read-only here
  try {
    const process = inProcess(home, fake, {});
    const creds = await process.run();
    assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
    assertEquals(process.warnings.length, 1);
    assertMatch(
      process.warnings[0],
      /^Cannot store role credentials in \S+cli\/cache \(.+\); other runs cannot reuse them, so each fetches its own\.$/,
    );
  } finally {
    await restore();
  }
});

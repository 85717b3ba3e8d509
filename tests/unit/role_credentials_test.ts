/**
 * Module tests of the credential path (src/sso/role_credentials.ts) against a fake HTTP transport
 * on a virtual clock: the role credential cache (hit, stale, forced), its lock (filled by another
 * holder, or not free in time), a token the service rejects, the time limit and a login.
 */
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { awsError, fakeSession, ok, refreshed, SESSION_INSTANCE } from "../fake_http.ts";
import type { DebugLog } from "../../src/base/debug_log.ts";
import {
  AwsApiError,
  exitCodeOf,
  FAILURE_CODES,
  LoginRequiredError,
} from "../../src/base/errors.ts";
import { lockPathFor, withFileLock } from "../../src/base/file_lock.ts";
import { LIMITS, type Limits } from "../../src/base/limits.ts";
import {
  credentialFilePath,
  readCachedCredentials,
  type RoleCredentials,
  writeCachedCredentials,
} from "../../src/cache/credential_cache.ts";
import { readToken } from "../../src/cache/token_cache.ts";
import { roleCredentials } from "../../src/sso/role_credentials.ts";
import type { SessionLogin } from "../../src/sso/session.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ROLE = { accountId: "123456789012", roleName: "MyRole" };

/** A session on a fake transport, its token file, and the role's credential cache file. */
async function setup(parts: { limits?: Partial<Limits>; login?: SessionLogin } = {}) {
  const t = await fakeSession(parts);
  const credPath = await credentialFilePath(t.home.cliCacheDir, {
    ...SESSION_INSTANCE,
    ...ROLE,
  });
  return {
    ...t,
    credPath,
    /** Cached credentials of the role, valid for `validMs`. */
    async writeCache(accessKeyId: string, validMs: number): Promise<RoleCredentials> {
      const creds = credentials(accessKeyId, t.fake.clock.now() + validMs);
      await Deno.mkdir(t.home.cliCacheDir, { recursive: true });
      await writeCachedCredentials(credPath, creds);
      return creds;
    },
    /** The bearer tokens GetRoleCredentials was called with. */
    bearers: () =>
      t.fake.callsOf("GetRoleCredentials").map((c) => c.request.headers["x-amz-sso_bearer_token"]),
  };
}

function credentials(accessKeyId: string, expiration: number): RoleCredentials {
  return {
    accessKeyId,
    secretAccessKey: `secret-${accessKeyId}`,
    sessionToken: `session-${accessKeyId}`,
    expiration: Math.floor(expiration / 1000) * 1000,
    accountId: ROLE.accountId,
  };
}

/** GetRoleCredentials' answer: credentials valid for an hour from `now`. */
const roleCredentialsReply = (accessKeyId: string, now: number) => {
  const c = credentials(accessKeyId, now + HOUR);
  return ok({
    roleCredentials: {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration,
    },
  });
};

const logged = (log: DebugLog, text: string) => log.lines.some((l) => l.endsWith(text));

Deno.test("roleCredentials() returns cached credentials with 15 minutes left without a call", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  const cached = await t.writeCache("AKIACACHED", 20 * MINUTE);
  const creds = await roleCredentials(t.session, ROLE, {});
  assertEquals(creds, cached);
  assertEquals(t.fake.calls, []);
});

Deno.test("roleCredentials() fetches and caches new credentials when the cached ones have less than 15 minutes left", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  await t.writeCache("AKIASTALE", 14 * MINUTE);
  t.fake.next("GetRoleCredentials", roleCredentialsReply("AKIANEW", t.fake.clock.now()));
  const creds = await roleCredentials(t.session, ROLE, {});
  assertEquals(creds.accessKeyId, "AKIANEW");
  assertEquals(t.bearers(), ["at-old"]);
  const [call] = t.fake.callsOf("GetRoleCredentials");
  assertEquals(
    new URL(call.request.url).search,
    "?role_name=MyRole&account_id=123456789012",
  );
  assertEquals(await readCachedCredentials(t.credPath), creds);
  assert(logged(t.log, `credential cache stale: ${t.credPath}`));
});

Deno.test("roleCredentials() refreshes the token and fetches despite usable cached credentials when forceRefresh is set", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  await t.writeCache("AKIACACHED", 50 * MINUTE);
  t.fake.next("GetRoleCredentials", roleCredentialsReply("AKIANEW", t.fake.clock.now()))
    .next("CreateToken", refreshed());
  const creds = await roleCredentials(t.session, ROLE, { forceRefresh: true });
  assertEquals(creds.accessKeyId, "AKIANEW");
  assertEquals(t.bearers(), ["at-new"]);
  assertEquals((await readCachedCredentials(t.credPath))?.accessKeyId, "AKIANEW");
});

Deno.test("roleCredentials() takes the credentials another holder of the lock cached meanwhile", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  let theirs!: RoleCredentials;
  let running!: Promise<RoleCredentials>;
  await withFileLock(lockPathFor(t.credPath), 1_000, async (locked) => {
    assert(locked);
    running = roleCredentials(t.session, ROLE, {});
    // The other process fetches while this run waits for the lock.
    while (!logged(t.log, `credential cache miss: ${t.credPath}`)) {
      await new Promise((r) => setTimeout(r, 0));
    }
    theirs = await t.writeCache("AKIATHEIRS", HOUR);
  });
  assertEquals(await running, theirs);
  assertEquals(t.fake.calls, []);
  assert(logged(t.log, "credential cache filled by another process (****EIRS)"));
});

Deno.test("roleCredentials() fetches its own credentials when the lock is not free within credentialLockWaitMs", async () => {
  await using t = await setup({ limits: { credentialLockWaitMs: 0 } });
  await t.writeToken(8 * HOUR);
  t.fake.next("GetRoleCredentials", roleCredentialsReply("AKIAOWN", t.fake.clock.now()));
  const creds = await withFileLock(
    lockPathFor(t.credPath),
    1_000,
    () => roleCredentials(t.session, ROLE, {}),
  );
  assertEquals(creds.accessKeyId, "AKIAOWN");
  assert(logged(t.log, "credential lock not acquired; going on"));
  assertEquals((await readCachedCredentials(t.credPath))?.accessKeyId, "AKIAOWN");
});

Deno.test("roleCredentials() refreshes a token the service rejects once and tries again with the new one", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  t.fake.next(
    "GetRoleCredentials",
    awsError(401, "UnauthorizedException", "Session token not found or invalid"),
  )
    .next("GetRoleCredentials", roleCredentialsReply("AKIANEW", t.fake.clock.now()))
    .next("CreateToken", refreshed());
  const creds = await roleCredentials(t.session, ROLE, {});
  assertEquals(creds.accessKeyId, "AKIANEW");
  assertEquals(t.bearers(), ["at-old", "at-new"]);
  assertEquals((await readToken(t.tokenPath))?.accessToken, "at-new");
});

Deno.test("roleCredentials() asks for a login and marks the token expired when the service rejects its refreshed token too", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  t.fake.always("GetRoleCredentials", awsError(401, "UnauthorizedException"))
    .next("CreateToken", refreshed());
  const error = await assertRejects(
    () => roleCredentials(t.session, ROLE, {}),
    LoginRequiredError,
  );
  assertEquals(
    error.message,
    "The SSO token was rejected as unauthorized. Login required. Use `aws-sso-util login --profile dev` or `aws sso login --profile dev` and try again.",
  );
  assertEquals(t.bearers(), ["at-old", "at-new"]);
  const stored = await readToken(t.tokenPath);
  assertEquals(stored?.accessToken, "at-new");
  assertEquals(stored?.expiresAt, Math.floor(t.fake.clock.now() / 1000) * 1000);
});

Deno.test("roleCredentials() gives up at credentialProcessMs when GetRoleCredentials does not answer", async () => {
  await using t = await setup();
  await t.writeToken(8 * HOUR);
  t.fake.always("GetRoleCredentials", "hang");
  const started = t.fake.clock.now();
  const error = await assertRejects(() => roleCredentials(t.session, ROLE, {}), AwsApiError);
  assertEquals(error.errorCode, "Timeout");
  assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), 4);
  assertEquals(t.fake.clock.now() - started, LIMITS.credentialProcessMs);
  // Attempts of requestTimeoutMs, the last one cut at the limit.
  assertEquals(
    t.fake.callsOf("GetRoleCredentials").length,
    Math.ceil(LIMITS.credentialProcessMs / LIMITS.requestTimeoutMs),
  );
  assertEquals(await readCachedCredentials(t.credPath), undefined);
});

Deno.test("roleCredentials() logs in through the session when a login is required, and the time limit starts after it", async () => {
  const logins: string[] = [];
  await using t = await setup({
    login: async (session, request) => {
      logins.push(request.loginRequired.message);
      // The user takes ten minutes, far longer than the network time limit.
      await session.rt.sleep(10 * MINUTE);
      await t.writeToken(8 * HOUR);
      return (await readToken(t.tokenPath))!;
    },
  });
  const started = t.fake.clock.now();
  t.fake.next("GetRoleCredentials", (request) => {
    assertEquals(request.headers["x-amz-sso_bearer_token"], "at-old");
    return roleCredentialsReply("AKIANEW", t.fake.clock.now());
  });
  const creds = await roleCredentials(t.session, ROLE, {});
  assertEquals(creds.accessKeyId, "AKIANEW");
  assertEquals(logins, [
    "Login required. Use `aws-sso-util login --profile dev` or `aws sso login --profile dev` and try again.",
  ]);
  assertEquals(t.fake.callsOf("GetRoleCredentials")[0].at - started, 10 * MINUTE);
});

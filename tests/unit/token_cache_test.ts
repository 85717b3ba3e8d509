/** Unit tests of the SSO token cache file (docs/formats.md §1.2, §1.3, §2). */
import { tokenCacheKey } from "../../src/cache/cache_keys.ts";
import {
  isTokenFresh,
  isTokenRefreshable,
  readToken,
  refreshedTokenJson,
  type SsoToken,
  TOKEN_REFRESH_WINDOW_MS,
  tokenFilePath,
  tokenFromJson,
  writeToken,
} from "../../src/cache/token_cache.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { withTempDir } from "../script_helpers.ts";

const NOW = Date.UTC(2026, 10, 24, 0, 0, 0);
const MINUTE = 60_000;
const START_URL = "https://example.awsapps.com/start";

/** A token file as `aws sso login` writes it (docs/formats.md §1.2). */
const CLI_TOKEN = {
  startUrl: START_URL,
  region: "us-east-1",
  accessToken: "at-123",
  expiresAt: "2026-11-24T08:00:00Z",
  clientId: "cid",
  clientSecret: "csecret",
  registrationExpiresAt: "2027-02-22T00:00:00Z",
  refreshToken: "rt-1",
};

function token(overrides: Partial<SsoToken> = {}): SsoToken {
  return {
    raw: {},
    accessToken: "at",
    expiresAt: NOW + 60 * MINUTE,
    refreshToken: "rt",
    clientId: "cid",
    clientSecret: "cs",
    registrationExpiresAt: NOW + 90 * 24 * 60 * MINUTE,
    ...overrides,
  };
}

Deno.test("tokenFromJson() reads every field of a CLI token file and keeps the raw JSON", () => {
  const t = tokenFromJson({ ...CLI_TOKEN, extra: { nested: 1 } });
  assert(t);
  assertEquals(t.accessToken, "at-123");
  assertEquals(t.expiresAt, Date.UTC(2026, 10, 24, 8, 0, 0));
  assertEquals(t.refreshToken, "rt-1");
  assertEquals(t.clientId, "cid");
  assertEquals(t.clientSecret, "csecret");
  assertEquals(t.registrationExpiresAt, Date.UTC(2027, 1, 22));
  assertEquals(t.raw, { ...CLI_TOKEN, extra: { nested: 1 } });
});

Deno.test("tokenFromJson() requires accessToken and expiresAt", () => {
  const { accessToken: _a, ...noAccess } = CLI_TOKEN;
  const { expiresAt: _e, ...noExpiry } = CLI_TOKEN;
  assertEquals(tokenFromJson(noAccess), undefined);
  assertEquals(tokenFromJson(noExpiry), undefined);
  assertEquals(tokenFromJson({ ...CLI_TOKEN, accessToken: "" }), undefined);
  assertEquals(tokenFromJson({ ...CLI_TOKEN, accessToken: 42 }), undefined);
  assertEquals(tokenFromJson({ ...CLI_TOKEN, expiresAt: "2026-11-24T08:00:00" }), undefined);
  assertEquals(tokenFromJson({ ...CLI_TOKEN, expiresAt: 1795500000 }), undefined);
  assertEquals(tokenFromJson({}), undefined);
});

Deno.test("tokenFromJson() accepts a minimal token and the JS SDK's millisecond timestamps", () => {
  const t = tokenFromJson({ accessToken: "a", expiresAt: "2026-11-24T08:00:00.123Z" });
  assert(t);
  assertEquals(t.expiresAt, Date.UTC(2026, 10, 24, 8, 0, 0, 123));
  assertEquals(t.refreshToken, undefined);
  assertEquals(t.clientId, undefined);
  assertEquals(t.clientSecret, undefined);
  assertEquals(t.registrationExpiresAt, undefined);
});

Deno.test("tokenFromJson() treats empty or non-string optional fields as absent", () => {
  const t = tokenFromJson({
    ...CLI_TOKEN,
    refreshToken: "",
    clientId: 5,
    clientSecret: null,
    registrationExpiresAt: "soon",
  });
  assert(t);
  assertEquals(
    [t.refreshToken, t.clientId, t.clientSecret, t.registrationExpiresAt],
    [undefined, undefined, undefined, undefined],
  );
});

Deno.test("isTokenFresh() is true with at least 15 minutes left and false below", () => {
  assertEquals(TOKEN_REFRESH_WINDOW_MS, 15 * MINUTE);
  assertEquals(isTokenFresh(token({ expiresAt: NOW + 60 * MINUTE }), NOW), true);
  assertEquals(isTokenFresh(token({ expiresAt: NOW + 15 * MINUTE + 1 }), NOW), true);
  assertEquals(
    isTokenFresh(token({ expiresAt: NOW + 15 * MINUTE }), NOW),
    true,
    "botocore refreshes only when remaining < 15 min",
  );
  assertEquals(isTokenFresh(token({ expiresAt: NOW + 15 * MINUTE - 1 }), NOW), false);
  assertEquals(isTokenFresh(token({ expiresAt: NOW + 14 * MINUTE + 59_000 }), NOW), false);
  assertEquals(isTokenFresh(token({ expiresAt: NOW }), NOW), false);
  assertEquals(isTokenFresh(token({ expiresAt: NOW - MINUTE }), NOW), false);
});

Deno.test("isTokenRefreshable() needs refreshToken, clientId, clientSecret and an unexpired registration", () => {
  assertEquals(isTokenRefreshable(token(), NOW), true);
  assertEquals(
    isTokenRefreshable(token({ expiresAt: NOW - MINUTE }), NOW),
    true,
    "an expired access token can still be refreshed",
  );
  assertEquals(isTokenRefreshable(token({ refreshToken: undefined }), NOW), false);
  assertEquals(isTokenRefreshable(token({ clientId: undefined }), NOW), false);
  assertEquals(isTokenRefreshable(token({ clientSecret: undefined }), NOW), false);
  assertEquals(isTokenRefreshable(token({ registrationExpiresAt: undefined }), NOW), false);
  assertEquals(isTokenRefreshable(token({ registrationExpiresAt: NOW }), NOW), false);
  assertEquals(isTokenRefreshable(token({ registrationExpiresAt: NOW - 1 }), NOW), false);
  assertEquals(isTokenRefreshable(token({ registrationExpiresAt: NOW + 1 }), NOW), true);
});

Deno.test("refreshedTokenJson() keeps unknown fields and replaces the access token and expiry", () => {
  const old = { ...CLI_TOKEN, startUrl: "https://stale/", region: "eu-west-1", custom: [1, 2] };
  const json = refreshedTokenJson(
    old,
    { startUrl: START_URL, ssoRegion: "us-east-1", sessionName: "my-sso" },
    { accessToken: "at-new", expiresIn: 28_800, refreshToken: "rt-2" },
    NOW + 456,
  );
  assertEquals(json, {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: "at-new",
    expiresAt: "2026-11-24T08:00:00Z",
    clientId: "cid",
    clientSecret: "csecret",
    registrationExpiresAt: "2027-02-22T00:00:00Z",
    refreshToken: "rt-2",
    custom: [1, 2],
  });
  assertMatch(json.expiresAt as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assertEquals(old.accessToken, "at-123", "the old object is not modified");
});

Deno.test("refreshedTokenJson() keeps the old refresh token when CreateToken returns none", () => {
  for (const refreshToken of [undefined, ""]) {
    const json = refreshedTokenJson(
      CLI_TOKEN,
      { startUrl: START_URL, ssoRegion: "us-east-1" },
      { accessToken: "at-new", expiresIn: 3600, refreshToken },
      NOW,
    );
    assertEquals(json.refreshToken, "rt-1");
    assertEquals(json.expiresAt, "2026-11-24T01:00:00Z");
  }
});

Deno.test("refreshedTokenJson() adds startUrl and region to a token that lacked them", () => {
  const json = refreshedTokenJson(
    { accessToken: "old", expiresAt: "2026-11-24T00:00:00.000Z", refreshToken: "r" },
    { startUrl: START_URL, ssoRegion: "ap-south-1" },
    { accessToken: "new", expiresIn: 60 },
    NOW,
  );
  assertEquals(json, {
    accessToken: "new",
    expiresAt: "2026-11-24T00:01:00Z",
    refreshToken: "r",
    startUrl: START_URL,
    region: "ap-south-1",
  });
});

Deno.test("tokenFilePath() names the file after the token cache key", async () => {
  assertEquals(
    await tokenFilePath("/home/u/.aws/sso/cache", { startUrl: START_URL, ssoRegion: "us-east-1" }),
    "/home/u/.aws/sso/cache/e8be5486177c5b5392bd9aa76563515b29358e6e.json",
  );
  assertEquals(
    await tokenFilePath("/c/", {
      startUrl: START_URL,
      ssoRegion: "us-east-1",
      sessionName: "my-sso",
    }),
    "/c/0ad374308c5a4e22f723adf10145eafad7c4031c.json",
  );
});

Deno.test("writeToken() and readToken() round-trip a token file with mode 0600 in a new 0700 dir", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = `${dir}/.aws/sso/cache`;
    const path = `${cacheDir}/${await tokenCacheKey({
      sessionName: "my-sso",
      startUrl: START_URL,
    })}.json`;
    await writeToken(path, { ...CLI_TOKEN, unknown: "kept" });
    const text = await Deno.readTextFile(path);
    assertEquals(
      text,
      '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", "accessToken": "at-123", "expiresAt": "2026-11-24T08:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2027-02-22T00:00:00Z", "refreshToken": "rt-1", "unknown": "kept"}',
    );
    assert(!text.includes("\n"), "single line");
    if (Deno.build.os !== "windows") {
      assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
      assertEquals((await Deno.stat(cacheDir)).mode! & 0o777, 0o700);
    }
    const read = await readToken(path);
    assert(read);
    assertEquals(read.accessToken, "at-123");
    assertEquals(read.raw, { ...CLI_TOKEN, unknown: "kept" });
    assertEquals([...Deno.readDirSync(cacheDir)].length, 1, "no temp file left behind");
  });
});

Deno.test("writeToken() escapes non-ASCII like the AWS CLI", async () => {
  await withTempDir(async (dir) => {
    await writeToken(`${dir}/t.json`, { accessToken: "ä", expiresAt: "2026-11-24T08:00:00Z" });
    assertEquals(
      await Deno.readTextFile(`${dir}/t.json`),
      '{"accessToken": "\\u00e4", "expiresAt": "2026-11-24T08:00:00Z"}',
    );
    assertEquals((await readToken(`${dir}/t.json`))?.accessToken, "ä");
  });
});

Deno.test("readToken() treats missing, corrupt and incomplete token files as absent", async () => {
  await withTempDir(async (dir) => {
    assertEquals(await readToken(`${dir}/missing.json`), undefined);
    await Deno.writeTextFile(`${dir}/corrupt.json`, '{"accessToken": "at", "expiresAt": "2026-');
    assertEquals(await readToken(`${dir}/corrupt.json`), undefined);
    await Deno.writeTextFile(`${dir}/empty.json`, "");
    assertEquals(await readToken(`${dir}/empty.json`), undefined);
    await Deno.writeTextFile(`${dir}/array.json`, "[]");
    assertEquals(await readToken(`${dir}/array.json`), undefined);
    await Deno.writeTextFile(`${dir}/registration.json`, '{"clientId": "c", "clientSecret": "s"}');
    assertEquals(await readToken(`${dir}/registration.json`), undefined);
    await Deno.writeTextFile(
      `${dir}/js.json`,
      JSON.stringify({ accessToken: "at", expiresAt: "2026-11-24T08:00:00.000Z" }, null, 2),
    );
    assertEquals((await readToken(`${dir}/js.json`))?.accessToken, "at", "JS SDK layout");
  });
});

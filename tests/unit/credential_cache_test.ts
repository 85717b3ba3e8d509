/** Unit tests of the role-credential cache in ~/.aws/cli/cache (docs/formats.md §3) and the process output (§4). */
import {
  areCredentialsReusable,
  CREDENTIAL_REUSE_MARGIN_MS,
  credentialFilePath,
  credentialProcessJson,
  readCachedCredentials,
  type RoleCredentials,
  writeCachedCredentials,
} from "../../src/cache/credential_cache.ts";
import { assert, assertEquals } from "../assert.ts";
import { withTempDir } from "../script_helpers.ts";

const EXPIRATION = Date.UTC(2026, 10, 24, 0, 32, 24);
const MINUTE = 60_000;

const CREDS: RoleCredentials = {
  accessKeyId: "ASIAEXAMPLEKEY",
  secretAccessKey: "secret/key+value",
  sessionToken: "session-token==",
  expiration: EXPIRATION + 999,
  accountId: "123456789012",
};

Deno.test("writeCachedCredentials() writes byte-for-byte the AWS CLI layout", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/creds.json`;
    await writeCachedCredentials(path, CREDS);
    assertEquals(
      await Deno.readTextFile(path),
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLEKEY", "SecretAccessKey": "secret/key+value", "SessionToken": "session-token==", "Expiration": "2026-11-24T00:32:24Z", "AccountId": "123456789012"}}',
    );
  });
});

Deno.test("writeCachedCredentials() leaves out AccountId when it is unknown", async () => {
  await withTempDir(async (dir) => {
    await writeCachedCredentials(`${dir}/c.json`, { ...CREDS, accountId: undefined });
    assertEquals(
      await Deno.readTextFile(`${dir}/c.json`),
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLEKEY", "SecretAccessKey": "secret/key+value", "SessionToken": "session-token==", "Expiration": "2026-11-24T00:32:24Z"}}',
    );
  });
});

Deno.test("writeCachedCredentials() creates the cache dir 0700 and the file 0600", async () => {
  await withTempDir(async (dir) => {
    const cacheDir = `${dir}/.aws/cli/cache`;
    const path = await credentialFilePath(cacheDir, {
      accountId: "123456789012",
      roleName: "MyRole",
      startUrl: "https://example.awsapps.com/start",
    });
    assertEquals(path, `${cacheDir}/ea357e91e3d9b7ecbf87886287e7975645602097.json`);
    await writeCachedCredentials(path, CREDS);
    if (Deno.build.os !== "windows") {
      assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
      assertEquals((await Deno.stat(cacheDir)).mode! & 0o777, 0o700);
    }
    assertEquals([...Deno.readDirSync(cacheDir)].map((e) => e.name), [
      "ea357e91e3d9b7ecbf87886287e7975645602097.json",
    ]);
  });
});

Deno.test("readCachedCredentials() round-trips what writeCachedCredentials() wrote", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/c.json`;
    await writeCachedCredentials(path, CREDS);
    assertEquals(await readCachedCredentials(path), { ...CREDS, expiration: EXPIRATION });
    await writeCachedCredentials(path, { ...CREDS, accessKeyId: "ASIASECOND" });
    assertEquals((await readCachedCredentials(path))?.accessKeyId, "ASIASECOND", "overwritten");
  });
});

Deno.test("readCachedCredentials() reads a file written by an older AWS CLI without AccountId", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/old.json`;
    await Deno.writeTextFile(
      path,
      '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAOLD", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-11-24T00:32:24+00:00"}}',
    );
    const creds = await readCachedCredentials(path);
    assert(creds);
    assertEquals(creds, {
      accessKeyId: "ASIAOLD",
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: EXPIRATION,
      accountId: undefined,
    });
    assertEquals(creds.accountId, undefined);
  });
});

Deno.test("readCachedCredentials() treats corrupt or incomplete files as a miss", async () => {
  await withTempDir(async (dir) => {
    const cases: Record<string, string> = {
      "truncated": '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A',
      "empty": "",
      "array": "[]",
      "no-credentials": '{"ProviderType": "sso"}',
      "credentials-string": '{"Credentials": "x"}',
      "credentials-null": '{"Credentials": null}',
      "no-expiration":
        '{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t"}}',
      "naive-expiration":
        '{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-11-24T00:32:24"}}',
      "empty-key":
        '{"Credentials": {"AccessKeyId": "", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-11-24T00:32:24Z"}}',
      "no-secret":
        '{"Credentials": {"AccessKeyId": "A", "SessionToken": "t", "Expiration": "2026-11-24T00:32:24Z"}}',
    };
    for (const [name, text] of Object.entries(cases)) {
      await Deno.writeTextFile(`${dir}/${name}.json`, text);
      assertEquals(await readCachedCredentials(`${dir}/${name}.json`), undefined, name);
    }
    assertEquals(await readCachedCredentials(`${dir}/missing.json`), undefined, "missing");
  });
});

Deno.test("areCredentialsReusable() needs at least 15 minutes left", () => {
  assertEquals(CREDENTIAL_REUSE_MARGIN_MS, 15 * MINUTE);
  const now = EXPIRATION - 15 * MINUTE;
  const creds = { ...CREDS, expiration: EXPIRATION };
  assertEquals(areCredentialsReusable(creds, now), true, "exactly 15:00 left");
  assertEquals(areCredentialsReusable(creds, now + 1_000), false, "14:59 left");
  assertEquals(areCredentialsReusable(creds, now + 1), false, "14:59.999 left");
  assertEquals(areCredentialsReusable(creds, now - 1), true);
  assertEquals(areCredentialsReusable(creds, EXPIRATION - 8 * 60 * MINUTE), true);
  assertEquals(areCredentialsReusable(creds, EXPIRATION), false);
  assertEquals(areCredentialsReusable(creds, EXPIRATION + MINUTE), false);
});

Deno.test("credentialProcessJson() prints one compact line with Version 1 and a Z expiration", () => {
  assertEquals(
    credentialProcessJson(CREDS),
    '{"Version":1,"AccessKeyId":"ASIAEXAMPLEKEY","SecretAccessKey":"secret/key+value","SessionToken":"session-token==","Expiration":"2026-11-24T00:32:24Z","AccountId":"123456789012"}',
  );
  assertEquals(
    credentialProcessJson({ ...CREDS, accountId: undefined }),
    '{"Version":1,"AccessKeyId":"ASIAEXAMPLEKEY","SecretAccessKey":"secret/key+value","SessionToken":"session-token==","Expiration":"2026-11-24T00:32:24Z"}',
  );
});

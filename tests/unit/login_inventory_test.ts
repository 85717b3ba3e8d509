/** The inventory of cached SSO logins: which files count, how they are named and attributed. */
import { roleCredentialCacheKey, tokenCacheKey } from "../../src/cache/cache_keys.ts";
import { configuredKeys, scanLogins } from "../../src/cache/login_inventory.ts";
import { writeToken } from "../../src/cache/token_cache.ts";
import { parseAwsConfig } from "../../src/config/aws_config_file.ts";
import { formatAwsTimestamp } from "../../src/base/timestamps.ts";
import { assert, assertEquals } from "../assert.ts";
import { withTempDir } from "../script_helpers.ts";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const HOUR = 3_600_000;
const URL_A = "https://a.awsapps.com/start";
const URL_B = "https://b.awsapps.com/start";
const at = (ms: number) => formatAwsTimestamp(ms);

const CONFIG = parseAwsConfig(`[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Dev

[profile dev-admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin

[profile old]
sso_start_url = ${URL_B}
sso_region = eu-west-1
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile broken]
sso_session = missing

[profile plain]
region = us-east-1

[sso-session corp]
sso_start_url = ${URL_A}
sso_region = us-east-2
`);

Deno.test("configuredKeys() computes the same keys as the AWS CLI's (cache_keys.ts)", async () => {
  const keys = configuredKeys(CONFIG);
  assertEquals(keys.profiles.map((p) => p.profile), ["dev", "dev-admin", "old"]);
  const [dev, , old] = keys.profiles;
  assertEquals(dev.tokenKey, await tokenCacheKey({ sessionName: "corp", startUrl: URL_A }));
  assertEquals(
    dev.credentialKey,
    await roleCredentialCacheKey({
      accountId: "111111111111",
      roleName: "Dev",
      sessionName: "corp",
      startUrl: URL_A,
    }),
  );
  assertEquals(old.tokenKey, await tokenCacheKey({ startUrl: URL_B }));
  assertEquals(
    old.credentialKey,
    await roleCredentialCacheKey({
      accountId: "222222222222",
      roleName: "ReadOnly",
      startUrl: URL_B,
    }),
  );
  // The session, its start URL's legacy key (login writes a copy there) and the legacy profile's.
  assertEquals(keys.owners.get(dev.tokenKey), {
    sessionName: "corp",
    startUrl: URL_A,
    region: "us-east-2",
  });
  assertEquals(keys.owners.get(await tokenCacheKey({ startUrl: URL_A })), {
    startUrl: URL_A,
    region: "us-east-2",
  });
  assertEquals(keys.owners.size, 3);
  assertEquals(configuredKeys(undefined), { profiles: [], owners: new Map() });
});

/** Writes a cache: an sso-session token in the AWS CLI's layout, ours, credentials, clutter. */
async function writeCache(dir: string) {
  const sso = `${dir}/sso`;
  const cli = `${dir}/cli`;
  await Deno.mkdir(sso, { recursive: true });
  await Deno.mkdir(cli, { recursive: true });
  const sessionKey = await tokenCacheKey({ sessionName: "corp", startUrl: URL_A });
  // As `aws sso login` writes it: expired, but refreshable.
  await Deno.writeTextFile(
    `${sso}/${sessionKey}.json`,
    JSON.stringify({
      startUrl: URL_A,
      region: "us-east-2",
      accessToken: "at-corp",
      expiresAt: at(NOW - HOUR),
      clientId: "cid",
      clientSecret: "cs",
      registrationExpiresAt: at(NOW + 50 * 24 * HOUR),
      refreshToken: "rt",
    }),
  );
  // As this tool writes the legacy copy of a login (Python layout, no refresh token).
  await writeToken(`${sso}/${await tokenCacheKey({ startUrl: URL_B })}.json`, {
    startUrl: URL_B,
    region: "eu-west-1",
    accessToken: "at-old",
    expiresAt: at(NOW + 3 * HOUR),
  });
  // A token of an instance no profile names (another tool's login).
  await Deno.writeTextFile(
    `${sso}/${await tokenCacheKey({ startUrl: "https://c.awsapps.com/start" })}.json`,
    JSON.stringify({
      startUrl: "https://c.awsapps.com/start",
      region: "ap-south-1",
      accessToken: "at-c",
      expiresAt: at(NOW - 2 * HOUR),
    }),
  );
  // Clutter: a registration, a corrupt file, a token without expiresAt, ours, a directory.
  const key = (n: number) => String(n).repeat(40).slice(0, 40);
  await Deno.writeTextFile(
    `${sso}/${key(1)}.json`,
    JSON.stringify({ clientId: "c", clientSecret: "s", expiresAt: at(NOW + HOUR) }),
  );
  await Deno.writeTextFile(`${sso}/${key(2)}.json`, '{"accessToken": "x", ');
  await Deno.writeTextFile(`${sso}/${key(3)}.json`, JSON.stringify({ accessToken: "x" }));
  await Deno.writeTextFile(
    `${sso}/aws-sso-util-registration.json`,
    JSON.stringify({ accessToken: "x", expiresAt: at(NOW + HOUR) }),
  );
  await Deno.writeTextFile(
    `${sso}/${sessionKey}.json.0123abcd.tmp`,
    JSON.stringify({ accessToken: "x", expiresAt: at(NOW + HOUR) }),
  );
  await Deno.mkdir(`${sso}/${key(4)}.json`);
  const creds = (expiration: number) =>
    JSON.stringify({
      ProviderType: "sso",
      Credentials: {
        AccessKeyId: "ASIA",
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: at(expiration),
      },
    });
  const credKey = (accountId: string, roleName: string, ref: object) =>
    roleCredentialCacheKey({ accountId, roleName, startUrl: "", ...ref });
  await Deno.writeTextFile(
    `${cli}/${await credKey("111111111111", "Dev", { sessionName: "corp" })}.json`,
    creds(NOW + 30 * 60_000),
  );
  await Deno.writeTextFile(
    `${cli}/${await credKey("111111111111", "Admin", { sessionName: "corp" })}.json`,
    creds(NOW + 5 * 60_000),
  );
  // Credentials of the legacy profile, corrupt: skipped.
  await Deno.writeTextFile(
    `${cli}/${await credKey("222222222222", "ReadOnly", { startUrl: URL_B })}.json`,
    "{",
  );
  // Credentials nobody configured: not attributed.
  await Deno.writeTextFile(
    `${cli}/${await credKey("333333333333", "X", { sessionName: "corp" })}.json`,
    creds(NOW + HOUR),
  );
  return { sso, cli };
}

Deno.test("scanLogins() lists every token file, named, judged and attributed", async () => {
  await withTempDir(async (dir) => {
    const { sso, cli } = await writeCache(dir);
    const logins = scanLogins({
      ssoCacheDir: sso,
      cliCacheDir: cli,
      keys: configuredKeys(CONFIG),
      now: NOW,
    });
    assertEquals(
      logins.map((l) => ({ ...l, key: undefined, path: undefined })),
      [
        {
          session: "corp",
          startUrl: URL_A,
          region: "us-east-2",
          expiresAt: NOW - HOUR,
          state: "refreshable",
          refreshableUntil: NOW + 50 * 24 * HOUR,
          credentials: [
            {
              accountId: "111111111111",
              roleName: "Admin",
              expiration: NOW + 5 * 60_000,
              reusable: false,
            },
            {
              accountId: "111111111111",
              roleName: "Dev",
              expiration: NOW + 30 * 60_000,
              reusable: true,
            },
          ],
          profiles: ["dev", "dev-admin"],
        },
        {
          session: null,
          startUrl: URL_B,
          region: "eu-west-1",
          expiresAt: NOW + 3 * HOUR,
          state: "valid",
          credentials: [],
          profiles: ["old"],
        },
        {
          session: null,
          startUrl: "https://c.awsapps.com/start",
          region: "ap-south-1",
          expiresAt: NOW - 2 * HOUR,
          state: "expired",
          credentials: [],
          profiles: [],
        },
      ],
    );
    assert(logins.every((l) => l.path === `${sso}/${l.key}.json`));
  });
});

Deno.test("scanLogins() with onlyTokenKeys reads only those tokens; missing directories are empty", async () => {
  await withTempDir(async (dir) => {
    const { sso, cli } = await writeCache(dir);
    const only = new Set([await tokenCacheKey({ startUrl: URL_B })]);
    const keys = configuredKeys(CONFIG);
    const logins = scanLogins({
      ssoCacheDir: sso,
      cliCacheDir: cli,
      keys,
      now: NOW,
      onlyTokenKeys: only,
    });
    assertEquals(logins.map((l) => l.profiles), [["old"]]);
    assertEquals(
      scanLogins({ ssoCacheDir: `${dir}/none`, cliCacheDir: `${dir}/none`, keys, now: NOW }),
      [],
    );
  });
});

Deno.test("scanLogins() falls back to the config for a token without startUrl and region", async () => {
  await withTempDir(async (dir) => {
    const sso = `${dir}/sso`;
    await Deno.mkdir(sso);
    const key = await tokenCacheKey({ sessionName: "corp", startUrl: URL_A });
    await Deno.writeTextFile(
      `${sso}/${key}.json`,
      JSON.stringify({ accessToken: "a", expiresAt: at(NOW + HOUR) }),
    );
    const [login] = scanLogins({
      ssoCacheDir: sso,
      cliCacheDir: `${dir}/cli`,
      keys: configuredKeys(CONFIG),
      now: NOW,
    });
    assertEquals([login.session, login.startUrl, login.region, login.state], [
      "corp",
      URL_A,
      "us-east-2",
      "valid",
    ]);
  });
});

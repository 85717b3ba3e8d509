/**
 * A large cache for `status`: `logins` sso-sessions (each with a refreshable token in the AWS
 * CLI's layout) and `credentials` cached role credentials spread over them, the first `profiles`
 * (default all) named by a profile of the config, plus a client registration per session (a file
 * `status` must skip).
 * Used by `scripts/status_bench.ts` and `tests/status_test.ts`.
 *
 * @module
 */
import { roleCredentialCacheKey, tokenCacheKey } from "../src/cache/cache_keys.ts";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/** Writes the config and caches under `home`; returns what it wrote. */
export async function writeStatusFixture(
  home: string,
  sizes: { logins: number; credentials: number; now: number; profiles?: number },
): Promise<{ profiles: number }> {
  const profiles = sizes.profiles ?? sizes.credentials;
  const sso = `${home}/.aws/sso/cache`;
  const cli = `${home}/.aws/cli/cache`;
  await Deno.mkdir(sso, { recursive: true });
  await Deno.mkdir(cli, { recursive: true });
  const config: string[] = [];
  const writes: Promise<void>[] = [];
  const perLogin = Math.ceil(sizes.credentials / sizes.logins);
  let written = 0;
  for (let i = 0; i < sizes.logins; i++) {
    const sessionName = `session-${i}`;
    const startUrl = `https://org${i}.awsapps.com/start`;
    config.push(
      `[sso-session ${sessionName}]`,
      `sso_start_url = ${startUrl}`,
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
      "",
    );
    const token = {
      startUrl,
      region: "us-east-1",
      accessToken: `access-${i}`,
      expiresAt: iso(sizes.now + (i % 3 === 0 ? -3_600_000 : 3 * 3_600_000)),
      clientId: `client-${i}`,
      clientSecret: `secret-${i}`,
      registrationExpiresAt: iso(sizes.now + 80 * 86_400_000),
      refreshToken: `refresh-${i}`,
    };
    const key = await tokenCacheKey({ sessionName, startUrl });
    writes.push(Deno.writeTextFile(`${sso}/${key}.json`, JSON.stringify(token, null, 4)));
    writes.push(Deno.writeTextFile(
      `${sso}/${await tokenCacheKey({ startUrl: `registration-${i}` })}.json`,
      JSON.stringify({ clientId: "c", clientSecret: "s", expiresAt: token.registrationExpiresAt }),
    ));
    for (let j = 0; j < perLogin && written < sizes.credentials; j++, written++) {
      const accountId = String(100000000000 + written);
      const roleName = `Role${j}`;
      if (written < profiles) {
        config.push(
          `[profile p${written}]`,
          `sso_session = ${sessionName}`,
          `sso_account_id = ${accountId}`,
          `sso_role_name = ${roleName}`,
          "",
        );
      }
      const credKey = await roleCredentialCacheKey({ accountId, roleName, sessionName, startUrl });
      writes.push(Deno.writeTextFile(
        `${cli}/${credKey}.json`,
        JSON.stringify(
          {
            ProviderType: "sso",
            Credentials: {
              AccessKeyId: `ASIA${written}`,
              SecretAccessKey: "secret",
              SessionToken: "token",
              Expiration: iso(sizes.now + 3_600_000),
              AccountId: accountId,
            },
          },
          null,
          4,
        ),
      ));
    }
  }
  writes.push(Deno.writeTextFile(`${home}/.aws/config`, config.join("\n")));
  await Promise.all(writes);
  return { profiles: Math.min(profiles, written) };
}

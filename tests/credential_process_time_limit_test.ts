/**
 * The network time limit of credential-process, through the CLI, on a server that never answers:
 * in-process with a small limit (a subprocess run, under `AWS_SSO_UTIL_BIN` or
 * `AWS_SSO_UTIL_TEST_SUBPROCESS=1`, waits out the real 28 s one). In a file of its own so that the
 * parallel test run starts it early instead of ending on it.
 */
import { assert, assertEquals } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { cliToken, LEGACY_PROFILE, runCli, TempHome } from "./helpers.ts";
import { LIMITS } from "../src/base/limits.ts";

const HOUR = 3_600_000;

Deno.test("credential-process gives up within 30 seconds on a server that does not answer", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  fake.delay("GetRoleCredentials", 120_000);
  const started = Date.now();
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    limits: { credentialProcessMs: 1_500, requestTimeoutMs: 600 },
  });
  const elapsed = Date.now() - started;
  assertEquals(result.code, 4);
  assertEquals(
    result.stderr,
    `GetRoleCredentials did not succeed before the time limit (endpoint ${fake.url}); check your network and try again.\n`,
  );
  assert(elapsed < 31_000, `took ${elapsed}ms`);
});

Deno.test("the real credential-process time limit leaves 2 of its 30 seconds for start-up", () => {
  assert(LIMITS.credentialProcessMs <= 28_000, `${LIMITS.credentialProcessMs} ms`);
  assert(LIMITS.requestTimeoutMs < LIMITS.credentialProcessMs);
});

/**
 * The network time limit of credential-process, through the CLI, on a server that never answers:
 * in-process with a limit of one second and the real per-attempt time-out of ten (so a run that
 * ignored the limit would take ten seconds or more); a subprocess run, under `AWS_SSO_UTIL_BIN` or
 * `AWS_SSO_UTIL_TEST_SUBPROCESS=1`, waits out the real 28 s one. The fake server is real, so the
 * wait is real: the module tests (`tests/unit/role_credentials_test.ts`) prove the same limit on
 * a virtual clock. In a file of its own so that the parallel test run starts it early instead of
 * ending on it.
 */
import { assert, assertEquals } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { cliToken, IN_PROCESS, LEGACY_PROFILE, runCli, TempHome } from "./helpers.ts";
import { LIMITS } from "../src/base/limits.ts";

const HOUR = 3_600_000;

Deno.test("credential-process gives up within 30 seconds on a server that does not answer", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  fake.delay("GetRoleCredentials", 120_000);
  const limitMs = IN_PROCESS ? 1_000 : LIMITS.credentialProcessMs;
  const started = Date.now();
  const result = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    limits: { credentialProcessMs: limitMs },
  });
  const elapsed = Date.now() - started;
  assertEquals(result.code, 4);
  assertEquals(
    result.stderr,
    `GetRoleCredentials did not succeed before the time limit (endpoint ${fake.url}); check your network and try again.\n`,
  );
  // The limit, and not the per-attempt time-out (10 s) or the attempts (5), ended the run.
  assert(elapsed >= limitMs - 50, `gave up after ${elapsed}ms, before the limit`);
  assert(elapsed < limitMs + 2_000, `took ${elapsed}ms for a limit of ${limitMs}ms`);
  assert(LIMITS.requestTimeoutMs >= limitMs + 2_000 || !IN_PROCESS);
});

Deno.test("the real credential-process time limit leaves 2 of its 30 seconds for start-up", () => {
  assert(LIMITS.credentialProcessMs <= 28_000, `${LIMITS.credentialProcessMs} ms`);
  assert(LIMITS.requestTimeoutMs < LIMITS.credentialProcessMs);
});

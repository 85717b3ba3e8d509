/**
 * Smoke test of a `deno compile`d binary, run by the release workflow with
 * `AWS_SSO_UTIL_BIN=<path>` (which also makes every other CLI test run that binary, see
 * `cliArgv` in helpers.ts); skipped when the variable is not set (binaries cannot be built here).
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { childNetworkEnv } from "./child_env.ts";
import { CLI_BIN, cliToken, LEGACY_PROFILE, parseCredentialOutput, TempHome } from "./helpers.ts";

const BIN = CLI_BIN;

async function runBinary(args: string[], home: TempHome, env: Record<string, string> = {}) {
  const out = await new Deno.Command(BIN!, {
    args,
    clearEnv: true,
    env: { ...childNetworkEnv(), HOME: home.dir, PATH: Deno.env.get("PATH") ?? "", ...env },
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test({
  name: "compiled binary prints its version and serves credentials from the fake server",
  ignore: !BIN,
  async fn() {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    const version = await runBinary(["--version"], home);
    assertEquals(version.code, 0);
    // Version, the target and commit baked in by `deno task compile`, the Deno it was built with.
    assertMatch(
      version.stdout,
      /^aws-sso-util \d+\.\d+\.\d+\S* \([a-z0-9_]+-[a-z0-9_-]+, Deno \d+\.\d+\.\d+\S*, commit [0-9a-f]{7,40}(-dirty)?\)\n$/,
    );

    await home.writeConfig(LEGACY_PROFILE);
    fake.addAccessToken("at-bin");
    await home.writeToken({}, cliToken("at-bin", 3_600_000));
    const result = await runBinary(["credential-process", "--profile", "legacy"], home, {
      AWS_ENDPOINT_URL_SSO: fake.url,
    });
    assertEquals(result.stderr, "");
    assertEquals(result.code, 0);
    assertEquals(
      parseCredentialOutput(result.stdout).AccessKeyId,
      fake.issuedCredentials[0].accessKeyId,
    );

    // The binary has the run-as permission set: run-as starts the program with the credentials.
    const child = await runBinary(
      [
        "run-as",
        "--profile",
        "legacy",
        "--",
        Deno.execPath(),
        "eval",
        "console.log(Deno.env.get('AWS_ACCESS_KEY_ID')); Deno.exit(7)",
      ],
      home,
      { AWS_ENDPOINT_URL_SSO: fake.url },
    );
    assertEquals([child.code, child.stderr], [7, ""]);
    const key = child.stdout.trim();
    assert(fake.issuedCredentials.some((c) => c.accessKeyId === key), child.stdout);
  },
});

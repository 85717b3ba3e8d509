/**
 * Tests of the auto-login of `credential-process` (`--login`, or `aws_sso_util_auto_login = true`):
 * as a subprocess without a terminal (fails at once) and with a browser (a fake `xdg-open` that
 * loads the URL with `curl -sL`), and in-process with an injected way to reach the user.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  browserEnv,
  type CliResult,
  cliToken,
  fakeBrowser,
  LEGACY_PROFILE,
  parseCredentialOutput,
  POSIX,
  ROLE,
  runCli,
  SESSION_PROFILE,
  START_URL,
  startCli,
  TempHome,
  testRuntime,
} from "./helpers.ts";
import {
  credentialProcess,
  type CredentialProcessOptions,
} from "../src/commands/credential_process.ts";
import { exitCodeOf, FAILURE_CODES, LoginError, LoginRequiredError } from "../src/base/errors.ts";
import type { BrowserOpener, UserChannel } from "../src/base/runtime.ts";

const HOUR = 3_600_000;
const DEV_LOGIN =
  "Login required. Use `aws-sso-util login --profile dev` or `aws sso login --profile dev` and try again.\n";

type RunOptions = { home: TempHome; endpoint: string; env?: Record<string, string> };

/** Starts `credential-process` in a new session (no controlling terminal), stdin closed. */
function startCredentialProcess(args: string[], options: RunOptions) {
  return startCli(["credential-process", ...args], { ...options, detach: true });
}

function runCredentialProcess(args: string[], options: RunOptions): Promise<CliResult> {
  return runCli(["credential-process", ...args], { ...options, detach: true });
}

const AUTO_LOGIN_PROFILE = SESSION_PROFILE.replace(
  "[profile dev]\n",
  "[profile dev]\naws_sso_util_auto_login = true\n",
);

// ------------------------------------------------------------------ subprocess

Deno.test("credential-process --login fails at once with exit 1 when no terminal or browser can reach the user", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const cases: Record<string, string>[] = [
    {},
    { DISPLAY: ":99", SSH_CONNECTION: "10.0.0.1 5000 10.0.0.2 22" },
  ];
  for (const env of cases) {
    const result = await runCredentialProcess(["--profile", "dev", "--login"], {
      home,
      endpoint: fake.url,
      env,
    });
    assertEquals(result.code, 1);
    assertEquals(result.stdout, "");
    assertEquals(result.stderr, DEV_LOGIN);
    assert(result.ms < 15_000, `took ${result.ms} ms`);
  }
  assertEquals(fake.requests.length, 0);
});

Deno.test(
  "credential-process with aws_sso_util_auto_login logs in through the browser and prints credentials",
  { ignore: !POSIX },
  async () => {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(AUTO_LOGIN_PROFILE);
    const bin = await fakeBrowser(home);
    const result = await runCredentialProcess(["--profile", "dev"], {
      home,
      endpoint: fake.url,
      env: browserEnv(bin),
    });
    assertEquals(result.code, 0, result.stderr);
    const creds = parseCredentialOutput(result.stdout);
    assertEquals(creds.AccessKeyId, fake.issuedCredentials[0].accessKeyId);
    assertEquals(creds.AccountId, ACCOUNT_ID);
    assertEquals(fake.authorizationCodes.length, 1);
    assertMatch(result.stderr, /login required for https:\/\/example\.awsapps\.com\/start/);
    assertMatch(result.stderr, /Login succeeded, valid until/);
    const token = await home.readToken({ sessionName: "my-sso" });
    assertEquals(token.accessToken, fake.issuedCredentials[0].bearerToken);
    assert(token.refreshToken, "a PKCE login of a session is refreshable");
  },
);

Deno.test("credential-process --login starts one login for parallel runs that all need one", {
  ignore: !POSIX,
}, async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  fake.setAccounts([{
    accountId: ACCOUNT_ID,
    accountName: "Main",
    emailAddress: "main@example.com",
    roles: [ROLE, "Other"],
  }]);
  // A slow token exchange keeps the first login going while the other runs start.
  fake.delay("CreateToken", 1500);
  await home.writeConfig(SESSION_PROFILE);
  const bin = await fakeBrowser(home);
  const runs = await Promise.all(
    [ROLE, ROLE, "Other", "Other"].map((role) =>
      startCredentialProcess(["--profile", "dev", "--login", "--debug", "--role-name", role], {
        home,
        endpoint: fake.url,
        env: browserEnv(bin),
      })
    ),
  );
  const results = await Promise.all(runs.map((wait) => wait()));
  for (const result of results) {
    assertEquals(result.code, 0, result.stderr);
    parseCredentialOutput(result.stdout);
  }
  assertEquals(fake.calls.RegisterClient, 1);
  assertEquals(fake.authorizationCodes.length, 1);
  assertEquals(fake.issuedAccessTokens().length, 1);
  assertEquals(
    new Set(fake.issuedCredentials.map((c) => c.roleName)),
    new Set([ROLE, "Other"]),
  );
  // The run for the other role waited on the token lock and found the new token.
  assertMatch(await Deno.readTextFile(home.logPath), /another process logged in meanwhile/);
});

// ------------------------------------------------------------------ in-process

function capture(isTerminal: boolean) {
  const chunks: string[] = [];
  return {
    out: { isTerminal, write: (t: string) => Promise.resolve(void chunks.push(t)) },
    get text() {
      return chunks.join("");
    },
  };
}

const fetchBrowser: BrowserOpener = async (url) => {
  await (await fetch(url)).text();
  return true;
};

function inProcess(home: TempHome, fake: FakeIdentityCenter, channel: UserChannel | undefined) {
  const vars: Record<string, string> = {
    HOME: home.dir,
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
  };
  let probes = 0;
  return {
    rt: testRuntime(vars, {
      reachUser: () => {
        probes++;
        return Promise.resolve(channel);
      },
    }),
    get probes() {
      return probes;
    },
  };
}

const LEGACY_FLAGS: CredentialProcessOptions = {
  ssoStartUrl: START_URL,
  ssoRegion: "us-east-1",
  accountId: ACCOUNT_ID,
  roleName: ROLE,
};

Deno.test("credential-process --login writes the prompt to the terminal it found, then returns credentials", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ autoApproveDeviceAfterPolls: 1 });
  const terminal = capture(true);
  let closed = false;
  const run = inProcess(home, fake, {
    out: terminal.out,
    via: "/dev/tty",
    close: () => void (closed = true),
  });
  const creds = await credentialProcess({ ...LEGACY_FLAGS, login: true }, run.rt);
  assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
  const device = fake.deviceAuthorizations[0];
  assertMatch(terminal.text, /^aws-sso-util credential-process: login required for https:/);
  assert(terminal.text.includes(`${fake.url}/device?user_code=${device.userCode}`));
  assert(terminal.text.includes(`code: ${device.userCode}`));
  assertMatch(terminal.text, /\r\| Waiting for the authorization/);
  assertMatch(terminal.text, /Login succeeded, valid until/);
  assert(closed, "the terminal is closed afterwards");
  assertEquals((await home.readToken({})).accessToken, fake.issuedAccessTokens()[0]);
});

Deno.test("credential-process --login fails at once when the probe finds no way to reach the user", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  const run = inProcess(home, fake, undefined);
  await assertRejects(
    () => credentialProcess({ ...LEGACY_FLAGS, login: true }, run.rt),
    LoginRequiredError,
    `Login required for ${START_URL}.`,
  );
  assertEquals(run.probes, 1);
  assertEquals(fake.requests.length, 0);
});

Deno.test("credential-process without --login or the profile key never starts a login", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  const run = inProcess(home, fake, { out: capture(true).out, via: "test", close() {} });
  await assertRejects(
    () => credentialProcess({ profile: "legacy" }, run.rt),
    LoginRequiredError,
  );
  assertEquals(run.probes, 0);
  assertEquals(fake.requests.length, 0);
});

Deno.test("credential-process --login logs in again when the service rejects a cached token", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  await home.writeToken({ sessionName: "my-sso" }, cliToken("at-revoked", 8 * HOUR));
  const printed = capture(false);
  const run = inProcess(home, fake, {
    out: printed.out,
    openBrowser: fetchBrowser,
    via: "browser",
    close() {},
  });
  const creds = await credentialProcess({ profile: "dev", login: true }, run.rt);
  assertEquals(fake.calls.GetRoleCredentials, 2);
  assertEquals(creds.accessKeyId, fake.issuedCredentials[0].accessKeyId);
  assertEquals(fake.authorizationCodes.length, 1);
  assertEquals(
    (await home.readToken({ sessionName: "my-sso" })).accessToken,
    fake.issuedAccessTokens()[0],
  );
});

Deno.test("credential-process --login maps a denied login to exit 3 and an expired one to exit 1", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ deviceExpiresInSec: 2, deviceInterval: 1 });
  const deny: BrowserOpener = (url) => {
    fake.denyDevice(new URL(url).searchParams.get("user_code")!);
    return true;
  };
  const denied = await assertRejects(
    () =>
      credentialProcess(
        { ...LEGACY_FLAGS, login: true },
        inProcess(home, fake, { out: capture(false).out, openBrowser: deny, via: "t", close() {} })
          .rt,
      ),
    LoginError,
    "Access was denied",
  );
  assertEquals(exitCodeOf(denied, FAILURE_CODES.credentialProcess), 3);

  const expired = await assertRejects(
    () =>
      credentialProcess(
        { ...LEGACY_FLAGS, login: true },
        inProcess(home, fake, { out: capture(false).out, via: "t", close() {} }).rt,
      ),
    LoginRequiredError,
  );
  assertEquals(exitCodeOf(expired, FAILURE_CODES.credentialProcess), 1);
  assertEquals(
    expired.message,
    `The device authorization expired before the sign-in was completed. Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.`,
  );
});

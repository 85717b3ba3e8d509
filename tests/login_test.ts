/**
 * End-to-end tests of `aws-sso-util login`, run through `runCli` against the fake server. The
 * user is simulated by approving device authorizations on the fake, or by a fake `xdg-open`
 * (first on PATH) that loads the URL with `curl -sL` like a browser would.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  browserEnv,
  cliToken,
  fakeBrowser,
  LEGACY_PROFILE,
  makeReadOnly,
  POSIX,
  QUICK_PACES,
  runCli,
  type RunOptions,
  SESSION_PROFILE,
  START_URL,
  TempHome,
} from "./helpers.ts";

const HOUR = 3_600_000;

/** Runs the CLI with quick device-code polls: these tests are not about their pace. */
const run = (args: string[], options: RunOptions) =>
  runCli(args, { limits: QUICK_PACES, ...options });
const OTHER_URL = "https://other.awsapps.com/start";

/** Acts as the user: approves (or denies) each device authorization once it was shown. */
async function actOnDevices(
  fake: FakeIdentityCenter,
  count: number,
  action: "approve" | "deny" = "approve",
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  let done = 0;
  while (done < count && Date.now() < end) {
    const next = fake.deviceAuthorizations[done];
    // After the first (immediate) poll, when the prompt has been shown.
    if (next && next.polls >= 1) {
      if (action === "approve") fake.approveDevice(next.userCode);
      else fake.denyDevice(next.userCode);
      done++;
    } else {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const TOKEN_KEYS = [
  "startUrl",
  "region",
  "accessToken",
  "expiresAt",
  "clientId",
  "clientSecret",
  "registrationExpiresAt",
];

Deno.test("login signs in a legacy profile with the device code flow when --headless", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  const [result] = await Promise.all([
    run(["login", "--profile", "legacy", "--headless"], { home, endpoint: fake.url }),
    actOnDevices(fake, 1),
  ]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(result.stdout, "");
  const device = fake.deviceAuthorizations[0];
  assert(result.stderr.includes(`${fake.url}/device?user_code=${device.userCode}`), result.stderr);
  assert(result.stderr.includes(`code: ${device.userCode}`));
  assertMatch(result.stderr, /Login succeeded, valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC/);
  const token = await home.readToken({});
  assertEquals(Object.keys(token), TOKEN_KEYS);
  assertEquals(token.accessToken, fake.issuedAccessTokens()[0]);
  assertEquals(token.startUrl, START_URL);
  const raw = await Deno.readTextFile(
    `${home.ssoCacheDir}/e8be5486177c5b5392bd9aa76563515b29358e6e.json`,
  );
  assertMatch(
    raw,
    /^\{"startUrl": "https:\/\/example\.awsapps\.com\/start", "region": "us-east-1", /,
  );
  assertEquals(fake.requests.find((r) => r.op === "RegisterClient")?.body, {
    clientName: (fake.requests[0].body as { clientName: string }).clientName,
    clientType: "public",
  });
});

Deno.test("login opens the browser and completes the PKCE flow for an sso-session profile", {
  ignore: !POSIX,
}, async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const bin = await fakeBrowser(home);
  const result = await run(["login", "--profile", "dev"], {
    home,
    endpoint: fake.url,
    env: browserEnv(bin),
  });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(result.stdout, "");
  const opened = await Deno.readTextFile(`${bin}/opened.txt`);
  assertMatch(opened, new RegExp(`^${fake.url}/authorize\\?response_type=code&client_id=`));
  assert(result.stderr.includes(opened.trim()), "the URL is printed too");
  assertEquals(fake.authorizationCodes.length, 1);
  assert(fake.authorizationCodes[0].used);
  const token = await home.readToken({ sessionName: "my-sso" });
  assertEquals(Object.keys(token), [...TOKEN_KEYS, "refreshToken"]);
  const regFile = `${home.ssoCacheDir}/e83b78ff73aa2ebd41812af5abcc466dca567738.json`;
  const reg = JSON.parse(await Deno.readTextFile(regFile));
  assertEquals(reg.grantTypes, ["authorization_code", "refresh_token"]);
  assertEquals(reg.clientId, token.clientId);
});

Deno.test(
  "login uses the device code flow for a session when the browser is disabled or configured off",
  { ignore: !POSIX },
  async () => {
    for (
      const [env, config] of [
        [{ AWS_SSO_DISABLE_BROWSER: "true" }, SESSION_PROFILE],
        [
          {},
          SESSION_PROFILE.replace(
            "[sso-session my-sso]",
            "[sso-session my-sso]\nsso_use_device_code = true",
          ),
        ],
      ] as const
    ) {
      await using home = await TempHome.create();
      await using fake = await FakeIdentityCenter.start();
      await home.writeConfig(config);
      const bin = await fakeBrowser(home);
      const [result] = await Promise.all([
        run(["login", "--profile", "dev"], {
          home,
          endpoint: fake.url,
          env: { ...browserEnv(bin), ...env },
        }),
        actOnDevices(fake, 1),
      ]);
      assertEquals(result.code, 0, result.stderr);
      assertEquals(fake.authorizationCodes.length, 0);
      assertEquals(fake.deviceAuthorizations.length, 1);
      const body = fake.requests.find((r) => r.op === "RegisterClient")?.body as Record<
        string,
        unknown
      >;
      assertEquals(body.grantTypes, undefined);
      assertEquals(body.scopes, ["sso:account:access"]);
    }
  },
);

Deno.test("login reports a fresh token as already logged in and logs in again with --force", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  await home.writeToken({ sessionName: "my-sso" }, cliToken("at-fresh", 8 * HOUR));
  const skipped = await run(["login", "--profile", "dev"], { home, endpoint: fake.url });
  assertEquals(skipped.code, 0, skipped.stderr);
  assertMatch(
    skipped.stderr,
    /^Already logged in to https:\/\/example\.awsapps\.com\/start \(sso-session my-sso\), valid until .*; use --force-refresh to log in again\.\n$/,
  );
  assertEquals(fake.requests.length, 0);

  const [forced] = await Promise.all([
    run(["login", "--profile", "dev", "--force", "--no-browser"], { home, endpoint: fake.url }),
    actOnDevices(fake, 1),
  ]);
  assertEquals(forced.code, 0, forced.stderr);
  assertEquals(fake.calls.RegisterClient, 1);
  assertEquals(
    (await home.readToken({ sessionName: "my-sso" })).accessToken,
    fake.issuedAccessTokens()[0],
  );
});

Deno.test("login --all signs in to every configured instance", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(
    `${SESSION_PROFILE}\n[profile other]\nsso_start_url = ${OTHER_URL}\nsso_region = eu-west-1\n`,
  );
  const [result] = await Promise.all([
    run(["login", "--all", "--headless"], { home, endpoint: fake.url }),
    actOnDevices(fake, 2),
  ]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(fake.deviceAuthorizations.map((d) => d.startUrl), [START_URL, OTHER_URL]);
  assertEquals((await home.readToken({ sessionName: "my-sso" })).region, "us-east-1");
  assertEquals((await home.readToken({ startUrl: OTHER_URL })).region, "eu-west-1");
  assertEquals(result.stderr.match(/Login succeeded/g)?.length, 2);
});

Deno.test("AWS_SSO_LOGIN_ALL and --sso-start-url: the original's spellings of --all and START_URL", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(
    `${SESSION_PROFILE}\n[profile other]\nsso_start_url = ${OTHER_URL}\nsso_region = eu-west-1\n`,
  );
  await home.writeToken({ sessionName: "my-sso" }, cliToken("at-1", 8 * HOUR));
  await home.writeToken({ startUrl: OTHER_URL }, cliToken("at-2", 8 * HOUR));
  const already = (stderr: string) =>
    [...stderr.matchAll(/Already logged in to ([^\s,]+)/g)].map((m) => m[1]);

  const all = await run(["login"], { home, env: { AWS_SSO_LOGIN_ALL: "true" } });
  assertEquals(all.code, 0, all.stderr);
  assertEquals(already(all.stderr), [START_URL, OTHER_URL]);
  // Without it, two instances are one too many; with a START_URL or --profile it does not apply.
  assertEquals((await run(["login"], { home, env: { AWS_SSO_LOGIN_ALL: "0" } })).code, 1);
  const one = await run(["login", "other"], { home, env: { AWS_SSO_LOGIN_ALL: "1" } });
  assertEquals([one.code, already(one.stderr)], [0, [OTHER_URL]]);

  const spelled = await run(["login", "--sso-start-url", "other"], { home });
  assertEquals([spelled.code, already(spelled.stderr)], [0, [OTHER_URL]], spelled.stderr);
  const twice = await run(["login", "example", "--sso-start-url", "other"], { home });
  assertEquals(twice.code, 1);
  assertMatch(
    twice.stderr,
    /^The start URL is given twice \(example and --sso-start-url other\); give it once\.\n$/,
  );
});

Deno.test("login with a start URL that a session uses writes the session's token", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(SESSION_PROFILE);
  const [result] = await Promise.all([
    run(["login", START_URL, "us-east-1", "--use-device-code"], { home, endpoint: fake.url }),
    actOnDevices(fake, 1),
  ]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals((await home.readToken({ sessionName: "my-sso" })).startUrl, START_URL);
});

Deno.test("login with a start URL that a session shares fills the legacy token too", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(`${SESSION_PROFILE}\n${LEGACY_PROFILE}`);
  const [result] = await Promise.all([
    run(["login", START_URL, "us-east-1", "--use-device-code"], { home, endpoint: fake.url }),
    actOnDevices(fake, 1),
  ]);
  assertEquals(result.code, 0, result.stderr);
  const session = await home.readToken({ sessionName: "my-sso" });
  const legacy = await home.readToken({});
  assertEquals(session.accessToken, fake.issuedAccessTokens()[0]);
  assertEquals(legacy.accessToken, session.accessToken);
  assertEquals(legacy.startUrl, START_URL);
  // The copy must not share the session's refresh token: refreshing one would revoke the other's.
  assert(typeof session.refreshToken === "string");
  assertEquals([legacy.refreshToken, legacy.clientSecret], [undefined, undefined]);
  // Already logged in (fresh session token): the missing legacy token is filled from it.
  await Deno.remove(legacyPath(home));
  const before = fake.requests.length;
  const again = await run(["login", "example"], { home, endpoint: fake.url });
  assertEquals(again.code, 0, again.stderr);
  assertMatch(again.stderr, /^Already logged in to /);
  const filled = await home.readToken({});
  assertEquals(filled.accessToken, session.accessToken);
  assertEquals([filled.refreshToken, filled.clientSecret], [undefined, undefined]);
  assertEquals(fake.requests.length, before);
});

/** Path of the legacy (start-URL-keyed) token file of START_URL. */
function legacyPath(home: TempHome): string {
  return `${home.ssoCacheDir}/e8be5486177c5b5392bd9aa76563515b29358e6e.json`;
}

Deno.test("login exits 1 with one sentence when no instance, several or an unknown profile match", async () => {
  await using home = await TempHome.create();
  const none = await run(["login"], { home });
  assertEquals(none.code, 1);
  assertEquals(
    none.stderr,
    `No SSO instance found in ${home.configPath}: set one up with \`aws-sso-util configure profile NAME\` or \`aws-sso-util login URL REGION\`, or give a start URL and region, --profile, or AWS_DEFAULT_SSO_START_URL and AWS_DEFAULT_SSO_REGION.\n`,
  );

  await home.writeConfig(
    `${SESSION_PROFILE}\n[profile other]\nsso_start_url = ${OTHER_URL}\nsso_region = eu-west-1\n`,
  );
  const several = await run(["login"], { home });
  assertEquals(several.code, 1);
  assertEquals(
    several.stderr,
    `Several SSO instances are configured (${START_URL}, ${OTHER_URL}); choose one with a start URL or --profile.\n`,
  );
  const unknown = await run(["login", "--profile", "nope"], { home });
  assertEquals(unknown.code, 1);
  assertEquals(unknown.stderr, `Profile nope was not found in ${home.configPath}.\n`);
  // A mistyped name gets a suggestion, as a mistyped command does; so in credential-process.
  const typo = await run(["login", "--profile", "dve"], { home });
  assertEquals(
    typo.stderr,
    `Profile dve was not found in ${home.configPath} (did you mean dev?).\n`,
  );
  const cp = await run(["credential-process", "--profile", "Other"], { home });
  assertEquals(
    [cp.code, cp.stderr],
    [2, `Profile Other was not found in ${home.configPath} (did you mean other?).\n`],
  );
  const nomatch = await run(["login", "nothing-like-this"], { home });
  assertEquals(nomatch.code, 1);
  assertEquals(nomatch.stderr, "No configured SSO start URL matches nothing-like-this.\n");
});

Deno.test("login exits 3 when the device authorization is denied", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  const [result] = await Promise.all([
    run(["login", "--profile", "legacy", "--headless"], { home, endpoint: fake.url }),
    actOnDevices(fake, 1, "deny"),
  ]);
  assertEquals(result.code, 3);
  assertMatch(result.stderr, /\nAccess was denied: the sign-in was not approved\.\n$/);
});

Deno.test("login exits 2 when the device authorization expires before approval", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ deviceExpiresInSec: 2, deviceInterval: 1 });
  await home.writeConfig(LEGACY_PROFILE);
  const result = await run(["login", "--profile", "legacy", "--headless"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 2);
  assertMatch(
    result.stderr,
    /\nThe device authorization expired before the sign-in was completed; run the login again\.\n$/,
  );
});

Deno.test("login exits 4 when IAM Identity Center rejects the client registration", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  fake.failAlways("RegisterClient", { errorType: "InvalidClientMetadataException" });
  const result = await run(["login", "--profile", "legacy", "--headless"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 4);
  assertMatch(
    result.stderr,
    /^RegisterClient failed with InvalidClientMetadataException \(HTTP 400\).*\.\n$/,
  );
});

Deno.test("login prints the URL when the browser command cannot be started", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await home.writeConfig(LEGACY_PROFILE);
  const [result] = await Promise.all([
    run(["login", "--profile", "legacy"], {
      home,
      endpoint: fake.url,
      env: { DISPLAY: ":99", BROWSER: `${home.dir}/not-a-browser` },
    }),
    actOnDevices(fake, 1),
  ]);
  assertEquals(result.code, 0, result.stderr);
  assert(
    result.stderr.includes(
      `Could not start a browser: ${home.dir}/not-a-browser (from BROWSER) was not found; open the URL above yourself.\n`,
    ),
    result.stderr,
  );
  assert(result.stderr.includes(`/device?user_code=${fake.deviceAuthorizations[0].userCode}`));
});

Deno.test({
  name:
    "login runs BROWSER without a display and over SSH; the default permission set says why not",
  ignore: !POSIX,
  async fn() {
    await using home = await TempHome.create();
    await using fake = await FakeIdentityCenter.start();
    await home.writeConfig(LEGACY_PROFILE);
    const browser = `${home.dir}/forward-url`;
    await Deno.writeTextFile(browser, `#!/bin/sh\necho "$1" > "${home.dir}/forwarded.txt"\n`);
    await Deno.chmod(browser, 0o755);
    const env = { BROWSER: browser, SSH_CONNECTION: "10.0.0.1 50000 10.0.0.2 22" };
    // In-process (the test runner may run any program): BROWSER is started.
    const [result] = await Promise.all([
      run(["login", "--profile", "legacy"], { home, endpoint: fake.url, env }),
      actOnDevices(fake, 1),
    ]);
    assertEquals(result.code, 0, result.stderr);
    assert(!result.stderr.includes("Could not start a browser"), result.stderr);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await Deno.stat(`${home.dir}/forwarded.txt`).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const forwarded = await Deno.readTextFile(`${home.dir}/forwarded.txt`);
    assert(forwarded.includes(fake.deviceAuthorizations[0].userCode), forwarded);

    // The declared (default) permission set runs only the platform openers: one sentence says so.
    const [denied] = await Promise.all([
      run(["login", "--profile", "legacy", "--force"], {
        home,
        endpoint: fake.url,
        env,
        subprocess: true,
      }),
      actOnDevices(fake, 2),
    ]);
    assertEquals(denied.code, 0, denied.stderr);
    assert(
      denied.stderr.includes(
        `Could not start a browser: ${browser} (from BROWSER) is not a program Deno's run permission allows (docs/permissions.md); open the URL above yourself.\n`,
      ),
      denied.stderr,
    );
  },
});

Deno.test("login on an unwritable token cache fails before the user is asked to sign in", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await TempHome.create();
  await home.writeConfig(SESSION_PROFILE);
  await Deno.mkdir(home.ssoCacheDir, { recursive: true });
  const restore = await makeReadOnly(home.ssoCacheDir);
  if (restore === undefined) return; // root without chattr: nothing is read-only here
  try {
    const result = await runCli(["login", "--profile", "dev", "--use-device-code"], {
      home,
      endpoint: fake.url,
      limits: QUICK_PACES,
    });
    assertEquals(result.code, 4, result.stderr);
    assertMatch(
      result.stderr,
      /^Cannot log in: the SSO token cache \S+ cannot be written \(.+\); fix that and try again\.\n$/,
    );
    assertEquals(fake.requests.length, 0);
  } finally {
    await restore();
  }
});

/**
 * End-to-end tests of `aws-sso-util console`, run through `runCli` against the fake IAM Identity
 * Center and the fake sign-in (federation) endpoint (`tests/fake/signin.ts`).
 */
import { startSigninRelay } from "../src/console/signin_relay.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { FakeSignin } from "./fake/signin.ts";
import {
  ACCOUNT_ID,
  browserEnv,
  cliToken,
  fakeBrowser,
  ROLE,
  runCli,
  SESSION_PROFILE,
  START_URL,
  TempHome,
} from "./helpers.ts";

const HOUR = 3_600_000;

/** A home with the `dev` profile (sso-session my-sso) and a token the fake accepts. */
async function setUp(profileExtra = "") {
  const home = await TempHome.create();
  const fake = await FakeIdentityCenter.start();
  const signin = FakeSignin.start(() => fake.issuedCredentials);
  await home.writeConfig(
    SESSION_PROFILE.replace("[profile dev]\n", `[profile dev]\n${profileExtra}`),
  );
  fake.addAccessToken("at-dev");
  await home.writeToken({ sessionName: "my-sso" }, cliToken("at-dev", 8 * HOUR));
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(["console", ...args], {
      home,
      endpoint: fake.url,
      env: { AWS_ENDPOINT_URL_SIGNIN: signin.url, ...env },
    });
  return {
    home,
    fake,
    signin,
    run,
    async [Symbol.asyncDispose]() {
      await signin.close();
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/** The one URL line on stdout. */
function printedUrl(stdout: string): URL {
  const lines = stdout.split("\n").filter((l) => l !== "");
  assertEquals(lines.length, 1, `expected one line on stdout, got: ${stdout}`);
  return new URL(lines[0]);
}

Deno.test("console launch --profile dev --print: the role's credentials become a sign-in URL", async () => {
  await using t = await setUp();
  const result = await t.run(["launch", "--profile", "dev", "--print", "--duration", "60"]);
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  const url = printedUrl(result.stdout);
  assertEquals(url.origin + url.pathname, `${t.signin.url}/federation`);
  assertEquals([...url.searchParams.keys()], ["Action", "Issuer", "Destination", "SigninToken"]);
  assertEquals(url.searchParams.get("Action"), "login");
  assertEquals(url.searchParams.get("Issuer"), START_URL);
  assertEquals(url.searchParams.get("Destination"), "https://console.aws.amazon.com/");
  // The session JSON is exactly the credentials the fake Identity Center issued.
  assertEquals(t.fake.calls.GetRoleCredentials, 1);
  assertEquals(t.signin.tokenCalls.length, 1);
  const call = t.signin.tokenCalls[0];
  assertEquals(call.method, "POST");
  assertEquals(call.session, {
    sessionId: t.fake.issuedCredentials[0].accessKeyId,
    sessionKey: t.fake.issuedCredentials[0].secretAccessKey,
    sessionToken: t.fake.issuedCredentials[0].sessionToken,
  });
  assertEquals(call.matched?.accountId, ACCOUNT_ID);
  assertEquals(call.matched?.roleName, ROLE);
  assertEquals(call.sessionDuration, 3600);
  assertEquals(url.searchParams.get("SigninToken"), call.signinToken);
  // The URL works: the fake's login page knows the session.
  const page = await fetch(url);
  assertEquals(await page.text(), `signed in as ${ROLE} in ${ACCOUNT_ID}`);

  // Same credential path as credential-process: the cached credentials are reused.
  const again = await t.run(["launch", "--profile", "dev", "--print"]);
  assertEquals(again.code, 0);
  assertEquals(t.fake.calls.GetRoleCredentials, 1);
  assertEquals(t.signin.tokenCalls.length, 2);
  assertEquals(t.signin.tokenCalls[1].sessionDuration, undefined);
  assertEquals(t.signin.tokenCalls[1].matched, t.fake.issuedCredentials[0]);
  const cp = await runCli(["credential-process", "--profile", "dev"], {
    home: t.home,
    endpoint: t.fake.url,
  });
  assertEquals(cp.code, 0);
  assertEquals(JSON.parse(cp.stdout).AccessKeyId, t.fake.issuedCredentials[0].accessKeyId);
  assertEquals(t.fake.calls.GetRoleCredentials, 1);
});

Deno.test("console launch: region and destination from flags, env defaults and the profile", async () => {
  await using t = await setUp("region = eu-west-1\n");
  const fromProfile = await t.run(["launch", "--profile", "dev", "--print"]);
  assertEquals(fromProfile.code, 0, fromProfile.stderr);
  assertEquals(
    printedUrl(fromProfile.stdout).searchParams.get("Destination"),
    "https://console.aws.amazon.com/?region=eu-west-1",
  );
  const fromEnv = await t.run(["launch", "--profile", "dev", "--print"], {
    AWS_CONSOLE_DEFAULT_REGION: "us-west-2",
    AWS_CONSOLE_DEFAULT_DESTINATION:
      "https://us-east-1.console.aws.amazon.com/ec2/home?region=ap-south-1#Instances:",
    AWS_CONSOLE_DEFAULT_ISSUER: "https://intranet.example/aws",
  });
  assertEquals(fromEnv.code, 0, fromEnv.stderr);
  const url = printedUrl(fromEnv.stdout);
  assertEquals(
    url.searchParams.get("Destination"),
    "https://us-east-1.console.aws.amazon.com/ec2/home?region=ap-south-1#Instances:",
  );
  assertEquals(url.searchParams.get("Issuer"), "https://intranet.example/aws");
  const overridden = await t.run([
    "launch",
    "--profile",
    "dev",
    "--print",
    "--region",
    "us-west-2",
    "--destination",
    "/lambda/home?region=ap-south-1",
    "--override-region-in-destination",
  ]);
  assertEquals(
    printedUrl(overridden.stdout).searchParams.get("Destination"),
    "https://console.aws.amazon.com/lambda/home?region=us-west-2",
  );
});

Deno.test("console launch: each partition's console host; get-config-token names its sign-in host", async () => {
  await using t = await setUp();
  const cases: [string, string | undefined, string, string][] = [
    ["us-east-1", undefined, "console.aws.amazon.com", "https://signin.aws.amazon.com/federation"],
    [
      "us-east-1",
      "eu-central-1",
      "console.aws.amazon.com",
      "https://eu-central-1.signin.aws.amazon.com/federation",
    ],
    [
      "us-gov-west-1",
      undefined,
      "console.amazonaws-us-gov.com",
      "https://signin.amazonaws-us-gov.com/federation",
    ],
    [
      "us-gov-west-1",
      "us-gov-east-1",
      "console.amazonaws-us-gov.com",
      "https://us-gov-east-1.signin.amazonaws-us-gov.com/federation",
    ],
    ["cn-north-1", undefined, "console.amazonaws.cn", "https://signin.amazonaws.cn/federation"],
    [
      "eusc-de-east-1",
      undefined,
      "console.amazonaws-eusc.eu",
      "https://signin.amazonaws-eusc.eu/federation",
    ],
  ];
  for (const [ssoRegion, region, consoleHost, federation] of cases) {
    await t.home.writeToken(
      { startUrl: START_URL },
      cliToken("at-dev", 8 * HOUR, { region: ssoRegion }),
    );
    const flags = ["-u", START_URL, "--sso-region", ssoRegion, "-a", ACCOUNT_ID, "-r", ROLE];
    if (region) flags.push("--region", region);
    const result = await t.run(["launch", ...flags, "--print", "--force-refresh"]);
    assertEquals(result.code, 0, result.stderr);
    const destination = new URL(printedUrl(result.stdout).searchParams.get("Destination")!);
    assertEquals(destination.host, consoleHost, ssoRegion);
    const token = await t.run(["get-config-token", ...flags]);
    assertEquals(token.code, 0, token.stderr);
    const json = JSON.parse(atob(token.stdout.trim().replace(/-/g, "+").replace(/_/g, "/")));
    assertEquals(json.url, federation, `${ssoRegion} ${region}`);
  }
  const mixed = await t.run(["launch", "--profile", "dev", "--region", "cn-north-1", "--print"]);
  assertEquals(mixed.code, 2);
  assertEquals(
    mixed.stderr,
    "The console region cn-north-1 is not in the commercial AWS partition of the IAM Identity Center region us-east-1.\n",
  );
});

Deno.test("console launch: bad duration and sign-in failures are one sentence each", async () => {
  await using t = await setUp();
  const bad = await t.run(["launch", "--profile", "dev", "--print", "--duration", "721"]);
  assertEquals(bad.code, 2);
  assertEquals(
    bad.stderr,
    "--duration must be a whole number of minutes from 15 to 720, not 721.\n",
  );
  assertEquals(t.fake.requests.length, 0);
  assertEquals(t.signin.tokenCalls.length, 0);

  t.signin.injected.push({ status: 400, body: "<html>nope</html>" });
  const refused = await t.run(["launch", "--profile", "dev", "--print"]);
  assertEquals(refused.code, 4);
  assertEquals(refused.stdout, "");
  assertMatch(
    refused.stderr,
    /^The AWS sign-in endpoint 127\.0\.0\.1:\d+ refused the sign-in token request with HTTP 400 \([^\n]*\)\.\n$/,
  );

  t.signin.injected.push({ status: 200, body: '{"Token":"x"}' });
  const malformed = await t.run(["launch", "--profile", "dev", "--print"]);
  assertEquals(malformed.code, 4);
  assertMatch(
    malformed.stderr,
    /^The AWS sign-in endpoint 127\.0\.0\.1:\d+ answered without a valid sign-in token\.\n$/,
  );

  const down = await t.run(["launch", "--profile", "dev", "--print"], {
    AWS_ENDPOINT_URL_SIGNIN: "http://127.0.0.1:9",
  });
  assertEquals(down.code, 4);
  assertMatch(down.stderr, /^Could not reach the AWS sign-in endpoint 127\.0\.0\.1:9: [^\n]+\.\n$/);
});

Deno.test("console launch: the sign-in URL never reaches the debug log", async () => {
  await using t = await setUp();
  const result = await t.run([
    "launch",
    "--profile",
    "dev",
    "--print",
    "--debug",
    "--logout-first",
  ]);
  assertEquals(result.code, 0, result.stderr);
  const log = await Deno.readTextFile(t.home.logPath);
  const token = t.signin.tokenCalls[0].signinToken!;
  assert(!log.includes(token), "the sign-in token is in the debug log");
  assert(
    !log.includes(t.fake.issuedCredentials[0].secretAccessKey),
    "the secret key is in the log",
  );
  assertStringIncludes(log, "SigninToken=<redacted>");
});

Deno.test("console launch --logout-first: one navigation signs out, then signs in", async () => {
  await using t = await setUp();
  const bin = await fakeBrowser(t.home);
  const result = await t.run(["launch", "--profile", "dev", "--logout-first"], browserEnv(bin));
  assertEquals(result.code, 0, result.stderr);
  assertEquals(result.stdout, "");
  assertEquals(result.stderr, "Opened the AWS console sign-in in your browser.\n");
  // The fake browser loads the page in the background: wait for both visits.
  for (let i = 0; i < 100 && t.signin.visits.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // The opener's command line carries only a one-time loopback URL, never the SigninToken.
  const opened = (await Deno.readTextFile(`${bin}/opened.txt`)).trim().split("\n");
  assertEquals(opened.length, 1);
  assertMatch(opened[0], /^http:\/\/127\.0\.0\.1:\d+\/console\/[0-9a-f]{32}$/);
  assert(!opened[0].includes(t.signin.tokenCalls[0].signinToken!));
  assertEquals(t.signin.visits.map((v) => `${v.path} ${v.params.Action}`), [
    "/oauth logout",
    "/federation login",
  ]);
  assertEquals(t.signin.visits[1].params.SigninToken, t.signin.tokenCalls[0].signinToken);
});

Deno.test("the sign-in relay redirects its first fetch only, then closes", async () => {
  const target = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=secret";
  const relay = startSigninRelay(target, 5000);
  try {
    const wrong = await fetch(relay.url.replace(/[0-9a-f]{32}$/, "0".repeat(32)), {
      redirect: "manual",
    });
    await wrong.body?.cancel();
    assertEquals(wrong.status, 404);
    const first = await fetch(relay.url, { redirect: "manual" });
    await first.body?.cancel();
    assertEquals(first.status, 302);
    assertEquals(first.headers.get("location"), target);
    assertEquals(first.headers.get("cache-control"), "no-store");
    assertEquals(await relay.fetched, true);
    const again = await fetch(relay.url, { redirect: "manual" });
    assertEquals(again.status, 404);
    assert(!(await again.text()).includes("secret"));
  } finally {
    await relay.close();
  }
  const idle = startSigninRelay(target, 50);
  assertEquals(await idle.fetched, false);
  await idle.close();
});

Deno.test("console launch: a browser that never loads the page gets the URL on stderr after the wait", async () => {
  await using t = await setUp();
  const bin = `${t.home.dir}/bin`;
  await Deno.mkdir(bin);
  await Deno.writeTextFile(`${bin}/xdg-open`, `#!/bin/sh\necho "$1" >> "${bin}/opened.txt"\n`);
  await Deno.chmod(`${bin}/xdg-open`, 0o755);
  const result = await runCli(["console", "launch", "--profile", "dev"], {
    home: t.home,
    endpoint: t.fake.url,
    env: { AWS_ENDPOINT_URL_SIGNIN: t.signin.url, ...browserEnv(bin) },
    limits: { consoleOpenMs: 300 },
  });
  assertEquals(result.code, 0, result.stderr);
  const lines = result.stderr.split("\n");
  assertEquals(
    lines[0],
    "The browser did not load the sign-in page in time; open this sign-in URL within 15 minutes (it signs in as the role, keep it private):",
  );
  assertEquals(
    new URL(lines[1]).searchParams.get("SigninToken"),
    t.signin.tokenCalls[0].signinToken,
  );
});

Deno.test("console launch without a browser prints the URL on stderr", async () => {
  await using t = await setUp();
  const result = await t.run(["launch", "--profile", "dev"]);
  assertEquals(result.code, 0);
  assertEquals(result.stdout, "");
  const lines = result.stderr.split("\n");
  assertMatch(lines[0], /^No browser could be opened; open this sign-in URL within 15 minutes/);
  assertEquals(
    new URL(lines[1]).searchParams.get("SigninToken"),
    t.signin.tokenCalls[0].signinToken,
  );
});

// Made by the Python aws-sso-util (console get-config-token) for this test's instance, account
// 123456789012, role MyRole, region us-west-2, destination /ec2/home, duration 60.
const PYTHON_TOKEN =
  "eyJ2IjoiMSIsInNzb3VybCI6Imh0dHBzOi8vZXhhbXBsZS5hd3NhcHBzLmNvbS9zdGFydCIsInNzb3JlZyI6InVzLWVhc3QtMSIsInVybCI6Imh0dHBzOi8vdXMtd2VzdC0yLnNpZ25pbi5hd3MuYW1hem9uLmNvbS9mZWRlcmF0aW9uIiwiZHN0IjoiaHR0cHM6Ly91cy13ZXN0LTIuY29uc29sZS5hd3MuYW1hem9uLmNvbS9lYzIvaG9tZT9yZWdpb249dXMtd2VzdC0yIiwiYWNjIjoiMTIzNDU2Nzg5MDEyIiwicm9sIjoiTXlSb2xlIiwicmVnIjoidXMtd2VzdC0yIiwiZHVyIjo2MH0=";

Deno.test("config tokens: ours and the Python tool's launch the same way; -a/-r override", async () => {
  await using t = await setUp();
  const made = await t.run([
    "get-config-token",
    "--profile",
    "dev",
    "--region",
    "us-west-2",
    "--destination",
    "/ec2/home",
    "--duration",
    "60",
  ]);
  assertEquals(made.code, 0, made.stderr);
  const token = made.stdout.trim();
  assertMatch(token, /^[A-Za-z0-9_-]+=*$/);
  const fromOurs = await t.run(["launch-from-config", token, "--print"]);
  assertEquals(fromOurs.code, 0, fromOurs.stderr);
  assertEquals(
    printedUrl(fromOurs.stdout).searchParams.get("Destination"),
    "https://console.aws.amazon.com/ec2/home?region=us-west-2",
  );
  assertEquals(t.signin.tokenCalls.at(-1)!.sessionDuration, 3600);

  const fromPython = await t.run(["launch-from-config", "-t", PYTHON_TOKEN, "--print"]);
  assertEquals(fromPython.code, 0, fromPython.stderr);
  assertEquals(fromPython.stderr, "");
  assertEquals(
    printedUrl(fromPython.stdout).searchParams.get("Destination"),
    "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2",
  );
  assertEquals(t.signin.tokenCalls.at(-1)!.matched?.roleName, ROLE);

  t.fake.options.accounts[0].roles.push("OtherRole");
  const other = await t.run(["launch-from-config", PYTHON_TOKEN, "-r", "OtherRole", "--print"]);
  assertEquals(other.code, 0, other.stderr);
  assertEquals(t.signin.tokenCalls.at(-1)!.matched?.roleName, "OtherRole");

  const bad = await t.run(["launch-from-config", "bm90IGpzb24=", "--print"]);
  assertEquals(bad.code, 2);
  assertEquals(bad.stderr, "The config token is not valid: it does not hold JSON.\n");
});

Deno.test("a config token's foreign federation endpoint never receives the credentials", async () => {
  await using t = await setUp();
  const foreign = btoa(JSON.stringify({
    v: "1",
    ssourl: START_URL,
    ssoreg: "us-east-1",
    url: "https://evil.example/federation",
    dst: "https://evil.example/x",
    acc: ACCOUNT_ID,
    rol: ROLE,
    extra: 1,
  }));
  const result = await t.run(["launch-from-config", foreign, "--print"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    result.stderr,
    "The config token has keys this tool does not know, ignored: extra.\n" +
      "The config token's federation endpoint https://evil.example/federation is not an AWS sign-in endpoint; using the AWS one of its region instead.\n",
  );
  const url = printedUrl(result.stdout);
  assertEquals(url.origin, t.signin.url);
  assertEquals(url.searchParams.get("Destination"), "https://console.aws.amazon.com/x");
});

Deno.test("console launch: AWS_CONSOLE_LOGOUT_FIRST and --no-logout-first", async () => {
  await using t = await setUp();
  const env = { AWS_CONSOLE_LOGOUT_FIRST: "true" };
  const first = await t.run(["launch", "--profile", "dev", "--print"], env);
  assertEquals(first.code, 0, first.stderr);
  const url = printedUrl(first.stdout);
  assertEquals(url.pathname, "/oauth");
  const login = new URL(url.searchParams.get("redirect_uri")!);
  assertEquals(login.pathname, "/federation");
  assertEquals(login.searchParams.get("SigninToken"), t.signin.tokenCalls[0].signinToken);
  const plain = await t.run(["launch", "--profile", "dev", "--print", "--no-logout-first"], env);
  assertEquals(printedUrl(plain.stdout).pathname, "/federation");
});

Deno.test("console launch: a login required is credential-process's sentence, exit 1", async () => {
  await using t = await setUp();
  await Deno.remove(t.home.ssoCacheDir, { recursive: true });
  const result = await t.run(["launch", "--profile", "dev", "--print"]);
  assertEquals(result.code, 1);
  assertEquals(result.stdout, "");
  const cp = await runCli(["credential-process", "--profile", "dev"], {
    home: t.home,
    endpoint: t.fake.url,
  });
  assertEquals(result.stderr, cp.stderr);
  assertEquals(t.signin.tokenCalls.length, 0);
});

Deno.test("console launch -a/-r finds the instance as every command does; -v, --no-print", async () => {
  await using t = await setUp();
  const role = ["-a", ACCOUNT_ID, "-r", ROLE];
  // The one instance configured (an sso-session): its token.
  const single = await t.run(["launch", ...role, "--print", "-v"]);
  assertEquals(single.code, 0, single.stderr);
  assertEquals(printedUrl(single.stdout).searchParams.get("Issuer"), START_URL);
  assertMatch(single.stderr, new RegExp(`console ${ACCOUNT_ID} ${ROLE} via ${START_URL}`));
  // A part of the configured start URL, and the default-instance variables.
  for (
    const [args, env] of [
      [["-u", "example"], {}],
      [[], { AWS_DEFAULT_SSO_START_URL: START_URL, AWS_DEFAULT_SSO_REGION: "us-east-1" }],
    ] as const
  ) {
    const found = await t.run(["launch", ...role, ...args, "--print", "--force-refresh"], env);
    assertEquals(found.code, 0, found.stderr);
    assertEquals(found.stderr, "");
  }
  const token = await t.run(["get-config-token", ...role, "-u", "example"]);
  assertEquals(token.code, 0, token.stderr);
  // --no-print: the browser is opened (there is none here), the URL goes to stderr.
  const opened = await t.run(["launch", ...role, "--no-print"]);
  assertEquals([opened.code, opened.stdout], [0, ""], opened.stderr);
  assertStringIncludes(opened.stderr, "/federation?Action=login");
  const none = await t.run(["launch", ...role, "-u", "nowhere", "--print"]);
  assertEquals(none.code, 2);
  assertEquals(none.stderr, "No configured SSO start URL matches nowhere.\n");
});

Deno.test("console launch -u URL: an sso-session's start URL uses the login cached under the URL", async () => {
  await using t = await setUp();
  // Only `login URL` (legacy key) has been run: the session's own token is gone.
  await Deno.remove(t.home.ssoCacheDir, { recursive: true });
  t.fake.addAccessToken("at-legacy");
  await t.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const args = ["-a", ACCOUNT_ID, "-r", ROLE, "-u", START_URL, "--sso-region", "us-east-1"];
  const result = await t.run(["launch", ...args, "--print"]);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(t.fake.calls.GetRoleCredentials, 1);
});

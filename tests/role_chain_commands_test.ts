/**
 * Every command with a profile that assumes a role (`role_arn` + `source_profile`), end to end:
 * the CLI against the fake IAM Identity Center and the fake STS in a temporary home —
 * `credential-process`, `export`, `run-as`, `serve`, `console launch`, `login`, `logout`, `check`
 * and `status` — and botocore running our `credential_process` line for one, when installed.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";
import { permissionFlags, readPermissionSet } from "../scripts/permissions.ts";
import { childNetworkEnv } from "./child_env.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { FakeSignin } from "./fake/signin.ts";
import { FakeSts, type IssuedRole } from "./fake/sts.ts";
import type { IssuedCredentials } from "./fake/types.ts";
import {
  ACCOUNT_ID,
  cliArgv,
  declaredPermissionFlags,
  finishChild,
  readStdoutLines,
  realDenoDir,
  REPO_DIR,
  ROLE,
  runCli,
  SESSION_PROFILE,
  sessionToken,
  TempHome,
} from "./helpers.ts";
import { pythonExecutable, pythonHas } from "./script_helpers.ts";
import { chainCachePaths } from "../src/cache/assumed_role_cache.ts";
import { profileChain } from "../src/cache/profile_chain.ts";
import { loadConfigFile } from "../src/config/settings.ts";
import { testRuntime } from "./helpers.ts";

const DEPLOY = "arn:aws:iam::222222222222:role/Deploy";
const HUB = "arn:aws:iam::333333333333:role/Hub";
const CI = "arn:aws:iam::444444444444:role/Ci";
const MFA = "arn:aws:iam::123456789012:mfa/user";
const HOUR = 3_600_000;

const CHAINS = `
[profile deploy]
role_arn = ${DEPLOY}
source_profile = dev
region = eu-west-3

[profile app]
role_arn = ${DEPLOY}
source_profile = hub
role_session_name = app-session

[profile hub]
role_arn = ${HUB}
source_profile = dev

[profile mfa]
role_arn = ${HUB}
source_profile = dev
mfa_serial = ${MFA}

[profile keys]
role_arn = ${CI}
source_profile = user

[profile broken]
role_arn = ${DEPLOY}
source_profile = nowhere
`;

/** A home logged in to the fake Identity Center (sso-session my-sso), a fake STS, IAM user keys. */
async function world() {
  const home = await TempHome.create();
  const fake = await FakeIdentityCenter.start();
  const sts = await FakeSts.start({ identityCenter: fake });
  sts.role(HUB, {}); // trusts everyone, any MFA-less caller, unless a test says otherwise
  const token = await sessionToken(home, fake, 8 * HOUR);
  await home.writeConfig(`${SESSION_PROFILE}\n${CHAINS}`);
  const user = sts.addUser("alice");
  await Deno.writeTextFile(
    `${home.dir}/.aws/credentials`,
    `[user]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
  );
  const env = { AWS_ENDPOINT_URL_STS: sts.url };
  const cli = (args: string[], more: Record<string, string> = {}) =>
    runCli(args, { home, endpoint: fake.url, env: { ...env, ...more } });
  return {
    home,
    fake,
    sts,
    env,
    token,
    user,
    cli,
    /** The cache files of `profile`'s chain, as botocore names them. */
    async cachePaths(profile: string): Promise<string[]> {
      const rt = testRuntime({ HOME: home.dir });
      const chain = await profileChain(rt, profile, await loadConfigFile(home.configPath));
      return await chainCachePaths(chain!, home.cliCacheDir);
    },
    async [Symbol.asyncDispose]() {
      await sts.close();
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

function lastIssued(sts: FakeSts): IssuedRole {
  const issued = sts.issued[sts.issued.length - 1];
  assert(issued, "STS issued credentials");
  return issued;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** One sentence on stderr, nothing on stdout. */
function assertSentence(result: { stdout: string; stderr: string }): string {
  assertEquals(result.stdout, "");
  const lines = result.stderr.split("\n").filter((l) => l !== "");
  assertEquals(lines.length, 1, result.stderr);
  return lines[0];
}

/** The environment of a child process (the CLI, or botocore running it): only the fakes. */
async function childEnv(
  w: { home: TempHome; fake: FakeIdentityCenter; sts: FakeSts },
): Promise<Record<string, string>> {
  return {
    ...childNetworkEnv(),
    HOME: w.home.dir,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: await realDenoDir(),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    AWS_ENDPOINT_URL_SSO: w.fake.url,
    AWS_ENDPOINT_URL_STS: w.sts.url,
  };
}

/** The CLI as a subprocess with a permission set of deno.json (as a release binary has it). */
async function spawnCli(
  w: { home: TempHome; fake: FakeIdentityCenter; sts: FakeSts },
  args: string[],
  set: string,
): Promise<Deno.ChildProcess> {
  const [program, ...argv] = cliArgv(
    args,
    permissionFlags(await readPermissionSet(undefined, set)),
  );
  return new Deno.Command(program, {
    args: argv,
    cwd: REPO_DIR,
    clearEnv: true,
    env: await childEnv(w),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

// ------------------------------------------------------------------ credential-process

Deno.test("credential-process --profile of a role profile prints the assumed role's credentials and reuses them from the AWS CLI's cache", async () => {
  await using w = await world();
  const first = await w.cli(["credential-process", "--profile", "deploy"]);
  assertEquals([first.code, first.stderr], [0, ""]);
  const issued = lastIssued(w.sts);
  assertEquals(issued.roleArn, DEPLOY);
  // The SSO role's credentials signed the AssumeRole call.
  assertEquals(issued.sourceAccessKeyId, w.fake.issuedCredentials[0].accessKeyId);
  const json = JSON.parse(first.stdout);
  assertEquals(json.Version, 1);
  assertEquals(json.AccessKeyId, issued.accessKeyId);
  assertEquals(json.SecretAccessKey, issued.secretAccessKey);
  assertEquals(json.SessionToken, issued.sessionToken);
  assertMatch(json.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const [path] = await w.cachePaths("deploy");
  assert(await exists(path), "cached under botocore's key");

  const again = await w.cli(["credential-process", "--profile", "deploy"]);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(JSON.parse(again.stdout).AccessKeyId, issued.accessKeyId);
  assertEquals([w.sts.assumeRoleCalls, w.fake.calls.GetRoleCredentials], [1, 1]);

  // Two hops: hub with the SSO role's credentials, then Deploy with hub's.
  const app = await w.cli(["credential-process", "--profile", "app"]);
  assertEquals(app.code, 0, app.stderr);
  assertEquals(w.sts.issued.slice(1).map((r) => r.roleArn), [HUB, DEPLOY]);
  assertEquals(w.sts.issued[2].sourceAccessKeyId, w.sts.issued[1].accessKeyId);
  assertEquals(w.sts.issued[2].roleSessionName, "app-session");
  assertEquals(JSON.parse(app.stdout).AccessKeyId, w.sts.issued[2].accessKeyId);

  // --force-refresh assumes again.
  const forced = await w.cli(["credential-process", "--profile", "deploy", "--force-refresh"]);
  assertEquals(forced.code, 0, forced.stderr);
  assertEquals(JSON.parse(forced.stdout).AccessKeyId, lastIssued(w.sts).accessKeyId);
  assert(lastIssued(w.sts).accessKeyId !== issued.accessKeyId);
});

Deno.test("credential-process with a role profile: SSO flags, a broken chain, a refused role and a missing MFA terminal are one sentence with their exit codes", async () => {
  await using w = await world();
  const flags = await w.cli(["credential-process", "--profile", "deploy", "--account-id", "1"]);
  assertEquals(flags.code, 2);
  assertEquals(
    assertSentence(flags),
    "Profile deploy assumes a role (role_arn), so its role comes from the chain; --account-id cannot be combined with it.",
  );
  const broken = await w.cli(["credential-process", "--profile", "broken"]);
  assertEquals(broken.code, 2);
  assertMatch(assertSentence(broken), /nowhere/);
  w.sts.role(DEPLOY, { trusted: ["arn:aws:iam::999999999999:root"] });
  const denied = await w.cli(["credential-process", "--profile", "deploy"]);
  assertEquals(denied.code, 4);
  assertStringIncludes(assertSentence(denied), DEPLOY);
  w.sts.role(HUB, { mfaSerial: MFA });
  const mfa = await w.cli(["credential-process", "--profile", "mfa"]);
  assertEquals(mfa.code, 1);
  assertStringIncludes(assertSentence(mfa), "needs an MFA code, and there is no terminal");
  assertEquals(w.sts.issued.length, 0);
});

Deno.test("botocore runs credential_process for a role profile and gets the chain's credentials", async () => {
  const python = await pythonExecutable();
  if (!python || !await pythonHas("botocore")) return;
  await using w = await world();
  const [program, ...argv] = cliArgv(
    ["credential-process", "--profile", "deploy"],
    await declaredPermissionFlags(),
  );
  const line = [program, ...argv].map((a) => `'${a}'`).join(" ");
  await Deno.writeTextFile(
    w.home.configPath,
    `${await Deno.readTextFile(
      w.home.configPath,
    )}\n[profile via-cp]\ncredential_process = ${line}\n`,
  );
  const out = await new Deno.Command(python, {
    args: [
      "-c",
      "import botocore.session, json\n" +
      "c = botocore.session.Session(profile='via-cp').get_credentials().get_frozen_credentials()\n" +
      "print(json.dumps([c.access_key, c.token]))",
    ],
    cwd: REPO_DIR,
    clearEnv: true,
    env: await childEnv(w),
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, stderr);
  const issued = lastIssued(w.sts);
  assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), [
    issued.accessKeyId,
    issued.sessionToken,
  ]);
});

// ------------------------------------------------------------------ export, run-as, serve

Deno.test("export and run-as --profile of a role profile give the chain's credentials (run-as with the profile's region)", async () => {
  await using w = await world();
  const exported = await w.cli(["export", "--profile", "deploy", "--format", "json"]);
  assertEquals(exported.code, 0, exported.stderr);
  const cp = await w.cli(["credential-process", "--profile", "deploy"]);
  assertEquals(JSON.parse(exported.stdout), JSON.parse(cp.stdout));
  assertEquals(JSON.parse(exported.stdout).AccessKeyId, lastIssued(w.sts).accessKeyId);
  assertEquals(w.sts.assumeRoleCalls, 1);

  const env = await w.cli(["export", "--profile", "deploy"]);
  assertEquals(env.code, 0, env.stderr);
  assertMatch(env.stdout, new RegExp(`AWS_ACCESS_KEY_ID='?${lastIssued(w.sts).accessKeyId}'?`));

  const written = await w.cli(["export", "--profile", "app", "--write-credentials", "app-keys"]);
  assertEquals([written.code, written.stdout], [0, ""], written.stderr);
  assertMatch(
    await Deno.readTextFile(`${w.home.dir}/.aws/credentials`),
    new RegExp(`\\[app-keys\\]\naws_access_key_id = ${lastIssued(w.sts).accessKeyId}\n`),
  );
  assertEquals(lastIssued(w.sts).roleSessionName, "app-session");

  const ran = await finishChild(
    await spawnCli(w, [
      "run-as",
      "--profile",
      "deploy",
      "--",
      Deno.execPath(),
      "eval",
      "console.log(JSON.stringify([Deno.env.get('AWS_ACCESS_KEY_ID'), Deno.env.get('AWS_REGION')]))",
    ], "run-as"),
  );
  assertEquals(ran.code, 0, ran.stderr);
  assertEquals(JSON.parse(ran.stdout.trim()), [w.sts.issued[0].accessKeyId, "eu-west-3"]);

  const refused = await w.cli(["run-as", "--profile", "deploy", "-r", ROLE, "--", "true"]);
  assertEquals(refused.code, 2);
  assertStringIncludes(assertSentence(refused), "-r/--role-name cannot be combined with it");
});

Deno.test("serve --profile of a role profile serves the chain's credentials and names the role", async () => {
  await using w = await world();
  const child = await spawnCli(w, ["serve", "--profile", "keys"], "default");
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const { text: out, reader } = await readStdoutLines(child, 2);
  const [uriLine, tokenLine] = out.split("\n");
  const uri = uriLine.slice(uriLine.indexOf("=") + 1);
  const token = tokenLine.slice(tokenLine.indexOf("=") + 1);
  const body = await (await fetch(uri, { headers: { authorization: token } })).json();
  const issued = lastIssued(w.sts);
  assertEquals(issued.roleArn, CI);
  // The IAM user's static keys signed the call.
  assertEquals(issued.sourceAccessKeyId, w.user.accessKeyId);
  assertEquals([body.AccessKeyId, body.Token], [issued.accessKeyId, issued.sessionToken]);
  child.kill("SIGINT");
  assertEquals((await child.status).code, 0);
  clearTimeout(guard);
  await reader.cancel();
  const stderr = await new Response(child.stderr).text();
  assertStringIncludes(
    stderr,
    `Serving the credentials of role ${CI} (profile keys) at ${uri}, refreshed before they expire for as long as they can be; stop with Ctrl-C.`,
  );
});

// ------------------------------------------------------------------ console

Deno.test("console launch --profile of a role profile signs in with the chain's credentials, at most an hour", async () => {
  await using w = await world();
  const asIssued = (r: IssuedRole): IssuedCredentials => ({
    accountId: r.roleArn.split(":")[4],
    roleName: r.roleArn.split("/").pop()!,
    accessKeyId: r.accessKeyId,
    secretAccessKey: r.secretAccessKey,
    sessionToken: r.sessionToken!,
    expiration: r.expiration,
    bearerToken: "",
  });
  await using signin = FakeSignin.start(() => w.sts.issued.map(asIssued));
  const run = (args: string[]) =>
    w.cli(["console", "launch", "--profile", "deploy", "--print", ...args], {
      AWS_ENDPOINT_URL_SIGNIN: signin.url,
    });
  const launched = await run([]);
  assertEquals([launched.code, launched.stderr], [0, ""]);
  const url = new URL(launched.stdout.trim());
  assertEquals(
    url.searchParams.get("Destination"),
    "https://console.aws.amazon.com/?region=eu-west-3",
  );
  const call = signin.tokenCalls[0];
  assertEquals(call.matched?.accessKeyId, lastIssued(w.sts).accessKeyId);
  assertEquals(call.matched?.roleName, "Deploy");
  assertEquals(call.sessionDuration, undefined);

  const short = await run(["--duration", "30"]);
  assertEquals(short.code, 0, short.stderr);
  assertEquals(signin.tokenCalls[1].sessionDuration, 1800);
  assertEquals(w.sts.assumeRoleCalls, 1);

  const long = await run(["--duration", "120"]);
  assertEquals(long.code, 2);
  assertEquals(
    assertSentence(long),
    "Profile deploy is a role-chained session, which AWS limits to one hour; give --duration 60 or less.",
  );
  assertEquals(signin.tokenCalls.length, 2);
});

// ------------------------------------------------------------------ login, logout

Deno.test("login --profile of a role profile logs in to its chain's SSO source; static keys need none", async () => {
  await using w = await world();
  const login = await w.cli(["login", "--profile", "app"]);
  assertEquals(login.code, 0, login.stderr);
  assertMatch(login.stdout + login.stderr, /Already logged in to .*my-sso/);
  const keys = await w.cli(["login", "--profile", "keys"]);
  assertEquals(keys.code, 1);
  assertEquals(
    assertSentence(keys),
    "Profile keys assumes a role with the static keys of profile user, which need no SSO login.",
  );
  const broken = await w.cli(["login", "--profile", "broken"]);
  assertEquals(broken.code, 1);
  assertMatch(assertSentence(broken), /nowhere/);
});

Deno.test("logout removes the roles assumed with the login it ends, so credential-process needs a new login", async () => {
  await using w = await world();
  for (const profile of ["deploy", "app", "keys"]) {
    const result = await w.cli(["credential-process", "--profile", profile]);
    assertEquals(result.code, 0, result.stderr);
  }
  const [deployPath] = await w.cachePaths("deploy");
  const [hubPath, appPath] = await w.cachePaths("app");
  const [keysPath] = await w.cachePaths("keys");
  const out = await w.cli(["logout", "--profile", "deploy"]);
  assertEquals(out.code, 0, out.stderr);
  assertMatch(
    out.stderr,
    /removed 1 cached role credential file and 3 cached assumed-role credential files\.\n$/,
  );
  for (const path of [deployPath, hubPath, appPath]) assert(!await exists(path), path);
  assert(await exists(keysPath), "a role assumed with static keys outlives the login");
  const after = await w.cli(["credential-process", "--profile", "deploy"]);
  assertEquals(after.code, 1);
  assertStringIncludes(assertSentence(after), "login");
});

Deno.test("logout of everything removes every role assumed from an SSO login, and keeps the rest", async () => {
  await using w = await world();
  for (const profile of ["deploy", "keys"]) {
    assertEquals((await w.cli(["credential-process", "--profile", profile])).code, 0);
  }
  const [deployPath] = await w.cachePaths("deploy");
  const [keysPath] = await w.cachePaths("keys");
  const out = await w.cli(["logout"]);
  assertEquals(out.code, 0, out.stderr);
  assert(!await exists(deployPath));
  assert(await exists(keysPath));
});

// ------------------------------------------------------------------ check, status

Deno.test("check --check-profile of a role profile checks the chain, its SSO source and the roles", async () => {
  await using w = await world();
  const checked = await w.cli(["check", "--check-profile", "deploy"]);
  assertEquals(checked.code, 0, checked.stderr);
  assertStringIncludes(
    checked.stdout,
    `ok: Profile deploy assumes a role: SSO role ${ROLE} in account ${ACCOUNT_ID} (profile dev) → ${DEPLOY} (profile deploy); STS in eu-west-3 (profile deploy).`,
  );
  assertMatch(checked.stdout, /^ok: The SSO token is valid until /m);
  assertMatch(
    checked.stdout,
    new RegExp(`^ok: The credentials of role ${DEPLOY} \\(profile deploy\\) are valid until `, "m"),
  );
  assertEquals(w.sts.assumeRoleCalls, 1);
  const keys = await w.cli(["check", "--check-profile", "keys"]);
  assertEquals(keys.code, 0, keys.stderr);
  assertMatch(keys.stdout, /^info: The chain starts from the static keys of profile user in /m);
  assertEquals(w.sts.assumeRoleCalls, 2);

  const broken = await w.cli(["check", "--check-profile", "broken"]);
  assertEquals(broken.code, 2);
  w.sts.role(HUB, { mfaSerial: MFA });
  const mfa = await w.cli(["check", "--check-profile", "mfa"]);
  assertEquals(mfa.code, 201);
  assertStringIncludes(mfa.stderr, "needs an MFA code");
  w.sts.role(DEPLOY, { trusted: [] });
  const denied = await w.cli(["check", "--check-profile", "deploy", "--force-refresh"]);
  assertEquals(denied.code, 4);
});

Deno.test("status lists role profiles with their cached credentials, and status --profile judges a role profile as credential-process would", async () => {
  await using w = await world();
  assertEquals((await w.cli(["credential-process", "--profile", "deploy"])).code, 0);
  const text = await w.cli(["status"]);
  assertEquals(text.code, 0, text.stderr);
  assertStringIncludes(
    text.stdout,
    `\n\nrole chains:\n  deploy: SSO role ${ROLE} in account ${ACCOUNT_ID} (profile dev) → ${DEPLOY} (profile deploy)\n    cached credentials expire `,
  );
  assertStringIncludes(text.stdout, "\n  app: ");
  assertMatch(text.stdout, /\n {4}cached credentials: none\n/);
  assertMatch(text.stdout, /\n {2}broken: .*nowhere/);
  const json = JSON.parse((await w.cli(["status", "--json"])).stdout);
  const deploy = json.roleChains.find((c: { profile: string }) => c.profile === "deploy");
  assertEquals(deploy.roleArn, DEPLOY);
  assertEquals(deploy.source, { kind: "sso", profile: "dev" });
  assertMatch(deploy.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assertEquals(
    json.roleChains.find((c: { profile: string }) => c.profile === "broken").roleArn,
    null,
  );

  assertEquals((await w.cli(["status", "--profile", "deploy"])).code, 0);
  // The login gone, the assumed credentials still carry it; then nothing does.
  await Deno.remove(w.token.path);
  const cached = await w.cli(["status", "--profile", "deploy"]);
  assertEquals(cached.code, 0, cached.stderr);
  assertStringIncludes(cached.stdout, "No cached SSO login for sso-session my-sso");
  await Deno.remove(w.home.cliCacheDir, { recursive: true }); // the SSO role's too
  const none = await w.cli(["status", "--profile", "deploy"]);
  assertEquals(none.code, 1);
  assertStringIncludes(none.stderr, "aws-sso-util login --profile deploy");
  // Static keys need no login.
  const keys = await w.cli(["status", "--profile", "keys", "--json"]);
  assertEquals(keys.code, 0, keys.stderr);
  assertEquals(JSON.parse(keys.stdout).roleChains[0].source, { kind: "static", profile: "user" });
  const broken = await w.cli(["status", "--profile", "broken"]);
  assertEquals(broken.code, 2);
});

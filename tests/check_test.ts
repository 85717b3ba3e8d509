/**
 * End-to-end tests of `aws-sso-util check`, run through `runCli` against the fake Identity Center
 * with a temp HOME: every exit code (0, 2, 4 is the shared AWS-call code, 101–204) and every
 * diagnostic.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "./assert.ts";
import { type FakeAccount, FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  cliToken,
  LEGACY_PROFILE,
  loginOnFake,
  POSIX,
  REPO_DIR,
  ROLE,
  runCli,
  SESSION_PROFILE,
  START_URL,
  TempHome,
} from "./helpers.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

const ACCOUNTS: FakeAccount[] = [
  {
    accountId: "111111111111",
    accountName: "Dev",
    emailAddress: "d@x",
    roles: ["Admin", "ReadOnly"],
  },
  { accountId: "222222222222", accountName: "Prod", emailAddress: "p@x", roles: ["ReadOnly"] },
  { accountId: "333333333333", accountName: "Empty", emailAddress: "e@x", roles: [] },
  { accountId: ACCOUNT_ID, accountName: "Main", emailAddress: "m@x", roles: [ROLE] },
];

/** A fake with a few accounts (pages of 2) and a home with `config`. */
async function setup(config = LEGACY_PROFILE) {
  const fake = await FakeIdentityCenter.start({ pageSize: 2, accounts: ACCOUNTS });
  const home = await TempHome.create();
  await home.writeConfig(config);
  /** Writes a token file private (0600 in a 0700 directory), as the AWS CLI and this tool do. */
  const writeToken = async (ref: { sessionName?: string }, json: Record<string, unknown>) => {
    const path = await home.writeToken(ref, json);
    if (POSIX) {
      await Deno.chmod(path, 0o600);
      await Deno.chmod(home.ssoCacheDir, 0o700);
    }
    return path;
  };
  const check = (args: string[], env?: Record<string, string>) =>
    runCli(["check", ...args], { home, endpoint: fake.url, env });
  return {
    fake,
    home,
    check,
    writeToken,
    /** A token the fake accepts, under the legacy key, valid for `validMs`. */
    async legacyToken(validMs = 8 * HOUR, extra: Record<string, unknown> = {}) {
      fake.addAccessToken("at-check");
      return await writeToken({}, cliToken("at-check", validMs, extra));
    },
    async [Symbol.asyncDispose]() {
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/** The report's lines of one level. */
const linesOf = (stdout: string, level: string) =>
  stdout.split("\n").filter((l) => l.startsWith(`${level}: `));

// ------------------------------------------------------------------ exit 0

Deno.test("check: a valid token passes the live ListAccounts test (exit 0), one line per finding", async () => {
  await using t = await setup();
  await t.legacyToken();
  const r = await t.check([]);
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertMatch(
    r.stdout,
    // The --version line, then the time.
    /^info: aws-sso-util \d+\.\d+\.\d+ \([a-z0-9_-]+, Deno \S+, commit [0-9a-z-]+\) check at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.\n/,
  );
  assertStringIncludes(
    r.stdout,
    `ok: SSO instance ${START_URL} (us-east-1), from profile legacy.\n`,
  );
  assertMatch(r.stdout, /^ok: The SSO token is valid until \S+Z \(in 7h 59m\)\.$/m);
  assertStringIncludes(
    r.stdout,
    "ok: Live test: ListAccounts accepted the token (2 account(s) on the first page, more on further pages).\n",
  );
  assertEquals(t.fake.calls.ListAccounts, 1);
  assertEquals(linesOf(r.stdout, "warning"), []);
});

Deno.test("check -q prints nothing on success; -v adds debug lines on stderr", async () => {
  await using t = await setup();
  await t.legacyToken();
  const quiet = await t.check(["-q"]);
  assertEquals([quiet.code, quiet.stdout, quiet.stderr], [0, "", ""]);
  const verbose = await t.check(["-v"]);
  assertEquals(verbose.code, 0);
  assertMatch(verbose.stderr, /token file .*\.json: token/);
});

Deno.test("check -a/-r: the account (by id, short id or exact name) has the role (exit 0)", async () => {
  await using t = await setup();
  await t.legacyToken();
  const byId = await t.check(["-a", "111111111111", "-r", "ReadOnly"]);
  assertEquals([byId.code, byId.stderr], [0, ""]);
  assertStringIncludes(
    byId.stdout,
    "ok: Account 111111111111 (Dev) is available, with 2 role(s): Admin, ReadOnly.\n",
  );
  assertStringIncludes(
    byId.stdout,
    "ok: Role ReadOnly is available in account 111111111111 (Dev).\n",
  );
  assertNotMatch(byId.stdout, /SSO instance/); // only with --instance-details when -a/-r are given
  const byName = await t.check(["--account-id", "Prod", "--instance-details"]);
  assertEquals(byName.code, 0);
  assertStringIncludes(byName.stdout, "ok: Account 222222222222 (Prod) is available");
  assertStringIncludes(byName.stdout, "ok: SSO instance ");
  const roleOnly = await t.check(["--role-name", "ReadOnly"]);
  assertEquals(roleOnly.code, 0);
  assertStringIncludes(
    roleOnly.stdout,
    "ok: Role ReadOnly is available in 2 account(s): 111111111111 (Dev), 222222222222 (Prod).\n",
  );
});

Deno.test("check: a token in its refresh window is refreshed, as credential-process would (exit 0)", async () => {
  await using t = await setup(SESSION_PROFILE);
  const seed = await loginOnFake(t.fake);
  await t.writeToken({ sessionName: "my-sso" }, {
    ...cliToken(seed.accessToken, 5 * MINUTE),
    ...seed,
  });
  const r = await t.check(["--check-profile", "dev"]);
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertMatch(
    r.stdout,
    /^ok: The SSO token needed a refresh and was refreshed; it is valid until .*$/m,
  );
  assertStringIncludes(
    r.stdout,
    `ok: Role ${ROLE} is available in account ${ACCOUNT_ID} (Main).\n`,
  );
  const written = await t.home.readToken({ sessionName: "my-sso" });
  assert(written.accessToken !== seed.accessToken, "the token file holds the refreshed token");
  assertEquals(t.fake.calls.CreateToken, 2); // the login above, then the refresh
});

Deno.test("check --force-refresh refreshes a fresh token; without a refresh token it says so", async () => {
  await using t = await setup(SESSION_PROFILE);
  const seed = await loginOnFake(t.fake);
  await t.writeToken({ sessionName: "my-sso" }, {
    ...cliToken(seed.accessToken, 8 * HOUR),
    ...seed,
  });
  const forced = await t.check(["--check-profile", "dev", "--force-refresh"]);
  assertEquals([forced.code, forced.stderr], [0, ""]);
  assertStringIncludes(forced.stdout, "ok: The SSO token was refreshed; it is valid until ");

  await t.writeToken({ sessionName: "my-sso" }, cliToken(seed.accessToken, 8 * HOUR));
  const plain = await t.check(["--check-profile", "dev", "--force-refresh"]);
  assertEquals(plain.code, 0);
  assertStringIncludes(
    plain.stdout,
    "warning: The SSO token was not refreshed (it has no refresh token or its client registration expired)",
  );
});

Deno.test("check --check-profile follows a credential_process line to the SSO profile it names", async () => {
  await using t = await setup(
    `${SESSION_PROFILE}\n[profile app]\ncredential_process = /usr/local/bin/aws-sso-util credential-process --profile dev\n`,
  );
  t.fake.addAccessToken("at-session");
  await t.writeToken({ sessionName: "my-sso" }, cliToken("at-session", 8 * HOUR));
  const r = await t.check(["--check-profile", "app"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertStringIncludes(
    r.stdout,
    "info: Profile app runs `credential-process --profile dev`; checking profile dev.\n",
  );
  assertStringIncludes(
    r.stdout,
    `ok: Role ${ROLE} is available in account ${ACCOUNT_ID} (Main).\n`,
  );
});

Deno.test("check --skip-token-check checks only the instance, with no token and no network", async () => {
  await using t = await setup();
  const r = await t.check(["--skip-token-check"]);
  assertEquals([r.code, r.stderr], [0, ""]);
  assertStringIncludes(r.stdout, "ok: SSO instance ");
  assertEquals(t.fake.requests.length, 0);
});

// ------------------------------------------------------------------ exit 2

Deno.test("check: flags that cannot go together are usage errors (exit 2)", async () => {
  await using t = await setup();
  const profile = await t.check(["--check-profile", "legacy", "-u", START_URL]);
  assertEquals(profile.code, 2);
  assertEquals(profile.stderr, "--check-profile cannot be combined with -u/--sso-start-url.\n");
  const skip = await t.check(["--skip-token-check", "-r", "X", "--force-refresh"]);
  assertEquals(skip.code, 2);
  assertEquals(
    skip.stderr,
    "--skip-token-check cannot be combined with -r/--role-name, --force-refresh.\n",
  );
  assertEquals(skip.stdout, "");
});

// ------------------------------------------------------------------ 101, 102, 103

Deno.test("check: no instance configured is exit 101", async () => {
  await using t = await setup("[profile plain]\nregion = us-east-1\n");
  const r = await t.check([]);
  assertEquals(r.code, 101);
  assertMatch(r.stderr, /^No SSO instance found in .*\.\n$/);
  const profile = await t.check(["--check-profile", "plain"]);
  assertEquals(profile.code, 101);
  assertEquals(
    profile.stderr,
    "Profile plain has no SSO settings (sso_session or sso_start_url).\n",
  );
});

Deno.test("check: a start URL or profile that matches nothing is exit 102", async () => {
  await using t = await setup();
  const url = await t.check(["-u", "nothing-like-it"]);
  assertEquals(url.code, 102);
  assertEquals(url.stderr, "No configured SSO start URL matches nothing-like-it.\n");
  const profile = await t.check(["--check-profile", "missing"]);
  assertEquals(profile.code, 102);
  assertMatch(profile.stderr, /^Profile missing was not found in .*config\.\n$/);
});

Deno.test("check: several instances is exit 103", async () => {
  await using t = await setup(
    `${LEGACY_PROFILE}\n[profile other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = eu-west-1\n`,
  );
  const all = await t.check([]);
  assertEquals(all.code, 103);
  assertMatch(all.stderr, /^Several SSO instances are configured/);
  const partial = await t.check(["-u", "awsapps"]);
  assertEquals(partial.code, 103);
  assertMatch(partial.stderr, /matches several configured SSO start URLs/);
});

Deno.test("check --command chooses whose default-instance variables apply, as in the original", async () => {
  const other = "https://other.awsapps.com/start";
  await using t = await setup(
    `${LEGACY_PROFILE}\n[profile other]\nsso_start_url = ${other}\nsso_region = eu-west-1\n`,
  );
  const env = {
    AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL: other,
    AWS_SSO_LOGIN_DEFAULT_SSO_START_URL: START_URL,
  };
  const instanceOf = async (args: string[]) => {
    const r = await t.check(["--skip-token-check", ...args], env);
    assertEquals([r.code, r.stderr], [0, ""], args.join(" "));
    return linesOf(r.stdout, "ok")[0];
  };
  assertStringIncludes(await instanceOf(["--command", "configure"]), other);
  assertStringIncludes(await instanceOf(["--command", "configure"]), "AWS_CONFIGURE_SSO_DEFAULT");
  for (const command of [[], ["--command", "login"], ["--command", "default"]]) {
    assertStringIncludes(await instanceOf(command), START_URL);
  }
  const bad = await t.check(["--command", "populate"]);
  assertEquals(bad.code, 2);
  assertMatch(bad.stderr, /^Option '--command <COMMAND>' argument 'populate' is invalid/);
});

// ------------------------------------------------------------------ 201

Deno.test("check: no usable token is exit 201 (missing, expired, not a token, rejected)", async () => {
  await using t = await setup();
  const missing = await t.check([]);
  assertEquals(missing.code, 201);
  assertMatch(
    missing.stderr,
    /^No SSO token is cached for https:\/\/example\.awsapps\.com\/start \(us-east-1\): \S+\.json does not exist; log in with `aws-sso-util login https:\/\/example\.awsapps\.com\/start us-east-1`\.\n$/,
  );
  assertStringIncludes(missing.stdout, "ok: SSO instance "); // the findings so far

  await t.legacyToken(-HOUR);
  const expired = await t.check(["--check-profile", "legacy"]);
  assertEquals(expired.code, 201);
  assertMatch(
    expired.stderr,
    /^The SSO token for .* expired at \S+Z \(1h ago\) and cannot be refreshed; log in again with `aws-sso-util login --profile legacy`\.\n$/,
  );

  const path = await t.writeToken({}, { accessToken: "x", startUrl: START_URL });
  const invalid = await t.check([]);
  assertEquals(invalid.code, 201);
  assertEquals(
    invalid.stderr,
    `The SSO token file ${path} is not usable (it has no expiresAt); log in again with \`aws-sso-util login ${START_URL} us-east-1\`.\n`,
  );

  await t.writeToken({}, cliToken("not-known-to-the-fake", 8 * HOUR));
  const rejected = await t.check([]);
  assertEquals(rejected.code, 201);
  assertMatch(
    rejected.stderr,
    /^IAM Identity Center rejected the SSO token for .* as unauthorized; log in again/,
  );
});

Deno.test({
  name: "check: an unreadable token file is exit 201, naming the file and its owner",
  ignore: !POSIX || Deno.uid() === 0, // root reads any file
  async fn() {
    await using t = await setup();
    const path = await t.legacyToken();
    await Deno.chmod(path, 0o000);
    const r = await t.check([]);
    assertEquals(r.code, 201);
    assertMatch(
      r.stderr,
      new RegExp(
        `^The SSO token file ${path} cannot be read \\(permission denied; it is owned by uid ${Deno.uid()}`,
      ),
    );
  },
});

// ------------------------------------------------------------------ 202, 203, 204

Deno.test("check: an account that is not available or has no roles is exit 202", async () => {
  await using t = await setup();
  await t.legacyToken();
  const absent = await t.check(["-a", "999999999999"]);
  assertEquals(absent.code, 202);
  assertEquals(
    absent.stderr,
    "Account 999999999999 is not among the 4 account(s) this login can access.\n",
  );
  const empty = await t.check(["-a", "Empty", "-r", "Admin"]);
  assertEquals(empty.code, 202);
  assertEquals(empty.stderr, "Account 333333333333 (Empty) has no roles for this login.\n");
});

Deno.test("check: a role in no account is exit 203; not in the account, 204", async () => {
  await using t = await setup();
  await t.legacyToken();
  const nowhere = await t.check(["-r", "Nope"]);
  assertEquals(nowhere.code, 203);
  assertEquals(nowhere.stderr, "Role Nope is in none of the 4 account(s) this login can access.\n");
  const elsewhere = await t.check(["-a", "222222222222", "-r", "Admin"]);
  assertEquals(elsewhere.code, 204);
  assertEquals(elsewhere.stderr, "Role Admin is not available in account 222222222222 (Prod).\n");
  assertStringIncludes(elsewhere.stdout, "ok: Account 222222222222 (Prod) is available");
});

Deno.test("check: a service failure outlasting the retries is exit 4", async () => {
  await using t = await setup();
  await t.legacyToken();
  t.fake.failAlways("ListAccounts", { status: 400, errorType: "ValidationException" });
  const r = await t.check([]);
  assertEquals(r.code, 4);
  assertEquals(r.stderr.split("\n").length, 2, r.stderr);
});

// ------------------------------------------------------------------ diagnostics

Deno.test("check and status name a credential_process line that login_session (aws login) shadows", async () => {
  await using t = await setup(
    SESSION_PROFILE.replace(
      "[profile dev]\n",
      "[profile dev]\nlogin_session = arn:aws:iam::123456789012:user/me\ncredential_process = /usr/bin/true\n",
    ),
  );
  const sentence =
    "Profile dev has login_session (from `aws login`) beside a credential_process line: botocore 1.43+ (boto3, the AWS CLI 2.32+) uses the login session first and never runs the line; remove login_session, or move credential_process to a profile of its own.";
  for (const args of [["--skip-token-check"], ["--check-profile", "dev", "--skip-token-check"]]) {
    const r = await t.check(args);
    assertEquals([r.code, r.stderr], [0, ""], args.join(" "));
    assertEquals(linesOf(r.stdout, "warning"), [`warning: ${sentence}`]);
  }
  for (const args of [[], ["--profile", "dev"]]) {
    const text = await runCli(["status", ...args], { home: t.home });
    assertEquals(text.stdout.split("\n").filter((l) => l.startsWith("warning:")), [
      `warning: ${sentence}`,
    ]);
    const json = await runCli(["status", "--json", ...args], { home: t.home });
    assertEquals(JSON.parse(json.stdout).warnings, [sentence]);
  }
});

Deno.test("check diagnoses a credential_process lost beside sso_* keys, and its program, once each", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plain = `${dir}/not-executable`;
    await Deno.writeTextFile(plain, "#!/bin/sh\n");
    await Deno.chmod(plain, 0o644);
    const runnable = `${dir}/runnable`;
    await Deno.writeTextFile(runnable, "#!/bin/sh\n");
    await Deno.chmod(runnable, 0o755);
    await using t = await setup(`[profile both]
sso_session = my-sso
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
credential_process = aws-sso-util credential-process --profile both

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1

[profile plainfile]
credential_process = "${plain}" credential-process --profile both

[profile gone]
credential_process = ${dir}/gone credential-process --profile both

[profile good]
credential_process = '${runnable}' credential-process --profile both

[profile lost]
sso_session = my-sso
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
credential_process = '${runnable}' credential-process --profile both
`);
    t.fake.addAccessToken("at-s");
    await t.writeToken({ sessionName: "my-sso" }, cliToken("at-s", 8 * HOUR));
    const r = await t.check([]);
    assertEquals([r.code, r.stderr], [0, ""]);
    const warnings = linesOf(r.stdout, "warning");
    assertEquals(warnings.length, 4, r.stdout);
    assertMatch(
      warnings[0],
      /^warning: Profile lost has sso_\* keys beside a credential_process line that asks for another profile: botocore \(boto3, the AWS CLI v2\) and the AWS SDKs .* never run it, so that profile's role is not the one used; move credential_process to a profile of its own without sso_\* keys\.$/,
    );
    // `both` runs credential-process for itself, as configure writes it: intended, not lost.
    assertEquals(linesOf(r.stdout, "info").filter((l) => l.includes("as configure writes them")), [
      "info: Profile both has sso_* keys and a credential_process line running credential-process for the same profile, as configure writes them: SDKs with SSO support use the keys, older ones run the line, for the same role.",
    ]);
    assertMatch(
      warnings[1],
      /^warning: The credential_process program of profile both, aws-sso-util, is not an absolute path/,
    );
    if (POSIX) {
      assertEquals(
        warnings[2],
        `warning: The credential_process program of profile plainfile, ${plain}, is not executable; run \`chmod +x ${plain}\`.`,
      );
    }
    assertEquals(
      warnings[3],
      `warning: The credential_process program of profile gone, ${dir}/gone, does not exist.`,
    );
    assertStringIncludes(
      r.stdout,
      `ok: The credential_process program of profiles good and lost is ${runnable}, an executable file.\n`,
    );

    // --check-profile reports only the diagnostics of that profile and the one it names.
    const one = await t.check(["--check-profile", "good", "--skip-token-check"]);
    assertEquals([one.code, one.stderr], [0, ""]);
    assertStringIncludes(one.stdout, "info: Profile good runs `credential-process --profile both`");
    const mentioned = linesOf(one.stdout, "warning").map((l) =>
      /[Pp]rofile (\w+)[ ,]/.exec(l)?.[1]
    );
    assertEquals(mentioned, ["both"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "check reports cache files and directories that group or others can read",
  ignore: !POSIX,
  async fn() {
    await using t = await setup();
    const path = await t.legacyToken();
    await Deno.chmod(path, 0o644);
    await Deno.chmod(t.home.ssoCacheDir, 0o755);
    await Deno.mkdir(t.home.cliCacheDir, { recursive: true, mode: 0o700 });
    await Deno.chmod(t.home.cliCacheDir, 0o700);
    await Deno.writeTextFile(`${t.home.cliCacheDir}/a.json`, "{}", { mode: 0o600 });
    await Deno.chmod(`${t.home.cliCacheDir}/a.json`, 0o600);
    const r = await t.check([]);
    assertEquals([r.code, r.stderr], [0, ""]);
    const name = path.split("/").pop();
    assertEquals(linesOf(r.stdout, "warning"), [
      `warning: 1 of 1 file(s) in ${t.home.ssoCacheDir} can be read by group or others (e.g. ${name}, mode 0644), and they hold SSO tokens or credentials; run \`chmod 600 ${t.home.ssoCacheDir}/*\`.`,
    ]);
    assertEquals(linesOf(r.stdout, "info").slice(1), [
      `info: The cache directory ${t.home.ssoCacheDir} can be listed by group or others (mode 0755); the file names are hashes, but \`chmod 700 ${t.home.ssoCacheDir}\` keeps it private.`,
    ]);
  },
});

Deno.test("check reports a malformed config file with its line; it is exit 2 when the instance needs it", async () => {
  await using t = await setup(`${LEGACY_PROFILE}oops this is not a key\n`);
  await t.legacyToken();
  const needed = await t.check([]);
  assertEquals(needed.code, 2);
  assertMatch(
    needed.stderr,
    /^The AWS config file \S+ is malformed: line 6 is not a section header, comment or key = value: oops this is not a key\.\n$/,
  );
  assertMatch(needed.stdout, /^warning: The AWS config file \S+ is malformed: line 6 /m);
  // A full start URL and region need no config: the checks go on, the problem is reported.
  const given = await t.check(["-u", START_URL, "--sso-region", "us-east-1"]);
  assertEquals([given.code, given.stderr], [0, ""]);
  assertMatch(given.stdout, /^warning: The AWS config file \S+ is malformed: line 6 /m);
  assertStringIncludes(given.stdout, "ok: Live test: ListAccounts accepted the token");
});

Deno.test("check reports a cached token written for another region than the profile's", async () => {
  await using t = await setup();
  await t.legacyToken(8 * HOUR, { region: "eu-central-1" });
  const r = await t.check(["--check-profile", "legacy"]);
  assertEquals(r.code, 0);
  assertMatch(
    r.stdout,
    /^warning: The cached SSO token \S+\.json was written for region eu-central-1, but https:\/\/example\.awsapps\.com\/start \(us-east-1\) uses us-east-1: refreshing it will fail; log in again with `aws-sso-util login --profile legacy`\.$/m,
  );
});

Deno.test("check reports AWS_PROFILE naming a profile that neither the config nor the credentials file has", async () => {
  await using t = await setup();
  await t.legacyToken();
  await Deno.writeTextFile(`${t.home.dir}/.aws/credentials`, "[static]\naws_access_key_id = A\n");
  const missing = await t.check(["-q"], { AWS_PROFILE: "typo" });
  assertEquals([missing.code, missing.stdout], [0, ""]); // a warning never changes the exit code
  const shown = await t.check([], { AWS_PROFILE: "typo" });
  assertEquals(linesOf(shown.stdout, "warning"), [
    'warning: AWS_PROFILE is set to typo, but no such profile exists in the config or credentials file; the AWS CLI and SDKs will fail with "profile not found".',
  ]);
  for (const name of ["legacy", "static"]) {
    const known = await t.check([], { AWS_PROFILE: name });
    assertEquals(linesOf(known.stdout, "warning"), [], name);
  }
});

/** True when this test runs as root and `setpriv` can drop to another user. */
async function canDropRoot(): Promise<boolean> {
  if (!POSIX || Deno.uid() !== 0) return false;
  try {
    return (await new Deno.Command("setpriv", { args: ["--version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/** Whether the user `nobody` (uid 65534, no groups) may traverse every folder above `path`. */
async function othersCanReach(path: string): Promise<boolean> {
  for (let dir = path.slice(0, path.lastIndexOf("/")); dir !== "";) {
    const mode = (await Deno.stat(dir)).mode ?? 0;
    if ((mode & 0o001) === 0) return false;
    dir = dir.slice(0, dir.lastIndexOf("/"));
  }
  return true;
}

/**
 * A new folder, mode 0755, that `nobody` can reach: in TMPDIR, else /tmp or /var/tmp (the
 * checkout itself may sit in a private folder, e.g. one made by `mktemp -d`). Returns why not
 * when there is none, or when `nobody` cannot run this Deno.
 */
async function folderForNobody(): Promise<string | { reason: string }> {
  const deno = Deno.execPath();
  if (!(await othersCanReach(deno)) || ((await Deno.stat(deno)).mode! & 0o001) === 0) {
    return { reason: `the user nobody cannot run ${deno}` };
  }
  for (const parent of [undefined, "/tmp", "/var/tmp"]) {
    const dir = await Deno.makeTempDir(parent ? { dir: parent } : {}).catch(() => undefined);
    if (dir === undefined) continue;
    await Deno.chmod(dir, 0o755);
    if (await othersCanReach(dir)) return dir;
    await Deno.remove(dir, { recursive: true });
  }
  return { reason: "no temp folder (TMPDIR, /tmp, /var/tmp) is reachable by the user nobody" };
}

/**
 * Copies the local module graph of `module` (a path in this checkout) into `dir`, keeping the
 * paths relative to the checkout, world-readable; returns the copy's path.
 */
async function copyModuleGraph(module: string, dir: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config", `${REPO_DIR}/${module}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const root = new URL(`file://${REPO_DIR}/`).href;
  for (const { specifier } of graph.modules) {
    if (specifier.startsWith("node:")) continue; // built into Deno
    assert(specifier.startsWith(root), `${specifier} is outside the checkout`);
    const relative = decodeURIComponent(specifier.slice(root.length));
    const target = `${dir}/${relative}`;
    const parent = target.slice(0, target.lastIndexOf("/"));
    await Deno.mkdir(parent, { recursive: true, mode: 0o755 });
    for (let d = parent; d.length > dir.length; d = d.slice(0, d.lastIndexOf("/"))) {
      await Deno.chmod(d, 0o755); // mkdir's mode is masked by the umask
    }
    await Deno.copyFile(`${REPO_DIR}/${relative}`, target);
    await Deno.chmod(target, 0o644);
  }
  assert(graph.modules.length > 1, "the module has imports");
  return `${dir}/${module}`;
}

Deno.test({
  name: "a token file another user owns is unreadable, with its owner's uid and name (as nobody)",
  ignore: !(await canDropRoot()),
  async fn() {
    // As root every file is readable: read the file as `nobody` in a child. The child runs a copy
    // of the module (and what it imports) in a folder nobody can read, since the checkout may be
    // private; its Deno cache is there too (the CLI's lives under root's home).
    const dir = await folderForNobody();
    if (typeof dir !== "string") {
      console.log(`skipped: ${dir.reason}`);
      return;
    }
    try {
      await Deno.writeTextFile(
        `${dir}/t.json`,
        '{"accessToken":"a","expiresAt":"2030-01-01T00:00:00Z"}',
      );
      await Deno.chmod(`${dir}/t.json`, 0o600);
      await Deno.mkdir(`${dir}/deno`, { mode: 0o777 });
      await Deno.chmod(`${dir}/deno`, 0o777);
      const copy = await copyModuleGraph("src/cache/token_file_inspection.ts", `${dir}/code`);
      const module = new URL(`file://${copy}`).href;
      const out = await new Deno.Command("setpriv", {
        args: [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          Deno.execPath(),
          "eval",
          "--no-config",
          `const { inspectTokenFile } = await import(${JSON.stringify(module)});
           console.log(JSON.stringify(await inspectTokenFile(${
            JSON.stringify(`${dir}/t.json`)
          })));`,
        ],
        cwd: dir,
        env: { HOME: dir, DENO_DIR: `${dir}/deno`, DENO_NO_UPDATE_CHECK: "1" },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(new TextDecoder().decode(out.stderr), "");
      const passwd = await Deno.readTextFile("/etc/passwd");
      const rootName = /^([^:]+):[^:]*:0:/m.exec(passwd)?.[1];
      assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), {
        kind: "unreadable",
        reason: "permission denied",
        owner: { uid: 0, ...(rootName ? { name: rootName } : {}) },
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("check -a/-r with a value no account or role can have is a usage error before any call", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  for (
    const args of [
      ["-a", "x".repeat(51)],
      ["-a", "Prod\u00e9"],
      ["-a", "123", "-r", "Role With Spaces"],
      ["-r", "r".repeat(33)],
    ]
  ) {
    const result = await runCli(["check", ...args], { home, endpoint: fake.url });
    assertEquals(result.code, 2, `${args}: ${result.stderr}`);
    assertMatch(result.stderr, /^-[ar]\/--(account-id|role-name) .* is (neither|not) /);
  }
  assertEquals(fake.requests.length, 0);
});

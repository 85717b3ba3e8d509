/**
 * `aws-sso-util configure populate` end to end, as a subprocess against the fake IAM Identity
 * Center with many accounts: names, sorting, the single write, a 429 storm, prune scoping,
 * dry-run leaving the file byte-identical, sso-session, clashes and the usage errors.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "./assert.ts";
import { ConfigError } from "../src/base/errors.ts";
import { ProfileNameProcess } from "../src/config/profile_name_process.ts";
import { type FakeAccount, FakeIdentityCenter } from "./fake_server.ts";
import { getProfile, parseAwsConfig } from "../src/config/aws_config_file.ts";
import {
  assertMode,
  browserEnv,
  CLI_BIN,
  cliArgv,
  cliToken,
  declaredPermissionFlags,
  fakeBrowser,
  POSIX,
  QUICK_PACES,
  realDenoDir,
  REPO_DIR,
  runCli,
  START_URL,
  TempHome,
} from "./helpers.ts";
import { shellQuote } from "../src/base/shell_quote.ts";

const HOUR = 3_600_000;
const TOOL = { AWS_SSO_CREDENTIAL_PROCESS_NAME: "aws-sso-util" };
const LEGACY = `[profile base]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`;

/** `count` accounts (names with spaces and brackets), each with `roles` roles. */
function accounts(count: number, roles = ["Admin", "ReadOnly"]): FakeAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    accountId: String(i + 1).padStart(12, "0"),
    accountName: `Team ${String(i).padStart(4, "0")} [prod]`,
    emailAddress: `a${i}@example.com`,
    roles,
  }));
}

interface Setup extends AsyncDisposable {
  home: TempHome;
  fake: FakeIdentityCenter;
  /** Runs `configure populate`; `subprocess` as in `runCli`'s options. */
  run(
    args: string[],
    env?: Record<string, string>,
    subprocess?: boolean,
  ): ReturnType<typeof runCli>;
}

async function setup(
  config = LEGACY,
  tokenRef: { sessionName?: string } = {},
): Promise<Setup> {
  const home = await TempHome.create();
  const fake = await FakeIdentityCenter.start();
  await home.writeConfig(config);
  fake.addAccessToken("at-pop");
  await home.writeToken(tokenRef, cliToken("at-pop", 8 * HOUR));
  return {
    home,
    fake,
    run: (args, env = {}, subprocess = false) =>
      runCli(["configure", "populate", ...args], {
        home,
        endpoint: fake.url,
        env: { ...TOOL, ...env },
        subprocess,
        limits: QUICK_PACES,
      }),
    async [Symbol.asyncDispose]() {
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

Deno.test("populate writes every account × role × region, sorted, named as the original, 0600", async () => {
  await using t = await setup();
  t.fake.setAccounts(accounts(60));
  t.fake.options.pageSize = 25;
  const r = await t.run(["-r", "us-east-1", "-r", "ap-northeast-1"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stdout, "");
  assertEquals(
    r.stderr,
    `Added 240, updated 0, left 0 unchanged and removed 0 profile(s) in ${t.home.configPath}.\n`,
  );
  const text = await Deno.readTextFile(t.home.configPath);
  assert(text.startsWith(LEGACY), "the existing profile is kept byte for byte");
  const doc = parseAwsConfig(text);
  const names = doc.sections.filter((s) => s.kind === "profile" && s.name !== "base")
    .map((s) => s.name);
  assertEquals(names.length, 240);
  assertEquals(names, [...names].sort());
  assertEquals(names.slice(0, 4), [
    "Team-0000-prod.Admin",
    "Team-0000-prod.Admin.apne1",
    "Team-0000-prod.ReadOnly",
    "Team-0000-prod.ReadOnly.apne1",
  ]);
  const p = getProfile(doc, "Team-0007-prod.ReadOnly.apne1")!;
  assertEquals(Object.fromEntries(p), {
    sso_start_url: START_URL,
    sso_region: "us-east-1",
    sso_account_name: "Team 0007 [prod]",
    sso_account_id: "000000000008",
    sso_role_name: "ReadOnly",
    region: "ap-northeast-1",
    credential_process: "aws-sso-util credential-process --profile Team-0007-prod.ReadOnly.apne1",
    sso_auto_populated: "true",
  });
  // 3 pages of accounts, one ListAccountRoles per account.
  assertEquals(t.fake.calls.ListAccounts, 3);
  assertEquals(t.fake.calls.ListAccountRoles, 60);

  // A second run changes nothing and says so.
  const again = await t.run(["-r", "us-east-1", "-r", "ap-northeast-1"]);
  assertEquals(again.code, 0, again.stderr);
  assertStringIncludes(again.stderr, "Added 0, updated 0, left 240 unchanged and removed 0");
  assertEquals(await Deno.readTextFile(t.home.configPath), text);
});

Deno.test("populate prints a progress line now and then when stderr is not a terminal", async () => {
  await using t = await setup();
  t.fake.setAccounts(accounts(12, ["Admin"]));
  t.fake.options.pageSize = 5;
  const r = await runCli(["configure", "populate", "-r", "eu-west-1"], {
    home: t.home,
    endpoint: t.fake.url,
    env: TOOL,
    limits: { ...QUICK_PACES, populateProgressMs: 0 },
  });
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  assertEquals(
    lines.at(-1),
    `Added 12, updated 0, left 0 unchanged and removed 0 profile(s) in ${t.home.configPath}.`,
  );
  const progress = lines.slice(0, -1);
  assert(progress.length >= 2, r.stderr);
  for (const line of progress) {
    assertMatch(line, /^Listing: \d+\/\d+\+? accounts, \d+ roles, \d+ throttled retries$/);
  }
  assert(!r.stderr.includes("\r") && !r.stderr.includes("\x1b"), "plain lines for a log");
});

Deno.test("populate survives a storm of HTTP 429 on both listing calls", async () => {
  await using t = await setup();
  t.fake.setAccounts(accounts(30, ["Admin"]));
  t.fake.options.pageSize = 12;
  // 6 in a row outlast the API client's own 5 attempts, so the listing's retry must step in.
  t.fake.failNext("ListAccounts", { errorType: "TooManyRequestsException", times: 6 });
  t.fake.failNext("ListAccountRoles", { errorType: "TooManyRequestsException", times: 15 });
  const r = await t.run(["-r", "eu-west-1", "-v"]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stderr, "Added 30, updated 0");
  assertMatch(r.stderr, /throttled \(TooManyRequestsException\); retry \d+ in \d+ms/);
  const doc = parseAwsConfig(await Deno.readTextFile(t.home.configPath));
  assertEquals(doc.sections.length, 31);
  assertEquals(t.fake.calls.ListAccountRoles, 30 + 15);
  assertEquals(t.fake.calls.ListAccounts, 3 + 6);
});

Deno.test("populate --prune removes only this tool's profiles of this instance that are gone", async () => {
  const other = [
    "[profile hand-made]",
    `sso_start_url = ${START_URL}`,
    "sso_region = us-east-1",
    "sso_account_id = 000000000003",
    "sso_role_name = Admin",
    "",
    "[profile other-instance.Admin]",
    "sso_start_url = https://other.awsapps.com/start",
    "sso_region = us-east-1",
    "sso_account_id = 000000000003",
    "sso_role_name = Admin",
    "sso_auto_populated = true",
    "",
  ].join("\n");
  await using t = await setup(`${LEGACY}\n${other}`);
  t.fake.setAccounts(accounts(3, ["Admin"]));
  const u = ["-u", START_URL, "-r", "us-east-1"];
  assertEquals((await t.run(u)).code, 0);
  t.fake.setAccounts(accounts(2, ["Admin"]));

  // Without --prune, the gone account's profile stays.
  const keep = await t.run(u);
  assertStringIncludes(keep.stderr, "removed 0");
  const dry = await t.run([...u, "--prune", "--dry-run"]);
  assertEquals(dry.code, 0, dry.stderr);
  assertStringIncludes(dry.stderr, "would remove: Team-0002-prod.Admin\n");

  const r = await t.run([...u, "--prune", "-v"]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stderr, "removed 1 profile(s)");
  assertStringIncludes(r.stderr, "removed: Team-0002-prod.Admin\n");
  const doc = parseAwsConfig(await Deno.readTextFile(t.home.configPath));
  assertEquals(getProfile(doc, "Team-0002-prod.Admin"), undefined);
  assert(getProfile(doc, "Team-0001-prod.Admin"), "a current profile stays");
  assert(getProfile(doc, "hand-made"), "an unmarked profile is never pruned");
  assert(getProfile(doc, "other-instance.Admin"), "another instance's profile is never pruned");
});

Deno.test("populate --dry-run prints the profiles and leaves the file byte-identical", async () => {
  const config = `# comment\r\n${LEGACY.replaceAll("\n", "\r\n")}`;
  await using t = await setup(config);
  t.fake.setAccounts(accounts(2, ["Admin"]));
  const r = await t.run(["-r", "us-east-1", "-c", "output=json", "--dry-run"]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(await Deno.readTextFile(t.home.configPath), config);
  assertEquals(
    r.stdout,
    [0, 1].map((i) =>
      [
        `[profile Team-000${i}-prod.Admin]`,
        `sso_start_url = ${START_URL}`,
        "sso_region = us-east-1",
        `sso_account_name = Team 000${i} [prod]`,
        `sso_account_id = 00000000000${i + 1}`,
        "sso_role_name = Admin",
        "region = us-east-1",
        "output = json",
        `credential_process = aws-sso-util credential-process --profile Team-000${i}-prod.Admin`,
        "sso_auto_populated = true",
        "",
        "",
      ].join("\n")
    ).join(""),
  );
  assertStringIncludes(r.stderr, "Dry run: would add 2, update 0");
});

Deno.test("populate --sso-session writes sso_session profiles and creates the section", async () => {
  await using t = await setup(LEGACY, { sessionName: "corp" });
  t.fake.setAccounts(accounts(2, ["Admin"]));
  const r = await t.run([
    "--sso-session",
    "corp",
    "-r",
    "us-east-1",
    "-r",
    "eu-west-1",
    "--components",
    "account_id,role_name,region",
    "--region-style",
    "long",
    "--include-region",
    "always",
    "--separator",
    "_",
    "--no-credential-process",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const doc = parseAwsConfig(await Deno.readTextFile(t.home.configPath));
  const s = doc.sections.find((x) => x.kind === "sso-session" && x.name === "corp");
  assert(s, "the sso-session section is created");
  const p = getProfile(doc, "000000000002_Admin_eu-west-1")!;
  assertEquals(Object.fromEntries(p), {
    sso_session: "corp",
    sso_account_name: "Team 0001 [prod]",
    sso_account_id: "000000000002",
    sso_role_name: "Admin",
    region: "eu-west-1",
    sso_auto_populated: "true",
  });
  assert(getProfile(doc, "000000000001_Admin_us-east-1"), "first region named with it too");
});

Deno.test("populate refuses name clashes and unusable names, writing nothing", async () => {
  await using t = await setup();
  t.fake.setAccounts(accounts(2, ["Admin"]));
  const clash = await t.run(["-r", "us-east-1", "--components", "role_name"]);
  assertEquals(clash.code, 2);
  assertMatch(
    clash.stderr,
    /^1 profile name\(s\) would be used by more than one account, role and region, nothing was written: Admin \(000000000001\/Admin\/us-east-1, 000000000002\/Admin\/us-east-1\); .*\n$/,
  );
  const raw = await t.run(["-r", "us-east-1", "--raw-account-names"]);
  assertEquals(raw.code, 2);
  assertMatch(
    raw.stderr,
    /^2 profile name\(s\) cannot be used, nothing was written: "Team 0000 \[prod\]\.Admin"/,
  );
  assertEquals(await Deno.readTextFile(t.home.configPath), LEGACY);
});

Deno.test("populate usage errors exit 2 before any network call", async () => {
  await using t = await setup();
  const cases: [string[], RegExp][] = [
    [[], /^Missing arguments: --region/],
    [["-r", "nowhere"], /^The region nowhere is not a valid AWS region name\.\n$/],
    [
      ["-r", "us-east-1", "--trim-role-name", "("],
      /--trim-role-name \( is not a valid regular expression/,
    ],
    [
      ["-r", "us-east-1", "--components", "account_name,x]y"],
      /^The profile name format gives names such as "foo\.x\]y", which cannot be used/,
    ],
    [["-r", "us-east-1", "-c", "region=x"], /^--config-default cannot set region/],
    [["-r", "us-east-1", "--include-region", "never"], /--include-region/],
    // A release binary may run any program (the run-as set); the default set may not.
    ...(CLI_BIN === undefined
      ? [[
        ["-r", "us-east-1", "--profile-name-process", "echo"],
        /^--profile-name-process cannot run echo: Deno's permission to run it was not granted/,
      ] as [string[], RegExp]]
      : []),
  ];
  for (const [args, expected] of cases) {
    // Deno's run permission is the declared set's only in a subprocess.
    const r = await t.run(args, {}, args.includes("--profile-name-process"));
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assertMatch(r.stderr, expected);
    assertEquals(r.stderr.split("\n").length, 2, "one line");
  }
  assertEquals(t.fake.calls.ListAccounts, 0);
  assertEquals(await Deno.readTextFile(t.home.configPath), LEGACY);
});

Deno.test("populate without a token and no way to reach the user exits 1 with the login sentence", async () => {
  await using t = await setup();
  await Deno.remove(t.home.ssoCacheDir, { recursive: true });
  const r = await t.run(["-r", "us-east-1"], { AWS_DEFAULT_REGION: "us-east-1" });
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.\n`,
  );
  assertEquals(t.fake.calls.ListAccounts, 0);
});

Deno.test("populate takes the region from AWS_CONFIGURE_DEFAULT_REGION and no instance is exit 1", async () => {
  await using t = await setup();
  t.fake.setAccounts(accounts(1, ["Admin"]));
  const r = await t.run([], { AWS_CONFIGURE_DEFAULT_REGION: "eu-central-1" });
  assertEquals(r.code, 0, r.stderr);
  const doc = parseAwsConfig(await Deno.readTextFile(t.home.configPath));
  assertEquals(getProfile(doc, "Team-0000-prod.Admin")!.get("region"), "eu-central-1");
  await Deno.remove(t.home.configPath);
  const none = await t.run(["-r", "us-east-1"]);
  assertEquals(none.code, 1);
  assertMatch(none.stderr, /^No SSO instance found/);
  // A new config file is created 0600.
  const fresh = await t.run(["-u", START_URL, "--sso-region", "us-east-1", "-r", "us-east-1"]);
  assertEquals(fresh.code, 0, fresh.stderr);
  await assertMode(t.home.configPath, 0o600);
});

Deno.test({
  name: "--profile-name-process runs the command without a shell, with the original's arguments",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const process = new ProfileNameProcess(
      `sh -c 'if [ "$3" = Skip ]; then echo SKIP; else echo "n-$1-$2-$3-$5-$6-$7"; fi' name`,
      true,
    );
    const input = {
      accountName: "My Acct",
      accountId: "012345678901",
      roleName: "Admin",
      region: "eu-west-1",
      regionIndex: 1,
      numRegions: 2,
    };
    assertEquals(await process.name(input), "n-My-Acct-012345678901-Admin-euwe1-1-2");
    assertEquals(await process.name({ ...input, roleName: "Skip" }), undefined);
    const failing = new ProfileNameProcess("sh -c 'echo broken >&2; exit 3'", true);
    await assertRejects(() => failing.name(input), ConfigError, "exited with code 3: broken");
  },
});

/**
 * The temp files renamed onto the config file while `run` runs: one per write. The watcher's
 * events come in order, so a fence file created before and after `run` marks where its events
 * begin and end: no sleep for the last events.
 */
async function configWrites(home: TempHome, run: () => Promise<void>): Promise<number> {
  const dir = `${home.dir}/.aws`;
  const watcher = Deno.watchFs(dir, { recursive: false });
  const temps = new Set<string>();
  const fences = new Map<string, () => void>();
  let counting = false;
  const watching = (async () => {
    for await (const event of watcher) {
      for (const path of event.paths) {
        if (counting && /\/config\.[0-9a-f]{8}\.tmp$/.test(path)) temps.add(path);
        fences.get(path)?.();
      }
    }
  })();
  /** Creates a fence file and waits for its event (a watcher that loses it fails in 30 s). */
  const fence = async (name: string) => {
    const path = `${dir}/${name}`;
    const reported = new Promise<boolean>((resolve) => {
      fences.set(path, () => resolve(true));
      watching.then(() => resolve(false));
    });
    const guard = setTimeout(() => watcher.close(), 30_000);
    await Deno.writeTextFile(path, "");
    const seen = await reported;
    clearTimeout(guard);
    assert(seen, `the watcher never reported ${path}`);
    await Deno.remove(path);
  };
  try {
    await fence("fence-start"); // the watcher is live from here
    counting = true;
    await run();
    await fence("fence-end");
  } finally {
    watcher.close();
    await watching;
  }
  return temps.size;
}

/** The lines `-v` prints for config writes (after the debug prefix). */
const writtenLines = (stderr: string) => stderr.match(/ config (written: .*|unchanged)$/gm) ?? [];

Deno.test({
  name: "populate writes the config file exactly once per run, however many profiles and pages",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await using t = await setup();
    t.fake.setAccounts(accounts(40));
    t.fake.options.pageSize = 7;
    t.fake.throttleFraction("ListAccountRoles", 0.15, 7);
    const before = (await Deno.stat(t.home.configPath)).ino;
    let r!: Awaited<ReturnType<typeof runCli>>;
    const writes = await configWrites(t.home, async () => {
      r = await t.run(["-r", "us-east-1", "-r", "eu-west-1", "--prune", "-v"]);
    });
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stderr, "Added 160, updated 0");
    assertEquals(writes, 1, "one temp file renamed onto the config file");
    assertEquals(writtenLines(r.stderr), [` config written: ${t.home.configPath}`]);
    assert((await Deno.stat(t.home.configPath)).ino !== before, "replaced by a rename");
    assertEquals(t.fake.calls.ListAccounts, 6);
    const throttled = t.fake.throttledCalls("ListAccountRoles");
    assert(throttled > 0, "some role listings were throttled");
    assertEquals(t.fake.calls.ListAccountRoles, 40 + throttled);
    t.fake.throttleFraction("ListAccountRoles", 0);

    // Nothing changed: no write at all.
    const again = await configWrites(t.home, async () => {
      r = await t.run(["-r", "us-east-1", "-r", "eu-west-1", "--prune", "-v"]);
    });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(again, 0);
    assertEquals(writtenLines(r.stderr), [" config unchanged"]);
  },
});

Deno.test({
  name: "populate without a token logs in as login does when a browser can reach the user",
  ignore: !POSIX,
  fn: async () => {
    await using t = await setup();
    t.fake.setAccounts(accounts(3, ["Admin"]));
    await Deno.remove(t.home.ssoCacheDir, { recursive: true });
    const bin = await fakeBrowser(t.home);
    const r = await t.run(["-r", "us-east-1"], browserEnv(bin));
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stdout, "");
    // The device code flow (a start URL without an sso-session), approved in the "browser".
    assertEquals(t.fake.deviceAuthorizations.length, 1);
    const opened = await Deno.readTextFile(`${bin}/opened.txt`);
    assertStringIncludes(opened, t.fake.deviceAuthorizations[0].userCode);
    assertMatch(r.stderr, /Login succeeded, valid until /);
    assertStringIncludes(r.stderr, "Added 3, updated 0");
    const token = await t.home.readToken({});
    assertEquals(token.accessToken, t.fake.issuedAccessTokens()[0]);
    const doc = parseAwsConfig(await Deno.readTextFile(t.home.configPath));
    assert(getProfile(doc, "Team-0002-prod.Admin"), "profiles listed with the new token");
  },
});

Deno.test({
  name: "populate logs in again once when the service rejects the token mid-listing",
  ignore: !POSIX,
  fn: async () => {
    await using t = await setup();
    t.fake.setAccounts(accounts(12, ["Admin"]));
    t.fake.options.pageSize = 5;
    const bin = await fakeBrowser(t.home);
    // The accounts list fine; a role listing is refused (signed out elsewhere).
    t.fake.failNext("ListAccountRoles", { errorType: "UnauthorizedException" });
    const r = await t.run(["-r", "us-east-1", "-v"], browserEnv(bin));
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stderr, "the SSO token was rejected as unauthorized: logging in again");
    assertEquals(t.fake.deviceAuthorizations.length, 1);
    assertStringIncludes(r.stderr, "Added 12, updated 0");
    assertEquals((await t.home.readToken({})).accessToken, t.fake.issuedAccessTokens()[0]);
    const listed = t.fake.requests.filter((q) => q.op === "ListAccountRoles");
    assertEquals(
      listed.at(-1)!.headers["x-amz-sso_bearer_token"],
      t.fake.issuedAccessTokens()[0],
      "the second listing uses the new token",
    );
    const doc = parseAwsConfig(await Deno.readTextFile(t.home.configPath));
    assertEquals(doc.sections.length, 13);

    // Rejected again after that one login: the login sentence, exit 1, nothing written.
    const config = await Deno.readTextFile(t.home.configPath);
    t.fake.failAlways("ListAccountRoles", { errorType: "UnauthorizedException" });
    const twice = await t.run(["-r", "eu-west-1"], browserEnv(bin));
    assertEquals(twice.code, 1);
    assertMatch(
      twice.stderr,
      /The SSO token was rejected as unauthorized\. Login required for https:\/\/example\.awsapps\.com\/start\. Use `aws-sso-util login https:\/\/example\.awsapps\.com\/start us-east-1` and try again\.\n$/,
    );
    assertEquals(t.fake.deviceAuthorizations.length, 2, "one more login, not a loop");
    assertEquals(await Deno.readTextFile(t.home.configPath), config);
  },
});

Deno.test("populate with a rejected token and no way to reach the user exits 1 with the login sentence", async () => {
  await using t = await setup();
  t.fake.setAccounts(accounts(4, ["Admin"]));
  t.fake.failNext("ListAccountRoles", { errorType: "UnauthorizedException" });
  const r = await runCli(["configure", "populate", "-r", "us-east-1"], {
    home: t.home,
    endpoint: t.fake.url,
    env: TOOL,
    detach: true,
  });
  assertEquals(r.code, 1);
  assertEquals(
    r.stderr,
    `The SSO token was rejected as unauthorized. Login required for ${START_URL}. Use \`aws-sso-util login ${START_URL} us-east-1\` and try again.\n`,
  );
  assertEquals(t.fake.deviceAuthorizations.length, 0);
  assertEquals(t.fake.authorizationCodes.length, 0);
  assertEquals(await Deno.readTextFile(t.home.configPath), LEGACY);
});

/** Whether `script` (util-linux) can give the CLI a terminal. */
async function hasScript(): Promise<boolean> {
  if (Deno.build.os !== "linux") return false;
  try {
    const out = await new Deno.Command("script", { args: ["--version"], stdout: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "populate shows a progress line on stderr when it is a terminal, and clears it",
  ignore: !(await hasScript()),
  fn: async () => {
    await using t = await setup();
    t.fake.setAccounts(accounts(20, ["Admin"]));
    t.fake.options.pageSize = 5;
    t.fake.delay("ListAccountRoles", 40);
    t.fake.failNext("ListAccountRoles", { errorType: "TooManyRequestsException", times: 6 });
    const argv = cliArgv(
      ["configure", "populate", "-r", "us-east-1"],
      await declaredPermissionFlags(),
    );
    const out = await new Deno.Command("script", {
      // A pseudo-terminal for the CLI's stdin, stdout and stderr; the transcript goes nowhere.
      args: ["-q", "-e", "-c", argv.map((a) => shellQuote(a)).join(" "), "/dev/null"],
      cwd: REPO_DIR,
      clearEnv: true,
      env: {
        HOME: t.home.dir,
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        DENO_DIR: await realDenoDir(),
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
        TERM: "dumb",
        AWS_ENDPOINT_URL_SSO: t.fake.url,
        AWS_ENDPOINT_URL_SSO_OIDC: t.fake.url,
        ...TOOL,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    // The terminal's transcript, its escape character spelt out.
    const text = new TextDecoder().decode(out.stdout).replaceAll("\x1b", "<ESC>");
    assertEquals(out.code, 0, text);
    const lines = [
      ...text.matchAll(
        /\rListing: (\d+)\/(\d+)(\+?) accounts, (\d+) roles, (\d+) throttled retries<ESC>\[K/g,
      ),
    ];
    assert(lines.length >= 2, `progress lines: ${JSON.stringify(text)}`);
    for (const [, done, known, more, roles] of lines) {
      assert(Number(done) <= Number(known), "done never exceeds the accounts known");
      assert(Number(known) <= 20 && (more === "+" || Number(known) === 20));
      assertEquals(roles, done, "one role per account");
    }
    // The line is cleared before the summary, which stands on a line of its own.
    assertMatch(text, /\r<ESC>\[KAdded 20, updated 0, left 0 unchanged and removed 0 profile\(s\)/);
    assert(!text.includes("Listing:") || text.lastIndexOf("Listing:") < text.indexOf("Added"));
  },
});

Deno.test("populate writes account names with ' # ; = \" and spaces as headers botocore reads back", async () => {
  await using t = await setup();
  const names = ["Bob's Account", "Dev #2", "R&D; EU", "Prod=Main", 'Say "hi"'];
  t.fake.setAccounts(names.map((accountName, i) => ({
    accountId: String(i + 1).padStart(12, "0"),
    accountName,
    emailAddress: "a@x",
    roles: ["Admin"],
  })));
  const result = await t.run(["-r", "us-east-1"]);
  assertEquals(result.code, 0, result.stderr);
  const text = await Deno.readTextFile(t.home.configPath);
  // Plain where shlex leaves the name alone; quoted where it would not (botocore splits the
  // header with shlex.split and ignores it unless that gives two words).
  for (
    const header of [
      `[profile "Bob's-Account.Admin"]`,
      "[profile Dev-#2.Admin]",
      "[profile R&D;-EU.Admin]",
      "[profile Prod=Main.Admin]",
      `[profile 'Say-"hi".Admin']`,
    ]
  ) assertStringIncludes(text, `\n${header}\n`);
  const doc = parseAwsConfig(text);
  for (const name of ["Bob's-Account", "Dev-#2", "R&D;-EU", "Prod=Main", 'Say-"hi"']) {
    assertEquals(getProfile(doc, `${name}.Admin`)?.get("sso_role_name"), "Admin", name);
  }
  // The profiles work: credential-process finds one by its unquoted name.
  t.fake.addAccessToken("at-pop");
  const creds = await runCli(["credential-process", "--profile", "Bob's-Account.Admin"], {
    home: t.home,
    endpoint: t.fake.url,
  });
  assertEquals(creds.code, 0, creds.stderr);
  // A raw name with blanks is quoted too; a bracket or line break is still refused.
  const raw = await t.run([
    "-r",
    "us-east-1",
    "--raw-account-names",
    "--components",
    "account_name",
  ]);
  assertEquals(raw.code, 0, raw.stderr);
  assertStringIncludes(await Deno.readTextFile(t.home.configPath), `\n[profile "Bob's Account"]\n`);
});

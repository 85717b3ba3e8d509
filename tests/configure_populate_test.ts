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
import { ConfigError } from "../src/errors.ts";
import { ProfileNameProcess } from "../src/config/profile_name_process.ts";
import { type FakeAccount, FakeIdentityCenter } from "./fake_server.ts";
import { getProfile, parseAwsConfig } from "../src/config/aws_config_file.ts";
import { assertMode, cliToken, runCli, START_URL, TempHome } from "./helpers.ts";

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
  run(args: string[], env?: Record<string, string>): ReturnType<typeof runCli>;
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
    run: (args, env = {}) =>
      runCli(["configure", "populate", ...args], {
        home,
        endpoint: fake.url,
        env: { ...TOOL, ...env },
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
      ["-r", "us-east-1", "--components", "account_name,x y"],
      /^The profile name format gives names such as "foo\.x y", which cannot be used/,
    ],
    [["-r", "us-east-1", "-c", "region=x"], /^--config-default cannot set region/],
    [["-r", "us-east-1", "--include-region", "never"], /--include-region/],
    [
      ["-r", "us-east-1", "--profile-name-process", "echo"],
      /^--profile-name-process cannot run echo: Deno's permission to run it was not granted/,
    ],
  ];
  for (const [args, expected] of cases) {
    const r = await t.run(args);
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

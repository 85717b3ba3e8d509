/**
 * Tests of `aws-sso-util configure profile`: the --config-default parsing as a unit; the command
 * end to end through `runCli` (non-interactive with flags and env defaults, failures, file modes,
 * and an interactive run answered through stdin against the fake server), and botocore reading
 * what we wrote when python3 with botocore is installed.
 */
import { shellQuote } from "../scripts/permissions.ts";
import { knownRegions } from "../src/config/partitions.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "./assert.ts";
import { childNetworkEnv } from "./child_env.ts";
import { pythonExecutable } from "./script_helpers.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  assertMode,
  CLI_BIN,
  cliToken,
  declaredPermissionFlags,
  MAIN,
  makeReadOnly,
  POSIX,
  ROLE,
  runCli,
  START_URL,
  TempHome,
} from "./helpers.ts";
import { parseConfigDefaults } from "../src/config/configure_defaults.ts";

const HOUR = 3_600_000;
/** The column of the descriptions in the prompts' list of regions. */
const REGION_WIDTH = Math.max(...knownRegions().map((r) => r.name.length)) + 2;
const TOOL = { AWS_SSO_CREDENTIAL_PROCESS_NAME: "aws-sso-util" };
const USAGE = (name: string) =>
  `\nTo use this profile, specify the profile name using --profile, as shown:\n\naws s3 ls --profile ${name}\n`;

/** A config full of comments, blank lines, CRLF line ends, sub-sections and look-alike names. */
const MESSY = [
  "# my AWS config; do not lose this comment",
  "[default]",
  "region = us-east-1",
  "",
  "; another comment",
  "[profile dev]",
  "sso_start_url = https://other.awsapps.com/start",
  "sso_region = eu-west-1",
  "sso_account_id = 000000000000",
  "sso_role_name = Other",
  "s3 =",
  "    max_concurrent_requests = 20",
  "services = local",
  "",
  "",
  "[profile devops]",
  "region = us-west-2",
  "",
  "[services local]",
  "sso =",
  "  endpoint_url = http://127.0.0.1:4566",
  "# trailing comment, no blank line after it",
].join("\r\n") + "\r\n";

Deno.test("parseConfigDefaults splits KEY=VALUE and refuses bad or managed keys", () => {
  assertEquals(parseConfigDefaults(["Retry_Mode=standard", "cli_pager=", "a=b=c"]), [
    ["retry_mode", "standard"],
    ["cli_pager", ""],
    ["a", "b=c"],
  ]);
  assertThrows(() => parseConfigDefaults(["novalue"]));
  assertThrows(() => parseConfigDefaults(["=x"]));
  assertThrows(() => parseConfigDefaults(["sso_role_name=x"]));
});

const FLAGS = [
  "--sso-start-url",
  START_URL,
  "--sso-region",
  "us-east-1",
  "--account-id",
  ACCOUNT_ID,
  "--role-name",
  ROLE,
];

Deno.test("configure profile writes a legacy profile from flags and keeps the rest of the file", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(MESSY);
  const result = await runCli(
    [
      "configure",
      "profile",
      "dev2",
      ...FLAGS,
      "--region",
      "eu-west-2",
      "-o",
      "json",
      "-c",
      "retry_mode=standard",
    ],
    { home, env: TOOL },
  );
  assertEquals(result.stderr, USAGE("dev2"));
  assertEquals([result.code, result.stdout], [0, ""]);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    MESSY + [
      "",
      "[profile dev2]",
      `sso_start_url = ${START_URL}`,
      "sso_region = us-east-1",
      `sso_account_id = ${ACCOUNT_ID}`,
      `sso_role_name = ${ROLE}`,
      "region = eu-west-2",
      "output = json",
      "credential_process = aws-sso-util credential-process --profile dev2",
      "retry_mode = standard",
      "",
    ].join("\r\n"),
  );
});

Deno.test("configure profile replaces an existing profile's keys in place and keeps its others", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(MESSY);
  const result = await runCli(["configure", "profile", "dev", ...FLAGS], { home, env: TOOL });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    MESSY.replace(
      "sso_start_url = https://other.awsapps.com/start\r\nsso_region = eu-west-1\r\nsso_account_id = 000000000000\r\nsso_role_name = Other\r\n",
      `sso_start_url = ${START_URL}\r\nsso_region = us-east-1\r\nsso_account_id = ${ACCOUNT_ID}\r\nsso_role_name = ${ROLE}\r\n`,
    ).replace(
      "services = local\r\n",
      "services = local\r\ncredential_process = aws-sso-util credential-process --profile dev\r\n",
    ),
  );
});

Deno.test("configure profile with --existing-config-action discard drops the old keys", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(MESSY);
  const result = await runCli(
    [
      "configure",
      "profile",
      "dev",
      ...FLAGS,
      "--existing-config-action",
      "discard",
      "--no-credential-process",
    ],
    { home, env: TOOL },
  );
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    MESSY.replace(
      /sso_start_url = https:\/\/other[^]*services = local\r\n/,
      `sso_start_url = ${START_URL}\r\nsso_region = us-east-1\r\nsso_account_id = ${ACCOUNT_ID}\r\nsso_role_name = ${ROLE}\r\n`,
    ),
  );
});

Deno.test("configure profile keep leaves existing config-default keys, overwrite replaces them", async () => {
  await using home = await TempHome.create();
  const base = `[profile p]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
    `sso_account_id = ${ACCOUNT_ID}\nsso_role_name = ${ROLE}\nretry_mode = legacy\ncli_pager = less\n`;
  await home.writeConfig(base);
  const keep = await runCli(
    [
      "configure",
      "profile",
      "p",
      "--non-interactive",
      "-c",
      "retry_mode=standard",
      "-c",
      "max_attempts=3",
    ],
    { home, env: TOOL },
  );
  assertEquals(keep.code, 0, keep.stderr);
  const kept = base + "credential_process = aws-sso-util credential-process --profile p\n" +
    "max_attempts = 3\n";
  assertEquals(await Deno.readTextFile(home.configPath), kept);
  const overwrite = await runCli(
    [
      "configure",
      "profile",
      "p",
      "--non-interactive",
      "-c",
      "retry_mode=standard",
      "--existing-config-action",
      "overwrite",
    ],
    { home, env: TOOL },
  );
  assertEquals(overwrite.code, 0, overwrite.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    kept.replace("retry_mode = legacy", "retry_mode = standard"),
  );
});

Deno.test("configure profile writes the sso-session layout with --sso-session", async () => {
  await using home = await TempHome.create();
  await home.writeConfig("[default]\nregion = us-east-1\n");
  const result = await runCli(
    ["configure", "profile", "dev", ...FLAGS, "--sso-session", "my-sso"],
    { home, env: TOOL },
  );
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    `[default]
region = us-east-1

[profile dev]
sso_session = my-sso
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
credential_process = aws-sso-util credential-process --profile dev

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`,
  );
  // A second profile on the same session reuses the section (its instance is the default).
  const second = await runCli(
    ["configure", "profile", "ops", "--sso-session", "my-sso", "-a", "210987654321", "-r", "Ops"],
    { home, env: TOOL },
  );
  assertEquals(second.code, 0, second.stderr);
  const text = await Deno.readTextFile(home.configPath);
  assertEquals(text.match(/\[sso-session my-sso\]/g)?.length, 1);
  assertMatch(text, /\[profile ops\]\nsso_session = my-sso\nsso_account_id = 210987654321\n/);
  // A different start URL for that session is refused.
  const clash = await runCli(
    [
      "configure",
      "profile",
      "x",
      "--sso-session",
      "my-sso",
      "-u",
      "https://other.awsapps.com/start",
      "-a",
      ACCOUNT_ID,
      "-r",
      ROLE,
    ],
    { home, env: TOOL },
  );
  assertEquals(clash.code, 2);
  assertEquals(
    clash.stderr,
    `The sso-session my-sso already has sso_start_url = ${START_URL}, not https://other.awsapps.com/start; choose another --sso-session name or edit that section.\n`,
  );
});

Deno.test("configure profile takes the start URL and region from the env defaults", async () => {
  await using home = await TempHome.create();
  const result = await runCli(["configure", "profile", "dev", "-a", ACCOUNT_ID, "-r", ROLE], {
    home,
    env: {
      ...TOOL,
      AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL: START_URL,
      AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION: "us-east-2",
    },
  });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    `[profile dev]
sso_start_url = ${START_URL}
sso_region = us-east-2
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
credential_process = aws-sso-util credential-process --profile dev
`,
  );
  await assertMode(home.configPath, 0o600); // a new config file is private
});

Deno.test("configure profile takes the only configured instance as the default", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(
    `[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = eu-west-1\n`,
  );
  const result = await runCli(["configure", "profile", "dev", "-a", ACCOUNT_ID, "-r", ROLE], {
    home,
    env: TOOL,
  });
  assertEquals(result.code, 0, result.stderr);
  assertMatch(
    await Deno.readTextFile(home.configPath),
    /\[profile dev\]\nsso_start_url = https:\/\/example\.awsapps\.com\/start\nsso_region = eu-west-1\n/,
  );
});

Deno.test("configure profile exits 2 naming the missing settings when not interactive", async () => {
  await using home = await TempHome.create();
  const result = await runCli(["configure", "profile", "dev", "-r", ROLE], { home, env: TOOL });
  assertEquals(result.code, 2);
  assertEquals(
    result.stderr,
    "Cannot configure profile dev non-interactively: missing the SSO start URL (--sso-start-url or AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL), the SSO region (--sso-region or AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION), the account id (--account-id); give them as flags or run with --interactive.\n",
  );
  await Deno.stat(home.configPath).then(
    () => assert(false, "no config file may be created"),
    (error) => assert(error instanceof Deno.errors.NotFound),
  );
});

Deno.test("configure profile exits 2 for an invalid account id, region or option", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(MESSY);
  const cases: [string[], string][] = [
    [
      ["-a", "12345"],
      "The account id 12345 (from --account-id) is not valid: it must be exactly 12 digits.\n",
    ],
    [
      ["-u", "http://example.com"],
      "The SSO start URL http://example.com (from --sso-start-url) is not an https URL.\n",
    ],
    [
      ["--region", "mars"],
      "The region mars (from --region) is not a valid AWS region name.\n",
    ],
    [
      ["-c", "oops"],
      '--config-default expects KEY=VALUE with a key of letters, digits, _, . or -, got "oops".\n',
    ],
  ];
  for (const [extra, message] of cases) {
    const result = await runCli(["configure", "profile", "new", ...FLAGS, ...extra], {
      home,
      env: TOOL,
    });
    assertEquals([result.code, result.stderr], [2, message], extra.join(" "));
  }
  const badName = await runCli(["configure", "profile", "a b", ...FLAGS], { home, env: TOOL });
  assertEquals(badName.code, 2);
  assertMatch(badName.stderr, /^The profile name "a b" is not valid/);
  const badAction = await runCli(
    ["configure", "profile", "x", ...FLAGS, "--existing-config-action", "merge"],
    { home, env: TOOL },
  );
  assertEquals(badAction.code, 2);
  assertEquals(await Deno.readTextFile(home.configPath), MESSY);
});

Deno.test("configure profile exits 2 and leaves the file alone when the config cannot be written", async () => {
  await using home = await TempHome.create();
  // A directory where the config file should be.
  await Deno.mkdir(home.configPath);
  const dir = await runCli(["configure", "profile", "dev", ...FLAGS], { home, env: TOOL });
  assertEquals(dir.code, 2);
  assertEquals(
    dir.stderr,
    `Cannot write the AWS config file ${home.configPath}: it is a directory.\n`,
  );

  // A parent of the config file that is a regular file.
  await Deno.writeTextFile(`${home.dir}/plain`, "x");
  const parent = await runCli(["configure", "profile", "dev", ...FLAGS], {
    home,
    env: { ...TOOL, AWS_CONFIG_FILE: `${home.dir}/plain/config` },
  });
  assertEquals(parent.code, 2);
  assertEquals(
    parent.stderr,
    `Cannot write the AWS config file ${home.dir}/plain/config: a parent of it is not a directory.\n`,
  );

  // A malformed config file is never rewritten.
  const broken = `${home.dir}/broken`;
  await Deno.writeTextFile(broken, "[profile x]\nthis line is not a key\n");
  const malformed = await runCli(["configure", "profile", "dev", ...FLAGS], {
    home,
    env: { ...TOOL, AWS_CONFIG_FILE: broken },
  });
  assertEquals(malformed.code, 2);
  assertMatch(malformed.stderr, /^The AWS config file .*broken is malformed: line 2 /);
  assertEquals(await Deno.readTextFile(broken), "[profile x]\nthis line is not a key\n");
});

Deno.test({
  name: "configure profile exits 2 when the config directory is read-only",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await TempHome.create();
    await home.writeConfig(MESSY);
    const restore = await makeReadOnly(`${home.dir}/.aws`);
    if (!restore) {
      console.log("cannot make a directory read-only here (root without chattr): skipped");
      return;
    }
    try {
      const result = await runCli(["configure", "profile", "dev", ...FLAGS], { home, env: TOOL });
      assertEquals(result.code, 2);
      assertEquals(
        result.stderr,
        `Cannot write the AWS config file ${home.configPath}: permission denied.\n`,
      );
      assertEquals(await Deno.readTextFile(home.configPath), MESSY);
      assertEquals([...Deno.readDirSync(`${home.dir}/.aws`)].map((e) => e.name), ["config"]);
    } finally {
      await restore();
    }
  },
});

Deno.test({
  name: "configure profile keeps the config file's mode and writes through a symlink",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await TempHome.create();
    const real = `${home.dir}/dotfiles-config`;
    await Deno.writeTextFile(real, MESSY);
    await Deno.chmod(real, 0o640);
    await Deno.symlink(real, home.configPath);
    const result = await runCli(["configure", "profile", "dev2", ...FLAGS], { home, env: TOOL });
    assertEquals(result.code, 0, result.stderr);
    assert((await Deno.lstat(home.configPath)).isSymlink, "the symlink stays a symlink");
    assertEquals((await Deno.stat(real)).mode! & 0o777, 0o640);
    assertMatch(await Deno.readTextFile(real), /\[profile dev2\]/);
    const leftovers = [...Deno.readDirSync(home.dir)].filter((e) => e.name.endsWith(".tmp"));
    assertEquals(leftovers, []);
  },
});

/** Accounts and roles of the interactive tests. */
const ACCOUNTS = [
  {
    accountId: "111111111111",
    accountName: "Production",
    emailAddress: "p@x.com",
    roles: ["Admin", "ReadOnly"],
  },
  {
    accountId: ACCOUNT_ID,
    accountName: "Dev",
    emailAddress: "d@x.com",
    roles: ["MyRole", "Admin", "Billing"],
  },
  { accountId: "333333333333", accountName: "Sandbox", emailAddress: "s@x.com", roles: ["Admin"] },
];

Deno.test("configure profile interactive asks, lists accounts and roles, and writes the pick", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ accounts: ACCOUNTS });
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const answers = [
    "", // SSO start URL: the env default
    "", // SSO Region: the env default
    "dev", // account filter: one match (Dev) is taken
    "nope", // role: matches nothing
    "Bill", // role filter: one match
    "mars", // region: invalid, asked again
    "eu-west1", // a typo: a suggestion
    "?", // the regions
    "eu-west-1",
    "yml",
    "yaml",
  ];
  const result = await runCli(["configure", "profile", "picked", "--interactive"], {
    home,
    endpoint: fake.url,
    env: {
      ...TOOL,
      AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL: START_URL,
      AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION: "us-east-1",
    },
    stdin: answers.join("\n") + "\n",
  });
  assertEquals([result.code, result.stdout], [0, ""], result.stderr);
  assertEquals(
    result.stderr,
    [
      `SSO start URL [${START_URL}]: `,
      "SSO Region (? lists them) [us-east-1]: ",
      "There are 3 AWS accounts available to you.",
      `  1) ${ACCOUNT_ID}  Dev (d@x.com)`,
      "  2) 111111111111  Production (p@x.com)",
      "  3) 333333333333  Sandbox (s@x.com)",
      "Choose an account (number, or text to filter): dev",
      `Using the account ID ${ACCOUNT_ID}`,
      "There are 3 roles available to you.",
      "  1) Admin",
      "  2) Billing",
      "  3) MyRole",
      "Choose a role (number, or text to filter): nope",
      'Nothing matches "nope".',
      "Choose a role (number, or text to filter): Bill",
      'Using the role name "Billing"',
      "CLI default client Region (? lists them) [None]: mars",
      "mars is not a valid AWS region name.",
      "CLI default client Region (? lists them) [None]: eu-west1",
      "eu-west1 is not a valid AWS region name (did you mean eu-west-1?).",
      "CLI default client Region (? lists them) [None]: ?",
      ...knownRegions().map((r) => `  ${r.name.padEnd(REGION_WIDTH)}${r.description}`.trimEnd()),
      "CLI default client Region (? lists them) [None]: eu-west-1",
      "CLI default output format (json, yaml, yaml-stream, text, table, off) [None]: yml",
      "Choose one of json, yaml, yaml-stream, text, table, off (did you mean yaml?).",
      "CLI default output format (json, yaml, yaml-stream, text, table, off) [None]: yaml",
      USAGE("picked"),
    ].join("\n"),
  );
  assertEquals(
    await Deno.readTextFile(home.configPath),
    `[profile picked]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = ${ACCOUNT_ID}
sso_role_name = Billing
region = eu-west-1
output = yaml
credential_process = aws-sso-util credential-process --profile picked
`,
  );
  assertEquals(fake.calls.ListAccounts, 1);
  assertEquals(fake.calls.ListAccountRoles, 1);
  const roleRequest = fake.requests.find((r) => r.op === "ListAccountRoles");
  assertEquals(roleRequest!.query.account_id, ACCOUNT_ID);
});

Deno.test("configure profile interactive takes a single account and role automatically", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({
    accounts: [{
      accountId: ACCOUNT_ID,
      accountName: "Only",
      emailAddress: "o@x.com",
      roles: ["MyLeastPrivilegeRole"],
    }],
  });
  fake.addAccessToken("at-session");
  await home.writeToken({ sessionName: "corp" }, cliToken("at-session", 8 * HOUR));
  const result = await runCli(
    [
      "configure",
      "profile",
      "solo",
      "--interactive",
      "--sso-session",
      "corp",
      "--region",
      "us-east-2",
    ],
    {
      home,
      endpoint: fake.url,
      env: TOOL,
      stdin: `${START_URL}\nus-east-1\n\n`,
    },
  );
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    result.stderr,
    [
      "SSO start URL: " + START_URL,
      "SSO Region (? lists them): us-east-1",
      `The only AWS account available to you is: ${ACCOUNT_ID}`,
      `Using the account ID ${ACCOUNT_ID}`,
      "The only role available to you is: MyLeastPrivilegeRole",
      'Using the role name "MyLeastPrivilegeRole"',
      "CLI default output format (json, yaml, yaml-stream, text, table, off) [None]: ",
      USAGE("solo"),
    ].join("\n"),
  );
  assertEquals(
    await Deno.readTextFile(home.configPath),
    `[profile solo]
sso_session = corp
sso_account_id = ${ACCOUNT_ID}
sso_role_name = MyLeastPrivilegeRole
region = us-east-2
credential_process = aws-sso-util credential-process --profile solo

[sso-session corp]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`,
  );
});

Deno.test("configure profile interactive with stdin ending early exits without writing", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({ accounts: ACCOUNTS });
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const result = await runCli(
    ["configure", "profile", "p", "--interactive", "-u", START_URL, "--sso-region", "us-east-1"],
    { home, endpoint: fake.url, env: TOOL, stdin: "" },
  );
  assertEquals(result.code, 130);
  assertMatch(result.stderr, /Input ended before a choice was made for "Choose an account"\.\n$/);
  await Deno.stat(home.configPath).then(
    () => assert(false, "no config file may be created"),
    (error) => assert(error instanceof Deno.errors.NotFound),
  );
});

/** The profile botocore reads from `configPath`, and its sso-session when it has one. */
async function botocoreView(
  configPath: string,
  profile: string,
  env: Record<string, string> = {},
  loadCredentials = false,
): Promise<Record<string, unknown> | undefined> {
  const script = `
import json, sys
import botocore.session
session = botocore.session.Session(profile=sys.argv[1])
profile = session.get_scoped_config()
out = {"profile": profile}
if "sso_session" in profile:
    out["session"] = session.full_config["sso_sessions"][profile["sso_session"]]
if sys.argv[2] == "1":
    from botocore.credentials import ProcessProvider
    creds = ProcessProvider(profile_name=sys.argv[1], load_config=lambda: session.full_config).load()
    out["accessKeyId"] = creds.access_key
print(json.dumps(out))
`;
  const python = await pythonExecutable();
  if (python === undefined) return undefined;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(python, {
      args: ["-c", script, profile, loadCredentials ? "1" : "0"],
      env: { ...env, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    return undefined; // no python3
  }
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success && /No module named .?botocore/.test(stderr)) return undefined;
  assert(output.success, `botocore failed: ${stderr}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test("configure profile output parses with botocore when it is installed", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(MESSY);
  for (const args of [["legacy", ...FLAGS], ["modern", ...FLAGS, "--sso-session", "corp"]]) {
    const result = await runCli(["configure", "profile", ...args, "--region", "eu-west-1"], {
      home,
      env: TOOL,
    });
    assertEquals(result.code, 0, result.stderr);
  }
  const legacy = await botocoreView(home.configPath, "legacy");
  if (legacy === undefined) {
    console.log("python3 with botocore is not installed: skipped the botocore check");
    return;
  }
  assertEquals(legacy.profile, {
    sso_start_url: START_URL,
    sso_region: "us-east-1",
    sso_account_id: ACCOUNT_ID,
    sso_role_name: ROLE,
    region: "eu-west-1",
    credential_process: "aws-sso-util credential-process --profile legacy",
  });
  const modern = await botocoreView(home.configPath, "modern");
  assertEquals(modern!.profile, {
    sso_session: "corp",
    sso_account_id: ACCOUNT_ID,
    sso_role_name: ROLE,
    region: "eu-west-1",
    credential_process: "aws-sso-util credential-process --profile modern",
  });
  assertEquals(modern!.session, {
    sso_start_url: START_URL,
    sso_region: "us-east-1",
    sso_registration_scopes: "sso:account:access",
  });
  const dev = await botocoreView(home.configPath, "dev");
  assertEquals((dev!.profile as Record<string, unknown>).s3, { max_concurrent_requests: "20" });
});

Deno.test("configure profile writes a deno run credential_process that works", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  const result = await runCli(["configure", "profile", "dev", ...FLAGS], { home });
  assertEquals(result.code, 0, result.stderr);
  const flags = await declaredPermissionFlags();
  // A compiled binary writes its own path: its permissions are built in.
  const program = CLI_BIN !== undefined
    ? [CLI_BIN]
    : [Deno.execPath(), "run", "--quiet", "--no-prompt", ...flags, MAIN];
  const expected = program.map((word) => shellQuote(word)).join(" ") +
    " credential-process --profile dev";
  const text = await Deno.readTextFile(home.configPath);
  assertEquals(
    text.split("\n").find((l) => l.startsWith("credential_process = ")),
    `credential_process = ${expected}`,
  );

  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const denoDir = JSON.parse(
    new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
    ),
  ).denoDir;
  const env = {
    ...childNetworkEnv(),
    HOME: home.dir,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: denoDir,
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
  };
  const viaBotocore = await botocoreView(home.configPath, "dev", env, true);
  if (viaBotocore !== undefined) {
    assertMatch(String(viaBotocore.accessKeyId), /^ASIA/);
  } else if (Deno.build.os !== "windows") {
    const shell = await new Deno.Command("sh", {
      args: ["-c", expected],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(shell.stdout);
    assert(shell.success, new TextDecoder().decode(shell.stderr));
    assertEquals(JSON.parse(out).Version, 1);
  }
  assertEquals(fake.calls.GetRoleCredentials, 1);
});

Deno.test({
  name: "configure profile writes an installed launcher's short line, and says which it chose",
  ignore: !POSIX || CLI_BIN !== undefined,
  async fn() {
    await using home = await TempHome.create();
    const launcher = `${home.dir}/.deno/bin/aws-sso-util`;
    await Deno.mkdir(`${home.dir}/.deno/bin`, { recursive: true });
    await Deno.writeTextFile(
      launcher,
      "#!/bin/sh\n# generated by deno install\nexec deno run -q 'https://x/main.ts' \"$@\"\n",
    );
    await Deno.chmod(launcher, 0o755);
    const result = await runCli(["configure", "profile", "dev", ...FLAGS], { home });
    assertEquals(result.code, 0, result.stderr);
    const text = await Deno.readTextFile(home.configPath);
    assertStringIncludes(
      text,
      `credential_process = ${launcher} credential-process --profile dev\n`,
    );
    assertStringIncludes(
      result.stderr,
      `credential_process runs ${launcher} (the installed deno install launcher).\n`,
    );
    // Without it: the deno run line, and how to get a short one.
    await Deno.remove(launcher);
    const long = await runCli(["configure", "profile", "dev2", ...FLAGS], { home });
    assertEquals(long.code, 0, long.stderr);
    assertMatch(
      long.stderr,
      /credential_process runs deno run with this tool's permissions and .*main\.ts \(\d+ characters per profile\); for a short, stable line, install aws-sso-util \(README, Install\) or set AWS_SSO_CREDENTIAL_PROCESS_NAME\.\n$/,
    );
  },
});

Deno.test("configure profile interactive logs in with the device code when no token is cached", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({
    accounts: ACCOUNTS,
    autoApproveDeviceAfterPolls: 0,
  });
  const result = await runCli(
    ["configure", "profile", "fresh", "--interactive", "--sso-session", "corp", "-u", START_URL],
    { home, endpoint: fake.url, env: TOOL, stdin: "us-east-1\n3\n1\n\n\n" },
  );
  assertEquals(result.code, 0, result.stderr);
  assertMatch(result.stderr, /^SSO Region \(\? lists them\): us-east-1\n/);
  assertMatch(result.stderr, /\nLogin succeeded, valid until [^\n]+\nThere are 3 AWS accounts/);
  assertMatch(result.stderr, /\nUsing the account ID 333333333333\nThe only role available/);
  assertEquals(fake.calls.StartDeviceAuthorization, 1);
  // The login's token is cached under the session, where credential_process will look.
  const token = await home.readToken({ sessionName: "corp" });
  assert(fake.isAccessTokenValid(String(token.accessToken)));
  assertMatch(
    await Deno.readTextFile(home.configPath),
    /^\[profile fresh\]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Admin\n/,
  );
});

Deno.test("configure profile interactive logs in again when the cached token is rejected", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start({
    accounts: ACCOUNTS,
    autoApproveDeviceAfterPolls: 0,
  });
  await home.writeToken({}, cliToken("at-revoked", 8 * HOUR)); // fresh, but unknown to the fake
  const result = await runCli(
    [
      "configure",
      "profile",
      "again",
      "--interactive",
      "-u",
      START_URL,
      "--sso-region",
      "us-east-1",
      "-a",
      ACCOUNT_ID,
      "--region",
      "us-east-1",
      "-o",
      "json",
    ],
    { home, endpoint: fake.url, env: TOOL, stdin: "MyRole\n" },
  );
  assertEquals(result.code, 0, result.stderr);
  assertEquals(fake.calls.ListAccounts, 0, "the account was given");
  assertEquals(fake.calls.ListAccountRoles, 2, "once rejected, once after the login");
  assertMatch(result.stderr, /Login succeeded/);
  assertMatch(
    result.stderr,
    /Choose a role \(number, or text to filter\): MyRole\nUsing the role name "MyRole"\n/,
  );
  assert((await home.readToken({})).accessToken !== "at-revoked");
  assertMatch(await Deno.readTextFile(home.configPath), /sso_role_name = MyRole\n/);
});

Deno.test("configure profile takes a partial start URL naming a configured one, like login", async () => {
  await using home = await TempHome.create();
  const others = "[profile other]\nsso_start_url = https://other.awsapps.com/start\n" +
    "sso_region = eu-west-1\n\n[sso-session corp]\n" +
    `sso_start_url = ${START_URL}\nsso_region = us-east-2\n`;
  await home.writeConfig(others);
  const result = await runCli(
    ["configure", "profile", "dev", "-u", "example", "-a", ACCOUNT_ID, "-r", ROLE],
    { home, env: TOOL },
  );
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    `${others}\n[profile dev]\nsso_start_url = ${START_URL}\nsso_region = us-east-2\n` +
      `sso_account_id = ${ACCOUNT_ID}\nsso_role_name = ${ROLE}\n` +
      "credential_process = aws-sso-util credential-process --profile dev\n",
  );
  const none = await runCli(
    ["configure", "profile", "x", "-u", "nothing-like-it", "-a", ACCOUNT_ID, "-r", ROLE],
    { home, env: TOOL },
  );
  assertEquals([none.code, none.stderr], [
    2,
    "No configured SSO start URL matches nothing-like-it.\n",
  ]);
  const several = await runCli(
    ["configure", "profile", "x", "-u", "awsapps", "-a", ACCOUNT_ID, "-r", ROLE],
    { home, env: TOOL },
  );
  assertEquals(several.code, 2);
  assertMatch(several.stderr, /^awsapps matches several configured SSO start URLs/);
});

Deno.test("configure profile -c region and output set them with overwrite, and keep leaves them", async () => {
  await using home = await TempHome.create();
  const base = `[profile p]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
    `sso_account_id = ${ACCOUNT_ID}\nsso_role_name = ${ROLE}\nregion = us-west-2\noutput = text\n`;
  await home.writeConfig(base);
  const configure = (...args: string[]) =>
    runCli(
      [
        "configure",
        "profile",
        "p",
        "--no-credential-process",
        "-c",
        "region=eu-central-1",
        ...args,
      ],
      { home, env: { ...TOOL, AWS_DEFAULT_REGION: "ap-south-1" } },
    );
  const keep = await configure("-c", "output=json");
  assertEquals(keep.code, 0, keep.stderr);
  assertEquals(await Deno.readTextFile(home.configPath), base);
  const overwrite = await configure("-c", "output=json", "--existing-config-action", "overwrite");
  assertEquals(overwrite.code, 0, overwrite.stderr);
  const overwritten = base.replace("us-west-2", "eu-central-1").replace("text", "json");
  assertEquals(await Deno.readTextFile(home.configPath), overwritten);
  // --region still wins over -c region; a bad -c region is refused like a bad --region.
  const flag = await configure("--region", "sa-east-1", "--existing-config-action", "overwrite");
  assertEquals(flag.code, 0, flag.stderr);
  assertEquals(
    await Deno.readTextFile(home.configPath),
    overwritten.replace("eu-central-1", "sa-east-1"),
  );
  const bad = await configure("-c", "region=nowhere", "--existing-config-action", "overwrite");
  assertEquals(bad.code, 2);
  assertEquals(
    bad.stderr,
    "The region nowhere (from --config-default region) is not a valid AWS region name.\n",
  );
  // A new profile takes -c region over the AWS_DEFAULT_REGION default.
  const fresh = await runCli(
    ["configure", "profile", "q", ...FLAGS, "--no-credential-process", "-c", "region=eu-west-3"],
    { home, env: { ...TOOL, AWS_DEFAULT_REGION: "ap-south-1" } },
  );
  assertEquals(fresh.code, 0, fresh.stderr);
  assertMatch(
    await Deno.readTextFile(home.configPath),
    /\[profile q\]\n[^[]*region = eu-west-3\n$/,
  );
});

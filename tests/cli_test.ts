/**
 * Tests of the CLI's shared behaviour, through `runCli` (a subprocess where only a process shows
 * it): usage errors are one line with exit 2 in every command, `help X` prints what `X --help`
 * prints, `--version` is the one line for bug reports, a closed stdout ends a command quietly, and
 * the home directory comes from the OS when HOME is unset.
 */
import { assert, assertEquals, assertMatch, assertThrows } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  CLI_BIN,
  cliArgv,
  cliToken,
  declaredPermissionFlags,
  LEGACY_PROFILE,
  realDenoDir,
  REPO_DIR,
  runCli,
  TempHome,
} from "./helpers.ts";
import { ConfigError } from "../src/base/errors.ts";
import { homeDir } from "../src/base/paths.ts";
import { VERSION, versionLine } from "../src/base/version.ts";
import { KNOWN_TARGETS } from "../scripts/release_info.ts";

const HOUR = 3_600_000;

Deno.test("cli usage errors print one line on stderr and exit 2 in every command", async () => {
  await using home = await TempHome.create();
  const cases: [string[], string][] = [
    [["--bogus"], "Unknown option '--bogus'; run `aws-sso-util --help` for usage."],
    [
      ["bogus"],
      "Unknown command 'bogus' (did you mean logout?); run `aws-sso-util --help` for usage.",
    ],
    [["roles", "--bogus"], "Unknown option '--bogus'; run `aws-sso-util roles --help` for usage."],
    [
      ["roles", "-o", "xml"],
      "Option '-o, --output <FORMAT>' argument 'xml' is invalid. Allowed choices are text, json; " +
      "run `aws-sso-util roles --help` for usage.",
    ],
    [
      ["login", "--profile"],
      "Option '--profile <NAME>' argument missing; run `aws-sso-util login --help` for usage.",
    ],
    [["logout", "--x"], "Unknown option '--x'; run `aws-sso-util logout --help` for usage."],
    [
      ["configure", "profile"],
      "Missing required argument 'NAME'; run `aws-sso-util configure profile --help` for usage.",
    ],
    [
      ["configure"],
      "aws-sso-util configure needs a command; run `aws-sso-util configure --help` for usage.",
    ],
    [
      ["completions"],
      "Missing required argument 'shell'; run `aws-sso-util completions --help` for usage.",
    ],
    [
      ["completions", "bash", "extra"],
      "Too many arguments for 'completions'. Expected 1 argument but got 2: bash, extra; " +
      "run `aws-sso-util completions --help` for usage.",
    ],
    [
      ["help", "bogus"],
      "Unknown command 'bogus' (did you mean logout?); run `aws-sso-util --help` for usage.",
    ],
    [
      ["roles", "--bad\u001b[31m"],
      "Unknown option '--bad\\x1B[31m'; run `aws-sso-util roles --help` for usage.",
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { home });
    assertEquals([r.code, r.stdout, r.stderr], [2, "", `${message}\n`], args.join(" "));
  }
});

Deno.test("cli help X and X --help print the same text on stdout with exit 0", async () => {
  await using home = await TempHome.create();
  const commands = [
    [],
    ["roles"],
    ["login"],
    ["logout"],
    ["configure"],
    ["configure", "profile"],
    ["completions"],
    ["credential-process"],
  ];
  for (const command of commands) {
    const [viaHelp, viaFlag] = await Promise.all([
      runCli(["help", ...command], { home }),
      runCli([...command, "--help"], { home }),
    ]);
    const name = command.join(" ") || "(program)";
    assertEquals([viaHelp.code, viaHelp.stderr], [0, ""], name);
    assertEquals([viaFlag.code, viaFlag.stderr], [0, ""], name);
    assertEquals(viaHelp.stdout, viaFlag.stdout, name);
    assertMatch(viaHelp.stdout, new RegExp(`^Usage: aws-sso-util ${command.join(" ")}`), name);
  }
});

Deno.test("--version prints the version, target, Deno version and commit on one line", async () => {
  await using home = await TempHome.create();
  const r = await runCli(["--version"], { home });
  assertEquals([r.code, r.stderr], [0, ""]);
  if (CLI_BIN === undefined) {
    // Not a release build: the running Deno's target, and no commit baked in.
    assertEquals(r.stdout, `${versionLine()}\n`);
    assertEquals(
      r.stdout,
      `aws-sso-util ${VERSION} (${Deno.build.target}, Deno ${Deno.version.deno}, commit unknown)\n`,
    );
  } else {
    // A binary from `deno task compile`: its target and the commit it was built from.
    const m = /^aws-sso-util (\S+) \((\S+), Deno (\S+), commit ([0-9a-f]{7,40}(?:-dirty)?)\)\n$/
      .exec(r.stdout);
    assert(m, r.stdout);
    assertEquals(m[1], VERSION);
    assert((KNOWN_TARGETS as readonly string[]).includes(m[2]), m[2]);
  }
});

Deno.test("every --help has one style: usage, description, options, -h/--help, examples", async () => {
  await using home = await TempHome.create();
  const commands = (await runCli(["completions", "bash"], { home })).stdout
    .match(/^ {4}'([^']*)'\) subs=/gm)!.map((l) => l.slice(5, l.indexOf("'", 5)));
  assert(commands.length >= 18, commands.join(", "));
  for (const command of commands) {
    const words = command === "" ? [] : command.split(" ");
    const { code, stdout } = await runCli([...words, "--help"], { home });
    const name = command || "(program)";
    assertEquals(code, 0, name);
    const [body, examples] = stdout.split("\nExamples:\n");
    assertMatch(body, new RegExp(`^Usage: aws-sso-util${command ? ` ${command}` : ""} `), name);
    // A description that is a sentence, then the options, the help option worded alike.
    const description = body.split("\n\n")[1];
    assertMatch(description, /^[A-Z][^]*\.$/, `${name}: ${description}`);
    assertMatch(body, /\nOptions:\n/, name);
    assertMatch(body, /\n {2}-h, --help +show this help\n/, name);
    for (const line of body.split("\n")) {
      // Wrapped at 80 columns (a single word longer than the column stands alone).
      assert(line.length <= 80 || /^ +\S+$/.test(line), `${name}: ${line}`);
    }
    assert(examples !== undefined, `${name} has no Examples block`);
    const lines = examples.split("\n").filter(Boolean);
    assert(lines.length >= 1 && lines.every((l) => l.startsWith("  ")), `${name}: ${examples}`);
    assert(
      lines.some((l) => l.includes(`aws-sso-util ${command}`.trim())),
      `${name}: its examples do not run it`,
    );
  }
});

/**
 * Starts the CLI (with the declared permissions, or the `AWS_SSO_UTIL_BIN` binary) and exactly
 * `env` (plus PATH and DENO_DIR).
 */
async function spawnCli(
  args: string[],
  env: Record<string, string>,
  flags?: string[],
): Promise<Deno.ChildProcess> {
  const [program, ...argv] = cliArgv(args, flags ?? await declaredPermissionFlags());
  return new Deno.Command(program, {
    args: argv,
    cwd: REPO_DIR,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: await realDenoDir(),
      NO_COLOR: "1",
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(await new Response(stream).arrayBuffer());
}

Deno.test("roles exits 0 with nothing on stderr when its reader closes stdout early", async () => {
  await using fake = await FakeIdentityCenter.start({
    pageSize: 1,
    accounts: Array.from({ length: 6 }, (_, i) => ({
      accountId: `${i + 1}`.repeat(12),
      accountName: `Account${i + 1}`,
      emailAddress: "a@x",
      roles: ["Admin", "ReadOnly"],
    })),
  });
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  fake.addAccessToken("at-pipe");
  await home.writeToken({}, cliToken("at-pipe", 8 * HOUR));
  // Rows arrive one account at a time, so more are written after the reader has gone.
  fake.delay("ListAccountRoles", 150);
  const child = await spawnCli(["roles", "--separator", ","], {
    HOME: home.dir,
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
  });
  const stderr = text(child.stderr);
  const reader = child.stdout.getReader();
  const first = await reader.read(); // `… | head -1`: read a little, then close the pipe
  assert(!first.done && first.value.length > 0);
  await reader.cancel();
  const status = await child.status;
  assertEquals([status.code, await stderr], [0, ""]);
  assert(fake.calls.ListAccountRoles < 12, "the listing stopped when stdout was closed");
});

Deno.test("homeDir() takes HOME, then USERPROFILE, then the OS account's home, else exits 2", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(homeDir(env({ HOME: "/h", USERPROFILE: "/u" }), "/os"), "/h");
  assertEquals(homeDir(env({ USERPROFILE: "/u" }), "/os"), "/u");
  assertEquals(homeDir(env({ HOME: "" }), "/os"), "/os");
  const error = assertThrows(() => homeDir(env({}), undefined), ConfigError);
  assertEquals(
    (error as ConfigError).message,
    "Cannot find the home directory: set HOME (or USERPROFILE on Windows).",
  );
});

Deno.test({
  name: "roles uses the OS account's home directory when HOME is unset",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await TempHome.create();
    const startUrl = `https://no-home-${crypto.randomUUID()}.awsapps.com/start`;
    await home.writeConfig(`[profile x]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\n`);
    const osHome = (await new Deno.Command("sh", {
      args: ["-c", 'getent passwd "$(id -u)" | cut -d: -f6'],
    }).output()).stdout;
    const expected = new TextDecoder().decode(osHome).trim();
    const child = await spawnCli(["roles", "-v"], { AWS_CONFIG_FILE: home.configPath });
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      text(child.stdout),
      text(child.stderr),
    ]);
    // Found the config and looked for the token under the OS's home: login is required.
    assertEquals([status.code, stdout], [1, ""]);
    if (expected !== "") {
      assert(
        stderr.includes(`token cache miss: ${expected.replace(/\/$/, "")}/.aws/sso/cache/`),
        stderr,
      );
    }
    assertMatch(stderr, new RegExp(`\nLogin required for ${startUrl.replaceAll(".", "\\.")}\\.`));
  },
});

Deno.test({
  name: "roles exits 2 with one sentence when HOME is unset and the OS gives no home",
  // It takes a permission away, which a compiled binary's built-in set does not allow.
  ignore: CLI_BIN !== undefined,
  async fn() {
    await using home = await TempHome.create();
    await home.writeConfig(LEGACY_PROFILE);
    // Without the `sys` permission "homedir" the OS cannot be asked.
    const flags = (await declaredPermissionFlags()).filter((f) => !f.startsWith("--allow-sys"));
    const child = await spawnCli(["roles"], { AWS_CONFIG_FILE: home.configPath }, flags);
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      text(child.stdout),
      text(child.stderr),
    ]);
    assertEquals(
      [status.code, stdout, stderr],
      [2, "", "Cannot find the home directory: set HOME (or USERPROFILE on Windows).\n"],
    );
  },
});

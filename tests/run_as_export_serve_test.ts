/**
 * `run-as`, `export` and `serve` end to end: the CLI as a subprocess against the fake IAM
 * Identity Center, through the same credential cache as credential-process.
 */
import { permissionFlags, readPermissionSet } from "../scripts/permissions.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { childNetworkEnv } from "./child_env.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  ACCOUNT_ID,
  CLI_BIN,
  cliArgv,
  cliToken,
  finishChild,
  LEGACY_PROFILE,
  POSIX,
  readStdoutLines,
  realDenoDir,
  REPO_DIR,
  ROLE,
  runCli,
  SESSION_PROFILE,
  START_URL,
  TempHome,
} from "./helpers.ts";
import { pythonExecutable, pythonHas } from "./script_helpers.ts";

const HOUR = 3_600_000;
const PROFILE = `${LEGACY_PROFILE}region = eu-west-3\n`;

/** A home with the legacy profile and a valid token the fake accepts. */
async function setUp(fake: FakeIdentityCenter): Promise<TempHome> {
  const home = await TempHome.create();
  await home.writeConfig(PROFILE);
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  return home;
}

/** Starts the CLI with the `run-as` permission set (or `flags`), the env otherwise cleared. */
async function spawnCli(
  args: string[],
  home: TempHome,
  endpoint: string,
  env: Record<string, string> = {},
  set = "run-as",
): Promise<Deno.ChildProcess> {
  const flags = permissionFlags(await readPermissionSet(undefined, set));
  const [program, ...argv] = cliArgv(args, flags);
  return new Deno.Command(program, {
    args: argv,
    cwd: REPO_DIR,
    clearEnv: true,
    env: {
      ...childNetworkEnv(),
      HOME: home.dir,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: await realDenoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      AWS_ENDPOINT_URL_SSO: endpoint,
      AWS_ENDPOINT_URL_SSO_OIDC: endpoint,
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** A child that writes its argv and AWS_* environment as JSON to stdout and exits with `code`. */
function envPrinter(code: number): string[] {
  return [
    Deno.execPath(),
    "eval",
    `const env = Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([k]) => k.startsWith("AWS_")));
     console.log(JSON.stringify({ args: Deno.args, env }));
     Deno.exit(${code});`,
  ];
}

// ------------------------------------------------------------------ export

Deno.test("export prints the profile's credentials as env lines that bash evaluates", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const result = await runCli(["export", "--profile", "legacy"], { home, endpoint: fake.url });
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  const issued = fake.issuedCredentials[0];
  const out = await new Deno.Command("bash", {
    args: [
      "--norc",
      "-c",
      `${result.stdout}\nprintf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SESSION_TOKEN" "$AWS_ACCOUNT_ID" "$AWS_CREDENTIAL_EXPIRATION"`,
    ],
    clearEnv: true,
  }).output();
  const [key, token, account, expiration] = new TextDecoder().decode(out.stdout).split("\n");
  assertEquals([key, token, account], [issued.accessKeyId, issued.sessionToken, ACCOUNT_ID]);
  assertMatch(expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // The same cache as credential-process: a second export and credential-process reuse it.
  const json = await runCli(["export", "--profile", "legacy", "--format", "json"], {
    home,
    endpoint: fake.url,
  });
  const cp = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(JSON.parse(json.stdout), JSON.parse(cp.stdout));
  assertEquals(JSON.parse(json.stdout).AccessKeyId, issued.accessKeyId);
  assertEquals(fake.calls.GetRoleCredentials, 1);
});

Deno.test("export -a/-r pads the account id and takes the instance from the config", async () => {
  await using fake = await FakeIdentityCenter.start({
    accounts: [{
      accountId: "000000001234",
      accountName: "Padded",
      emailAddress: "p@example.com",
      roles: [ROLE],
    }],
  });
  await using home = await setUp(fake);
  const result = await runCli(
    ["export", "-a", "1234", "-r", ROLE, "--format", "dotenv"],
    { home, endpoint: fake.url },
  );
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  assertMatch(result.stdout, /^AWS_ACCOUNT_ID='000000001234'$/m);
  assertEquals(fake.issuedCredentials[0].accountId, "000000001234");
});

Deno.test("export -u URL of an sso-session uses the login cached under the URL (login URL made it)", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake); // the legacy (start-URL-keyed) token only
  await home.writeConfig(SESSION_PROFILE);
  const args = ["-a", ACCOUNT_ID, "-r", ROLE, "-u", START_URL, "--sso-region", "us-east-1"];
  const result = await runCli(["export", ...args, "-f", "json"], { home, endpoint: fake.url });
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  assertEquals(JSON.parse(result.stdout).AccessKeyId, fake.issuedCredentials[0].accessKeyId);
});

Deno.test("export --write-credentials writes one section and keeps comments and other sections", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const path = `${home.dir}/.aws/credentials`;
  const before =
    "# keep me\n[other]\naws_access_key_id = AKIAOTHER\n\n; and me\n[mine]\nregion = x\n";
  await Deno.writeTextFile(path, before);
  const result = await runCli(["export", "--profile", "legacy", "--write-credentials", "mine"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0, result.stderr);
  assertEquals(result.stdout, "");
  const issued = fake.issuedCredentials[0];
  const text = await Deno.readTextFile(path);
  assert(
    text.startsWith(
      "# keep me\n[other]\naws_access_key_id = AKIAOTHER\n\n; and me\n[mine]\nregion = x\n",
    ),
    text,
  );
  assertMatch(text, new RegExp(`\\naws_access_key_id = ${issued.accessKeyId}\\n`));
  if (POSIX) assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  // AWS_SHARED_CREDENTIALS_FILE names another file.
  const other = `${home.dir}/elsewhere/creds`;
  const moved = await runCli(["export", "--profile", "legacy", "--write-credentials", "x"], {
    home,
    endpoint: fake.url,
    env: { AWS_SHARED_CREDENTIALS_FILE: other },
  });
  assertEquals(moved.code, 0, moved.stderr);
  assertMatch(await Deno.readTextFile(other), /^\[x\]\naws_access_key_id = /);
});

Deno.test("export --write-credentials writes through a symlinked credentials file", {
  ignore: !POSIX,
}, async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const real = `${home.dir}/dotfiles/aws-credentials`;
  await Deno.mkdir(`${home.dir}/dotfiles`);
  await Deno.writeTextFile(real, "[other]\naws_access_key_id = AKIAOTHER\n");
  await Deno.symlink(real, `${home.dir}/.aws/credentials`);
  const result = await runCli(["export", "--profile", "legacy", "--write-credentials", "mine"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(result.code, 0, result.stderr);
  assert((await Deno.lstat(`${home.dir}/.aws/credentials`)).isSymlink, "the link was replaced");
  assertMatch(await Deno.readTextFile(real), /^\[other\]\n[^]*\n\[mine\]\naws_access_key_id = /);
  assertEquals((await Deno.stat(real)).mode! & 0o777, 0o600);
});

Deno.test("export --write-credentials checks the name and the file before any network call", {
  ignore: !POSIX,
}, async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const bad = await runCli(["export", "--profile", "legacy", "--write-credentials", "bad]name"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(bad.code, 2, bad.stderr);
  assertMatch(bad.stderr, /^The profile name bad\]name cannot be a credentials file section/);
  // A device is refused at once, unread (it used to be read whole: /dev/zero filled the memory).
  const zero = await runCli(["export", "--profile", "legacy", "--write-credentials", "ci"], {
    home,
    endpoint: fake.url,
    env: { AWS_SHARED_CREDENTIALS_FILE: "/dev/zero" },
  });
  assertEquals(zero.code, 5, zero.stderr);
  assertEquals(
    zero.stderr,
    "Cannot read the credentials file /dev/zero: it is not a regular file.\n",
  );
  // A FIFO is refused without blocking on it.
  const fifo = `${home.dir}/fifo`;
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  const piped = await runCli(["export", "--profile", "legacy", "--write-credentials", "ci"], {
    home,
    endpoint: fake.url,
    env: { AWS_SHARED_CREDENTIALS_FILE: fifo },
  });
  assertEquals(piped.code, 5, piped.stderr);
  assertEquals(
    piped.stderr,
    `Cannot read the credentials file ${fifo}: it is not a regular file.\n`,
  );
  assertEquals(fake.requests.length, 0);
});

Deno.test("export fails with one sentence and the documented code", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const none = await runCli(["export"], { home, endpoint: fake.url });
  assertEquals(none.code, 2);
  assertEquals(
    none.stderr,
    "Name the role with --profile, or with -a/--account-id and -r/--role-name.\n",
  );
  fake.revokeAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", -HOUR));
  const expired = await runCli(["export", "--profile", "legacy"], { home, endpoint: fake.url });
  assertEquals(expired.code, 1);
  assertEquals(expired.stderr.split("\n").filter(Boolean).length, 1, expired.stderr);
  assertEquals(expired.stdout, "");
});

// ------------------------------------------------------------------ run-as
// With the run-as set of deno.json, or a release binary (compiled with that set).

Deno.test({
  name:
    "run-as passes arguments untouched, sets the credentials and region, clears profiles, returns the code",
  fn: async () => {
    await using fake = await FakeIdentityCenter.start();
    await using home = await setUp(fake);
    const tricky = ["two words", `it's "quoted"`, "$(touch pwned)", "`id`", "*", "", "--profile"];
    const child = await spawnCli(
      ["run-as", "--profile", "legacy", ...envPrinter(7), ...tricky],
      home,
      fake.url,
      {
        AWS_PROFILE: "should-go",
        AWS_DEFAULT_PROFILE: "should-go",
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/x",
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "old",
      },
    );
    const result = await finishChild(child);
    assertEquals(result.stderr, "");
    assertEquals(result.code, 7);
    const { args, env } = JSON.parse(result.stdout);
    assertEquals(args, tricky);
    const issued = fake.issuedCredentials[0];
    assertEquals(env.AWS_ACCESS_KEY_ID, issued.accessKeyId);
    assertEquals(env.AWS_SECRET_ACCESS_KEY, issued.secretAccessKey);
    assertEquals(env.AWS_SESSION_TOKEN, issued.sessionToken);
    assertEquals(env.AWS_ACCOUNT_ID, ACCOUNT_ID);
    assertMatch(env.AWS_CREDENTIAL_EXPIRATION, /Z$/);
    assertEquals(env.AWS_CREDENTIALS_EXPIRATION, env.AWS_CREDENTIAL_EXPIRATION);
    assertEquals([env.AWS_REGION, env.AWS_DEFAULT_REGION], ["eu-west-3", "eu-west-3"]);
    for (
      const gone of [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
      ]
    ) {
      assertEquals(env[gone], undefined, gone);
    }
    assertEquals(await Deno.stat(`${REPO_DIR}/pwned`).then(() => true, () => false), false);
  },
});

Deno.test({
  name: "run-as --region wins, -a/-r work, and a missing program is 127",
  fn: async () => {
    await using fake = await FakeIdentityCenter.start();
    await using home = await setUp(fake);
    const child = await spawnCli(
      [
        "run-as",
        "-a",
        ACCOUNT_ID,
        "-r",
        ROLE,
        "-u",
        START_URL,
        "--sso-region",
        "us-east-1",
        "--region",
        "ap-south-1",
        "--",
        ...envPrinter(0),
      ],
      home,
      fake.url,
    );
    const result = await finishChild(child);
    assertEquals(result.code, 0, result.stderr);
    const { env } = JSON.parse(result.stdout);
    assertEquals([env.AWS_REGION, env.AWS_DEFAULT_REGION], ["ap-south-1", "ap-south-1"]);
    const missing = await finishChild(
      await spawnCli(["run-as", "--profile", "legacy", "no-such-program-xyz"], home, fake.url),
    );
    assertEquals(missing.code, 127);
    assertEquals(
      missing.stderr,
      "Cannot run no-such-program-xyz: no such program (check the name and PATH).\n",
    );
  },
});

Deno.test({
  name: "run-as with the default permission set refuses in one sentence (exit 126)",
  // A release binary has the run-as set, so it runs the program (the tests above).
  ignore: CLI_BIN !== undefined,
}, async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const result = await runCli(["run-as", "--profile", "legacy", "--", "true"], {
    home,
    endpoint: fake.url,
    subprocess: true, // the declared permission set holds only in a subprocess
  });
  assertEquals(result.code, 126);
  assertMatch(result.stderr, /^run-as needs Deno's permission to run any program/);
  assertEquals(result.stderr.split("\n").filter(Boolean).length, 1);
});

Deno.test({
  name: "run-as never leaves its child behind when SIGTERM comes the moment the child starts",
  ignore: !POSIX,
  fn: async () => {
    await using fake = await FakeIdentityCenter.start();
    await using home = await setUp(fake);
    for (let round = 0; round < 5; round++) {
      const pidFile = `${home.dir}/child-${round}.pid`;
      const child = await spawnCli(
        ["run-as", "--profile", "legacy", "--", "sh", "-c", `echo $$ > ${pidFile}; exec sleep 30`],
        home,
        fake.url,
      );
      // The earliest moment a user could see: the child has written its pid.
      let pid: number | undefined;
      for (let i = 0; i < 1000 && pid === undefined; i++) {
        const text = await Deno.readTextFile(pidFile).catch(() => "");
        if (text.endsWith("\n")) pid = Number(text);
        else await new Promise((r) => setTimeout(r, 5));
      }
      assert(pid !== undefined, "the child never started");
      child.kill("SIGTERM");
      assertEquals((await child.status).code, 143);
      await child.stdout.cancel();
      await child.stderr.cancel();
      // The child got the signal too: `kill -0` finds no such process.
      const alive = await new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" })
        .output();
      assertEquals(alive.success, false, `round ${round}: child ${pid} survived`);
    }
  },
});

for (const [signal, code, trap] of [["SIGTERM", 143, "TERM"], ["SIGINT", 130, "INT"]] as const) {
  Deno.test({
    name: `run-as forwards ${signal} to the child and exits 128+${code - 128}`,
    ignore: !POSIX,
    fn: async () => {
      await using fake = await FakeIdentityCenter.start();
      await using home = await setUp(fake);
      const child = await spawnCli(
        [
          "run-as",
          "--profile",
          "legacy",
          "--",
          "sh",
          "-c",
          `trap 'echo got-${trap}; exit ${code}' ${trap}; echo ready; while :; do sleep 0.05; done`,
        ],
        home,
        fake.url,
      );
      // A stuck run must fail the test, not hang the suite.
      const guard = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* it ended meanwhile */ }
      }, 30_000);
      try {
        const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let seen = "";
        while (!seen.includes("ready")) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += value;
        }
        if (!seen.includes("ready")) {
          const stderr = await new Response(child.stderr).text();
          throw new Error(`run-as ended before its child was ready: ${seen}${stderr}`);
        }
        child.kill(signal);
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += value;
        }
        const status = await child.status;
        assertEquals(status.code, code);
        assertMatch(seen, new RegExp(`got-${trap}`));
        await child.stderr.cancel();
      } finally {
        clearTimeout(guard);
      }
    },
  });
}

const hasBotocore = await pythonHas("botocore.credentials");

Deno.test({
  name:
    "run-as --container-credentials: botocore in the child reads refreshed credentials from the endpoint",
  ignore: !hasBotocore,
  fn: async () => {
    await using fake = await FakeIdentityCenter.start();
    await using home = await setUp(fake);
    const script = [
      "import json, os",
      "from botocore.credentials import ContainerProvider",
      "c = ContainerProvider().load().get_frozen_credentials()",
      "print(json.dumps({'key': c.access_key, 'token': c.token, 'static': os.environ.get('AWS_ACCESS_KEY_ID'),",
      "  'uri': os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI']}))",
    ].join("\n");
    const result = await finishChild(
      await spawnCli(
        [
          "run-as",
          "--profile",
          "legacy",
          "--container-credentials",
          "--",
          (await pythonExecutable())!,
          "-c",
          script,
        ],
        home,
        fake.url,
      ),
    );
    assertEquals(result.code, 0, result.stderr);
    const got = JSON.parse(result.stdout);
    assertEquals(got.key, fake.issuedCredentials[0].accessKeyId);
    assertEquals(got.token, fake.issuedCredentials[0].sessionToken);
    assertEquals(got.static, null);
    assertMatch(got.uri, /^http:\/\/127\.0\.0\.1:\d+\/credentials$/);
  },
});

// ------------------------------------------------------------------ serve

Deno.test("serve prints the two lines, answers only the token, and stops on SIGINT", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const child = await spawnCli(["serve", "--profile", "legacy"], home, fake.url, {}, "default");
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const { text: out, reader } = await readStdoutLines(child, 2);
  const lines = out.split("\n").filter(Boolean);
  assertEquals(lines.length, 2, out);
  const [uri, token] = [lines[0].split("=")[1], lines[1].slice(lines[1].indexOf("=") + 1)];
  assertMatch(
    lines[0],
    /^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/credentials$/,
  );
  assertMatch(lines[1], /^AWS_CONTAINER_AUTHORIZATION_TOKEN=[A-Za-z0-9_-]{43}$/);
  const refused = await fetch(uri, { headers: { authorization: "wrong" } });
  assertEquals(refused.status, 401);
  await refused.body?.cancel();
  const ok = await fetch(uri, { headers: { authorization: token } });
  const body = await ok.json();
  assertEquals(body.AccessKeyId, fake.issuedCredentials[0].accessKeyId);
  assertEquals(body.AccountId, ACCOUNT_ID);
  child.kill("SIGINT");
  const status = await child.status;
  clearTimeout(guard);
  assertEquals(status.code, 0);
  await reader.cancel();
  // One line for people beside the two for programs: what, until when, how to stop.
  const stderr = await new Response(child.stderr).text();
  assertMatch(
    stderr,
    new RegExp(
      `^Serving the credentials of role ${ROLE} in account ${ACCOUNT_ID} at ${
        uri.replaceAll(".", "\\.")
      }, refreshed before they expire until the SSO login expires at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d [+-]\\d\\d:\\d\\d; stop with Ctrl-C\\.\\n$`,
    ),
  );
});

Deno.test("serve --token-file uses that token and refuses a bad port in one sentence", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using home = await setUp(fake);
  const bad = await runCli(["serve", "--profile", "legacy", "--port", "70000"], {
    home,
    endpoint: fake.url,
  });
  assertEquals(bad.code, 2);
  assertEquals(bad.stderr, "The port 70000 is not a number from 1 to 65535.\n");
  const file = `${home.dir}/token`;
  await Deno.writeTextFile(file, "short\n");
  const short = await runCli(["serve", "--profile", "legacy", "--token-file", file], {
    home,
    endpoint: fake.url,
  });
  assertEquals(short.code, 2);
  assertMatch(short.stderr, /must hold one line of 16 to 1024 visible ASCII characters/);
  await Deno.writeTextFile(file, "a-token-from-a-file-0123456789\n");
  const child = await spawnCli(
    ["serve", "--profile", "legacy", "--token-file", file],
    home,
    fake.url,
    {},
    "default",
  );
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (out.split("\n").length < 3) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`serve ended early: ${out}${await new Response(child.stderr).text()}`);
    }
    out += value;
  }
  assertMatch(out, /\nAWS_CONTAINER_AUTHORIZATION_TOKEN=a-token-from-a-file-0123456789\n/);
  child.kill("SIGTERM");
  assertEquals((await child.status).code, 0);
  clearTimeout(guard);
  await reader.cancel();
  await child.stderr.cancel();
});

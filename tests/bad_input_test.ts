/**
 * Bad input stays harmless: echoed values are short and escaped, the config and cache files must
 * be small regular files, impossible dates are rejected, and a start URL with a password is
 * refused without showing or logging the password. Unit tests of the helpers, then the CLI (`runCli`)
 * for each kind.
 */
import { readJsonObject } from "../src/base/atomic_file.ts";
import {
  MAX_CACHE_FILE_BYTES,
  MAX_CONFIG_BYTES,
  readBoundedText,
  RefusedFileError,
} from "../src/base/bounded_read.ts";
import { readCachedCredentials } from "../src/cache/credential_cache.ts";
import { ConfigError, describeFailure, ExitCode } from "../src/base/errors.ts";
import {
  escapeControl,
  MAX_ECHO_CHARS,
  safeEcho,
  withoutUrlCredentials,
} from "../src/base/safe_text.ts";
import { hasUrlCredentials, loadConfigFile, validateSettings } from "../src/config/settings.ts";
import { resolveInstance } from "../src/config/instance.ts";
import { parseAwsConfig } from "../src/config/aws_config_file.ts";
import { tokenFromJson } from "../src/cache/token_cache.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";
import {
  ACCOUNT_ID,
  cliToken,
  LEGACY_PROFILE,
  POSIX,
  ROLE,
  runCli,
  START_URL,
  TempHome,
} from "./helpers.ts";
import { withTempDir } from "./script_helpers.ts";

/** Raw control characters that must never reach stderr: C0 (newline, ESC, NUL…), DEL, C1. */
// deno-lint-ignore no-control-regex -- the point of the check
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Asserts stderr is exactly one line with no raw control character and at most `max` chars. */
function assertOneCleanLine(stderr: string, max = 400): void {
  assert(stderr.endsWith("\n"), `ends with a newline: ${JSON.stringify(stderr)}`);
  const body = stderr.slice(0, -1);
  assertNotMatch(body, /\n/, `one line: ${JSON.stringify(stderr)}`);
  assertNotMatch(body, RAW_CONTROL, `no raw control character: ${JSON.stringify(stderr)}`);
  assert(body.length <= max, `at most ${max} characters, got ${body.length}`);
}

/** A value with a newline, ANSI escapes and 5000 more characters (argv and env cannot hold NUL). */
const HOSTILE = `us-east-1\n\u001b[31mFAKE ERROR\u001b[0m${"x".repeat(5000)}`;
const SECRET_URL = "https://alice:s3cr3t-pw@example.awsapps.com/start";

async function mkfifo(path: string): Promise<void> {
  const out = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert(out.success, "mkfifo");
}

/**
 * Should a reader block on the FIFO (the bug under test), gives it end-of-file after `ms` so the
 * test fails on its timing instead of hanging. Opening read-write never blocks on Linux.
 */
function unblockFifoAfter(path: string, ms: number): { [Symbol.dispose](): void } {
  const timer = setTimeout(() => {
    Deno.open(path, { read: true, write: true }).then((f) => f.close(), () => {});
  }, ms);
  return { [Symbol.dispose]: () => clearTimeout(timer) };
}

// ------------------------------------------------------------------ safeEcho and friends

Deno.test("safeEcho() returns short printable text unchanged", () => {
  assertEquals(safeEcho("us-east-1"), "us-east-1");
  assertEquals(safeEcho("profile ü-dev ☃"), "profile ü-dev ☃");
  assertEquals(safeEcho(42), "42");
});

Deno.test("safeEcho() escapes newlines, ANSI escapes, NULs, C1 and bidi controls", () => {
  assertEquals(safeEcho("a\nb\rc\td"), "a\\nb\\rc\\td");
  assertEquals(safeEcho("\u001b[31mred\u001b[0m"), "\\x1B[31mred\\x1B[0m");
  assertEquals(safeEcho("nul\u0000end\u007f"), "nul\\0end\\x7F");
  assertEquals(safeEcho("c1\u009bx"), "c1\\x9Bx");
  assertEquals(safeEcho("abc\u202Efdp.exe"), "abc\\u202Efdp.exe");
  assertEquals(safeEcho("line\u2028sep"), "line\\u2028sep");
});

Deno.test("safeEcho() cuts a long value to 100 characters with an ellipsis", () => {
  const shown = safeEcho("y".repeat(10_000));
  assertEquals(shown, `${"y".repeat(MAX_ECHO_CHARS)}…`);
  assertEquals(
    safeEcho("z".repeat(MAX_ECHO_CHARS)),
    "z".repeat(MAX_ECHO_CHARS),
    "exactly 100 kept",
  );
  assertEquals(safeEcho("abcdef", 3), "abc…");
});

Deno.test("safeEcho() never splits an escape sequence or a surrogate pair when cutting", () => {
  assertEquals(safeEcho(`${"a".repeat(98)}\u001bZZZ`), `${"a".repeat(98)}…`, "\\x1B would not fit");
  assertEquals(safeEcho(`${"a".repeat(99)}😀😀`), `${"a".repeat(99)}…`, "😀 is 2 UTF-16 units");
  assertEquals(safeEcho(`${"a".repeat(98)}😀x`, 100), `${"a".repeat(98)}😀…`);
});

Deno.test("escapeControl() escapes without cutting", () => {
  const long = `${"w".repeat(500)}\n`;
  assertEquals(escapeControl(long), `${"w".repeat(500)}\\n`);
});

Deno.test("withoutUrlCredentials() removes user:password up to the last @ of the authority", () => {
  assertEquals(
    withoutUrlCredentials(`start ${SECRET_URL} now`),
    "start https://<credentials removed>@example.awsapps.com/start now",
  );
  assertEquals(
    withoutUrlCredentials('{"u":"https://u:p@ss@host.example/x"}'),
    '{"u":"https://<credentials removed>@host.example/x"}',
  );
  assertEquals(withoutUrlCredentials(START_URL), START_URL);
  assertEquals(withoutUrlCredentials("mail bob@example.com"), "mail bob@example.com");
});

Deno.test("describeFailure() escapes and cuts the text of an unexpected error", () => {
  const { message, exitCode } = describeFailure(new Error(`boom \u001b[2J${"q".repeat(500)}`));
  assertEquals(exitCode, ExitCode.other);
  assertEquals(message, `Unexpected error: boom \\x1B[2J${"q".repeat(88)}…`);
  assertEquals(describeFailure("a\u0000b").message, "Unexpected error: a\\0b");
});

Deno.test("describeFailure() escapes control characters left in a CliError sentence", () => {
  const { message, exitCode } = describeFailure(new ConfigError("bad \u001b[31m\nvalue."));
  assertEquals(exitCode, ExitCode.invalidConfig);
  assertEquals(message, "bad \\x1B[31m\\nvalue.");
});

Deno.test("validateSettings() echoes a hostile region escaped and cut", () => {
  const error = assertThrows(
    () => validateSettings({ ssoRegion: HOSTILE, sources: { ssoRegion: "--sso-region" } }),
    ConfigError,
  ) as ConfigError;
  assertOneCleanLine(`${error.message}\n`, 250);
  assertStringIncludes(error.message, "us-east-1\\n\\x1B[31mFAKE ERROR\\x1B[0mxxx");
  assertMatch(error.message, /x… \(from --sso-region\) is not a valid AWS region name\.$/);
});

// ------------------------------------------------------------------ config and cache files

Deno.test("readBoundedText() reads a regular file up to the limit and refuses one byte more", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/ok`, "a".repeat(1000));
    assertEquals(await readBoundedText(`${dir}/ok`, 1000), "a".repeat(1000));
    await Deno.writeTextFile(`${dir}/big`, "a".repeat(1001));
    const error = await assertRejects(() => readBoundedText(`${dir}/big`, 1000), RefusedFileError);
    assertEquals((error as Error).message, "it is larger than 1000 bytes");
    await assertRejects(() => readBoundedText(`${dir}/missing`, 1000), Deno.errors.NotFound);
  });
});

Deno.test("readBoundedText() refuses a directory and a device without reading", async () => {
  await withTempDir(async (dir) => {
    const error = await assertRejects(() => readBoundedText(dir, 1000), RefusedFileError);
    assertEquals((error as Error).message, "it is a directory");
  });
  if (POSIX) {
    const error = await assertRejects(() => readBoundedText("/dev/zero", 1000), RefusedFileError);
    assertEquals((error as Error).message, "it is not a regular file");
  }
});

Deno.test("readBoundedText() refuses a FIFO instead of blocking on it", {
  ignore: !POSIX,
}, async () => {
  await withTempDir(async (dir) => {
    await mkfifo(`${dir}/fifo`);
    using _unblock = unblockFifoAfter(`${dir}/fifo`, 10_000);
    const error = await assertRejects(() => readBoundedText(`${dir}/fifo`, 1000), RefusedFileError);
    assertEquals((error as Error).message, "it is not a regular file");
  });
});

Deno.test("loadConfigFile() refuses a config larger than 4 MiB in one sentence", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config`;
    await Deno.writeTextFile(path, "[default]\n");
    await Deno.truncate(path, 3 * 1024 ** 3); // sparse: 3 GiB on paper, nothing to read
    const error = await assertRejects(() => loadConfigFile(path), ConfigError);
    assertEquals(
      (error as Error).message,
      `Cannot read the AWS config file ${path}: it is larger than 4 MiB.`,
    );
    assertEquals(MAX_CONFIG_BYTES, 4 * 1024 * 1024);
  });
});

Deno.test("loadConfigFile() reads a config of exactly the size limit", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/config`;
    const head = "[default]\nregion = us-east-1\n";
    await Deno.writeTextFile(path, head + "#".repeat(MAX_CONFIG_BYTES - head.length - 1) + "\n");
    const config = await loadConfigFile(path);
    assertEquals(config?.sections.map((s) => s.name), ["default"]);
  });
});

Deno.test("readJsonObject() treats a huge, FIFO or device cache file as absent", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/ok.json`, '{"a": 1}');
    assertEquals(await readJsonObject(`${dir}/ok.json`), { a: 1 });
    await Deno.writeTextFile(`${dir}/huge.json`, `{"a": "${"b".repeat(MAX_CACHE_FILE_BYTES)}"}`);
    assertEquals(await readJsonObject(`${dir}/huge.json`), undefined);
    if (POSIX) {
      await mkfifo(`${dir}/fifo.json`);
      using _unblock = unblockFifoAfter(`${dir}/fifo.json`, 10_000);
      assertEquals(await readJsonObject(`${dir}/fifo.json`), undefined);
      assertEquals(await readJsonObject("/dev/zero"), undefined);
    }
  });
});

// ------------------------------------------------------------------ impossible dates

Deno.test("tokenFromJson() rejects an impossible expiresAt and ignores an impossible registrationExpiresAt", () => {
  const base = { accessToken: "at", refreshToken: "rt", clientId: "c", clientSecret: "s" };
  assertEquals(tokenFromJson({ ...base, expiresAt: "2099-02-30T00:00:00Z" }), undefined);
  assertEquals(tokenFromJson({ ...base, expiresAt: "2099-04-31T00:00:00Z" }), undefined);
  const token = tokenFromJson({
    ...base,
    expiresAt: "2099-02-28T00:00:00Z",
    registrationExpiresAt: "2099-02-30T00:00:00Z",
  });
  assertEquals(token?.expiresAt, Date.UTC(2099, 1, 28));
  assertEquals(token?.registrationExpiresAt, undefined);
});

Deno.test("readCachedCredentials() treats an impossible Expiration as a corrupt file", async () => {
  await withTempDir(async (dir) => {
    const creds = (expiration: string) =>
      JSON.stringify({
        ProviderType: "sso",
        Credentials: {
          AccessKeyId: "AKIA",
          SecretAccessKey: "secret",
          SessionToken: "token",
          Expiration: expiration,
        },
      });
    await Deno.writeTextFile(`${dir}/bad.json`, creds("2099-02-30T00:00:00Z"));
    assertEquals(await readCachedCredentials(`${dir}/bad.json`), undefined);
    await Deno.writeTextFile(`${dir}/good.json`, creds("2096-02-29T00:00:00Z"));
    assertEquals(
      (await readCachedCredentials(`${dir}/good.json`))?.expiration,
      Date.UTC(2096, 1, 29),
    );
  });
});

// ------------------------------------------------------------------ start URL with credentials

Deno.test("hasUrlCredentials() spots a user name or a password in a URL", () => {
  assert(hasUrlCredentials(SECRET_URL));
  assert(hasUrlCredentials("https://alice@example.awsapps.com/start"));
  assert(hasUrlCredentials("https://:pw@example.awsapps.com/start"));
  assert(!hasUrlCredentials(START_URL));
  assert(!hasUrlCredentials("https://example.awsapps.com/start#/user@x"));
});

Deno.test("validateSettings() refuses a start URL with a password without echoing it", () => {
  const error = assertThrows(
    () => validateSettings({ startUrl: SECRET_URL, sources: { startUrl: "--sso-start-url" } }),
    ConfigError,
  ) as ConfigError;
  assertEquals(
    error.message,
    "The SSO start URL https://<credentials removed>@example.awsapps.com/start (from --sso-start-url) contains a user name or password; remove them, a start URL never needs any.",
  );
});

Deno.test("resolveInstance() refuses a configured start URL with a password, naming where it is", () => {
  const config = parseAwsConfig(
    `[sso-session corp]\nsso_start_url = ${SECRET_URL}\nsso_region = us-east-1\n`,
  );
  const error = assertThrows(
    () => resolveInstance({}, () => undefined, config, "/home/u/.aws/config"),
    ConfigError,
  ) as ConfigError;
  assertNotMatch(error.message, /s3cr3t|alice/);
  assertMatch(error.message, /^The SSO start URL .* of sso-session corp contains a user name/);
});

// ------------------------------------------------------------------ through the CLI

Deno.test("credential-process echoes a hostile --sso-region escaped and cut, exit 2", async () => {
  await using home = await TempHome.create();
  const r = await runCli([
    "credential-process",
    "--sso-start-url",
    START_URL,
    "--sso-region",
    HOSTILE,
    "--account-id",
    ACCOUNT_ID,
    "--role-name",
    ROLE,
  ], { home });
  assertEquals(r.code, 2);
  assertOneCleanLine(r.stderr, 250);
  assertMatch(r.stderr, /^The SSO region us-east-1\\n\\x1B\[31mFAKE ERROR\\x1B\[0mx+… \(from /);
});

Deno.test("credential-process echoes an unknown option escaped and cut, exit 2", async () => {
  await using home = await TempHome.create();
  const r = await runCli(["credential-process", `--bogus\u001b]0;pwned\u0007${"o".repeat(300)}`], {
    home,
  });
  assertEquals(r.code, 2);
  assertOneCleanLine(r.stderr, 200);
  assertMatch(
    r.stderr,
    /^Unknown option '--bogus\\x1B\]0;pwned\\x07o+…'; run `aws-sso-util credential-process --help`/,
  );
});

Deno.test("credential-process echoes a hostile profile name and AWS_CONFIG_FILE escaped, exit 2", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  const r = await runCli([
    "credential-process",
    "--profile",
    `evil\n\u001b[1mname${"p".repeat(200)}`,
  ], {
    home,
  });
  assertEquals(r.code, 2);
  assertOneCleanLine(r.stderr);
  assertMatch(r.stderr, /^Profile evil\\n\\x1B\[1mnamep+… was not found in /);

  const missing = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    env: { AWS_CONFIG_FILE: `${home.dir}/no\u001b[2Jsuch` },
  });
  assertEquals(missing.code, 2);
  assertOneCleanLine(missing.stderr);
  assertStringIncludes(missing.stderr, "no\\x1B[2Jsuch does not exist");
});

Deno.test("credential-process echoes a config value with NUL and ANSI escapes escaped, exit 2", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(
    LEGACY_PROFILE.replace(
      "sso_region = us-east-1",
      `sso_region = us\u0000-east-1\u001b[2J${"r".repeat(300)}`,
    ),
  );
  const r = await runCli(["credential-process", "--profile", "legacy"], { home });
  assertEquals(r.code, 2);
  assertOneCleanLine(r.stderr, 250);
  assertMatch(r.stderr, /^The SSO region us\\0-east-1\\x1B\[2Jr+… \(from profile legacy\) is not/);
});

Deno.test("roles echoes a hostile --sort-by value escaped and cut, exit 2", async () => {
  await using home = await TempHome.create();
  const r = await runCli(["roles", "--sort-by", HOSTILE], { home });
  assertEquals(r.code, 2);
  assertOneCleanLine(r.stderr, 250);
  assertMatch(r.stderr, /^The --sort-by value us-east-1\\n\\x1B\[31mFAKE ERROR/);
});

Deno.test("credential-process refuses a /dev/zero config at once, exit 2", {
  ignore: !POSIX,
}, async () => {
  await using home = await TempHome.create();
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    env: { AWS_CONFIG_FILE: "/dev/zero" },
  });
  assertEquals(r.code, 2);
  assertEquals(r.stderr, "Cannot read the AWS config file /dev/zero: it is not a regular file.\n");
  assert(r.ms < 20_000, `took ${r.ms} ms`);
});

Deno.test("credential-process refuses a FIFO config instead of blocking, exit 2", {
  ignore: !POSIX,
}, async () => {
  await using home = await TempHome.create();
  await mkfifo(home.configPath);
  using _unblock = unblockFifoAfter(home.configPath, 10_000);
  const r = await runCli(["credential-process", "--profile", "legacy"], { home });
  assert(r.ms < 10_000, `took ${r.ms} ms: it waited on the FIFO`);
  assertEquals(r.code, 2);
  assertEquals(
    r.stderr,
    `Cannot read the AWS config file ${home.configPath}: it is not a regular file.\n`,
  );
});

Deno.test("roles refuses a config larger than 4 MiB in one sentence, exit 2", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  await Deno.truncate(home.configPath, 2 * 1024 ** 3);
  const r = await runCli(["roles", "--profile", "legacy"], { home });
  assertEquals(r.code, 2);
  assertEquals(
    r.stderr,
    `Cannot read the AWS config file ${home.configPath}: it is larger than 4 MiB.\n`,
  );
});

Deno.test("credential-process treats a FIFO token file as absent: login required, exit 1", {
  ignore: !POSIX,
}, async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  const path = await home.writeToken({}, {});
  await Deno.remove(path);
  await mkfifo(path);
  using _unblock = unblockFifoAfter(path, 10_000);
  const r = await runCli(["credential-process", "--profile", "legacy"], { home });
  assert(r.ms < 10_000, `took ${r.ms} ms: it waited on the FIFO`);
  assertEquals(r.code, 1);
  assertMatch(r.stderr, /^Login required\. /);
});

Deno.test("credential-process treats a token expiring on 2099-02-30 as unusable: login required, exit 1", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  await home.writeToken({}, { ...cliToken("at-legacy", 0), expiresAt: "2099-02-30T00:00:00Z" });
  const r = await runCli(["credential-process", "--profile", "legacy"], { home });
  assertEquals(r.code, 1);
  assertMatch(r.stderr, /^Login required\. /);
});

Deno.test("credential-process refuses a start URL with a password and never logs it, exit 2", async () => {
  await using home = await TempHome.create();
  const r = await runCli([
    "credential-process",
    "--sso-start-url",
    SECRET_URL,
    "--sso-region",
    "us-east-1",
    "--account-id",
    ACCOUNT_ID,
    "--role-name",
    ROLE,
    "--debug",
  ], { home });
  assertEquals(r.code, 2);
  assertEquals(
    r.stderr,
    "The SSO start URL https://<credentials removed>@example.awsapps.com/start (from --sso-start-url) contains a user name or password; remove them, a start URL never needs any.\n",
  );
  const log = await Deno.readTextFile(home.logPath);
  assertStringIncludes(log, "<credentials removed>", "the run was logged");
  assertNotMatch(log, /s3cr3t|alice/);
});

Deno.test("credential-process refuses a profile's start URL with a password, exit 2", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE.replace(START_URL, SECRET_URL));
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    env: { AWS_SSO_CREDENTIAL_PROCESS_DEBUG: "true" },
  });
  assertEquals(r.code, 2);
  assertMatch(
    r.stderr,
    /^The SSO start URL https:\/\/<credentials removed>@example\.awsapps\.com\/start \(from profile legacy\) contains a user name or password/,
  );
  assertNotMatch(r.stderr + await Deno.readTextFile(home.logPath), /s3cr3t|alice/);
});

Deno.test("login refuses a start URL with a password without echoing it", async () => {
  await using home = await TempHome.create();
  const r = await runCli(["login", SECRET_URL, "us-east-1"], { home });
  assertEquals(r.code, 1, "login reports every instance resolution failure as exit 1");
  assertOneCleanLine(r.stderr);
  assertMatch(r.stderr, /contains a user name or password/);
  assertNotMatch(r.stderr, /s3cr3t|alice/);
});

Deno.test("the password of an endpoint URL never reaches a message, and a 120 KB URL is not echoed whole", async () => {
  await using home = await TempHome.create();
  await home.writeConfig(LEGACY_PROFILE);
  await home.writeToken({}, cliToken("at", 8 * 3_600_000));
  for (
    const url of ["http://user:s3cr3t@127.0.0.1:1", `http://127.0.0.1:1/${"a".repeat(120_000)}`]
  ) {
    const result = await runCli(["credential-process", "--profile", "legacy"], {
      home,
      env: { AWS_ENDPOINT_URL_SSO: url },
      limits: { credentialProcessMs: 300, retryBaseMs: 1 },
    });
    assertEquals(result.code, 4, result.stderr);
    assertOneCleanLine(result.stderr, 1000);
    assert(!result.stderr.includes("s3cr3t"), result.stderr);
  }
});

Deno.test("describeFailure() removes URL user info and cuts any huge word of any sentence", () => {
  const { message } = describeFailure(
    new ConfigError(
      `GetRoleCredentials could not reach https://me:pw@x.example/${"p".repeat(10_000)} (refused).`,
    ),
  );
  assert(!message.includes(":pw@"), message);
  assert(message.length < 400, `${message.length}`);
  assertStringIncludes(message, "<credentials removed>@x.example/ppp");
  assertStringIncludes(message, "… (refused).");
});

Deno.test("configure profile refuses a 120 KB profile name in one short sentence, exit 2", async () => {
  await using home = await TempHome.create();
  const result = await runCli([
    "configure",
    "profile",
    "p".repeat(120_000),
    "-a",
    ACCOUNT_ID,
    "-r",
    ROLE,
    "--sso-start-url",
    START_URL,
    "--sso-region",
    "us-east-1",
  ], { home });
  assertEquals(result.code, 2, result.stderr);
  assertOneCleanLine(result.stderr);
  assertMatch(result.stderr, /is longer than 256 characters\.\n$/);
});

Deno.test("login with a backtracking pattern such as (a+)+$ answers at once", async () => {
  await using home = await TempHome.create();
  const url = `https://${"a".repeat(40)}.awsapps.com/start`;
  await home.writeConfig(`[profile a]\nsso_start_url = ${url}\nsso_region = us-east-1\n`);
  const started = performance.now();
  const result = await runCli(["login", "(a+)+$"], { home });
  assert(performance.now() - started < 10_000, "the pattern backtracked");
  assertEquals(result.code, 1, result.stderr);
  assertEquals(result.stderr, "No configured SSO start URL matches (a+)+$.\n");
});

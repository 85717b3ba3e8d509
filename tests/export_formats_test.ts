/**
 * `export`'s output formats: exact lines, and a round trip of each through the program that
 * reads it (bash, fish and PowerShell where installed, python-dotenv where installed, and a
 * parser following npm dotenv's rules), with values full of shell metacharacters.
 */
import type { RoleCredentials } from "../src/cache/credential_cache.ts";
import {
  credentialVariables,
  EXPORT_FORMATS,
  formatCredentialExports,
} from "../src/ui/credential_exports.ts";
import { ConfigError } from "../src/base/errors.ts";
import { assertEquals, assertMatch, assertThrows } from "./assert.ts";
import { hasCommand, pythonExecutable, pythonHas, withTempDir } from "./script_helpers.ts";

const PLAIN: RoleCredentials = {
  accessKeyId: "ASIAEXAMPLEKEY",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+x",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVz==",
  expiration: Date.UTC(2026, 10, 24, 0, 32, 24),
  accountId: "012345678912",
};

/** Every character a shell treats specially, except line breaks and NUL. */
const HOSTILE: RoleCredentials = {
  ...PLAIN,
  accessKeyId: `a'b"c $(echo pwned) \`id\` $HOME \${x} ; & | < > * ? ~ # !`,
  secretAccessKey: `back\\slash\\\\ end\\`,
  sessionToken: `it's "quoted" $Env:PATH \`$ %PATH% “smart” ‘single’`,
};

const expected = (creds: RoleCredentials) => Object.fromEntries(credentialVariables(creds));

Deno.test("formatCredentialExports() writes each format's lines exactly", () => {
  const vars = [
    ["AWS_ACCESS_KEY_ID", PLAIN.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", PLAIN.secretAccessKey],
    ["AWS_SESSION_TOKEN", PLAIN.sessionToken],
    ["AWS_CREDENTIAL_EXPIRATION", "2026-11-24T00:32:24Z"],
    ["AWS_ACCOUNT_ID", "012345678912"],
  ];
  const lines = (f: (k: string, v: string) => string) =>
    vars.map(([k, v]) => f(k, v)).join("\n") + "\n";
  assertEquals(formatCredentialExports(PLAIN, "env"), lines((k, v) => `export ${k}=${v}`));
  assertEquals(formatCredentialExports(PLAIN, "env-no-export"), lines((k, v) => `${k}=${v}`));
  assertEquals(formatCredentialExports(PLAIN, "powershell"), lines((k, v) => `$Env:${k}="${v}"`));
  assertEquals(formatCredentialExports(PLAIN, "windows-cmd"), lines((k, v) => `set ${k}=${v}`));
  assertEquals(formatCredentialExports(PLAIN, "fish"), lines((k, v) => `set -gx ${k} '${v}'`));
  assertEquals(formatCredentialExports(PLAIN, "dotenv"), lines((k, v) => `${k}='${v}'`));
  assertEquals(
    JSON.parse(formatCredentialExports(PLAIN, "json")),
    {
      Version: 1,
      AccessKeyId: PLAIN.accessKeyId,
      SecretAccessKey: PLAIN.secretAccessKey,
      SessionToken: PLAIN.sessionToken,
      Expiration: "2026-11-24T00:32:24Z",
      AccountId: "012345678912",
    },
  );
});

Deno.test("formatCredentialExports() leaves AWS_ACCOUNT_ID out when the account is unknown", () => {
  const text = formatCredentialExports({ ...PLAIN, accountId: undefined }, "env");
  assertEquals(text.split("\n").filter(Boolean).length, 4);
  assertEquals(text.includes("AWS_ACCOUNT_ID"), false);
});

Deno.test("formatCredentialExports() refuses, in one sentence, values a format cannot carry", () => {
  for (const format of EXPORT_FORMATS.filter((f) => f !== "json")) {
    const error = assertThrows(
      () => formatCredentialExports({ ...PLAIN, sessionToken: "a\nexport X=1" }, format),
      ConfigError,
    );
    assertMatch((error as Error).message, /^The value of AWS_SESSION_TOKEN contains a line break/);
  }
  assertThrows(() => formatCredentialExports(HOSTILE, "windows-cmd"), ConfigError);
  assertThrows(() => formatCredentialExports(HOSTILE, "dotenv"), ConfigError);
  assertThrows(
    () => formatCredentialExports({ ...PLAIN, accessKeyId: "a${X}" }, "dotenv"),
    ConfigError,
  );
  // Each refusal says its own reason; a quote alone is not one.
  const dotenvError = (sessionToken: string) =>
    (assertThrows(
      () => formatCredentialExports({ ...PLAIN, sessionToken }, "dotenv"),
      ConfigError,
    ) as Error).message;
  assertEquals(
    dotenvError("it's $x"),
    "The value of AWS_SESSION_TOKEN holds a single quote (so it needs double quotes) and a $ or `, which Docker Compose expands in double quotes; use another format.",
  );
  assertMatch(dotenvError("it's \\x"), /holds a backslash, which dotenv parsers read differently/);
  assertMatch(dotenvError(`it's "x"`), /holds both a single and a double quote/);
  assertMatch(
    formatCredentialExports({ ...PLAIN, sessionToken: "it's x" }, "dotenv"),
    /^AWS_SESSION_TOKEN="it's x"$/m,
  );
  // cmd.exe: quoted when it holds & | < > ^ or spaces, which quotes protect.
  assertMatch(
    formatCredentialExports({ ...PLAIN, sessionToken: "a&b|c<d>e^f g" }, "windows-cmd"),
    /^set "AWS_SESSION_TOKEN=a&b\|c<d>e\^f g"$/m,
  );
});

/** Runs `shell` with `args` plus a script; returns stdout. */
async function shellOutput(shell: string, args: string[], script: string): Promise<string> {
  const out = await new Deno.Command(shell, {
    args: [...args, script],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/nonexistent" },
    clearEnv: true,
  }).output();
  assertEquals(new TextDecoder().decode(out.stderr), "", `${shell} wrote on stderr`);
  assertEquals(out.code, 0);
  return new TextDecoder().decode(out.stdout);
}

const NAMES = Object.keys(expected(PLAIN));

Deno.test("env and env-no-export round-trip through bash with hostile values", async () => {
  for (const creds of [PLAIN, HOSTILE]) {
    const exported = formatCredentialExports(creds, "env");
    const printed = await shellOutput(
      "bash",
      ["--norc", "--noprofile", "-c"],
      `${exported}\nenv -0 | grep -z '^AWS_'`,
    );
    const seen = Object.fromEntries(
      printed.split("\0").filter(Boolean).map((
        e,
      ) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
    assertEquals(seen, expected(creds));
    const assigned = formatCredentialExports(creds, "env-no-export");
    const values = await shellOutput(
      "bash",
      ["--norc", "--noprofile", "-c"],
      `${assigned}\n${NAMES.map((n) => `printf '%s\\0' "$${n}"`).join("\n")}`,
    );
    assertEquals(values.split("\0").slice(0, -1), Object.values(expected(creds)));
  }
});

const hasFish = await hasCommand("fish", ["--version"]);
const hasPwsh = await hasCommand("pwsh", ["-NoProfile", "-Command", "exit 0"]);

Deno.test({
  name: "fish round-trips through fish with hostile values",
  ignore: !hasFish,
  fn: async () => {
    for (const creds of [PLAIN, HOSTILE]) {
      const script = formatCredentialExports(creds, "fish") +
        NAMES.map((n) => `printf '%s\\0' "$${n}"`).join("\n");
      const values = await shellOutput("fish", ["--no-config", "-c"], script);
      assertEquals(values.split("\0").slice(0, -1), Object.values(expected(creds)));
    }
  },
});

Deno.test({
  name: "powershell round-trips through pwsh with hostile values",
  ignore: !hasPwsh,
  fn: async () => {
    for (const creds of [PLAIN, HOSTILE]) {
      const script = formatCredentialExports(creds, "powershell") +
        `[Console]::Out.Write((@(${
          NAMES.map((n) => `$Env:${n}`).join(", ")
        }) | ConvertTo-Json -Compress))`;
      const values = await shellOutput(
        "pwsh",
        ["-NoProfile", "-NonInteractive", "-Command"],
        script,
      );
      assertEquals(JSON.parse(values), Object.values(expected(creds)));
    }
  },
});

/**
 * A dotenv parser following npm `dotenv`'s rules (v16): `KEY=value` lines, an optional
 * `export `, values in single, double or back quotes taken literally (double quotes also turn
 * `\n` into a newline), unquoted values cut at `#` and trimmed.
 */
function parseDotenv(text: string): Record<string, string> {
  const LINE =
    /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg;
  const out: Record<string, string> = {};
  for (const match of text.replace(/\r\n?/mg, "\n").matchAll(LINE)) {
    let value = (match[2] || "").trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/mg, "$2");
    if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    out[match[1]] = value;
  }
  return out;
}

const DOTENV_VALUES: RoleCredentials[] = [
  PLAIN,
  { ...PLAIN, accessKeyId: "a b#c=d $HOME $X", sessionToken: `it's "x"`.replaceAll('"', "") },
];

Deno.test("dotenv round-trips through an npm-dotenv-rules parser", () => {
  for (const creds of DOTENV_VALUES) {
    assertEquals(parseDotenv(formatCredentialExports(creds, "dotenv")), expected(creds));
  }
});

const hasPythonDotenv = await pythonHas("dotenv");

Deno.test({
  name: "dotenv round-trips through python-dotenv",
  ignore: !hasPythonDotenv,
  fn: async () => {
    await withTempDir(async (dir) => {
      for (const creds of DOTENV_VALUES) {
        await Deno.writeTextFile(`${dir}/.env`, formatCredentialExports(creds, "dotenv"));
        const out = await shellOutput(
          (await pythonExecutable())!,
          ["-c"],
          `import dotenv, json, sys; sys.stdout.write(json.dumps(dotenv.dotenv_values("${dir}/.env")))`,
        );
        assertEquals(JSON.parse(out), expected(creds));
      }
    });
  },
});

/**
 * Tests of the `credential_process` line `configure profile` writes
 * (src/config/credential_process_line.ts), and of the permission set its `deno run` form carries.
 */
import { shellQuote } from "../../src/ui/shell_quote.ts";
import { credentialProcessCommand, isCompiled } from "../../src/config/credential_process_line.ts";
import { DEFAULT_PERMISSION_SET } from "../../src/permission_set.ts";
import { assert, assertEquals } from "../assert.ts";
import { REPO_DIR } from "../helpers.ts";

const TOOL = { AWS_SSO_CREDENTIAL_PROCESS_NAME: "aws-sso-util" };

Deno.test("permission set in code equals permissions.default of deno.json", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(`${REPO_DIR}/deno.json`));
  assertEquals(DEFAULT_PERMISSION_SET, denoJson.permissions.default);
});

Deno.test("credentialProcessCommand uses the env name, the compiled binary, or a deno run line", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  const deno = {
    execPath: "/usr/bin/deno",
    mainModule: "file:///src/my%20app/main.ts",
    os: "linux",
  };
  assertEquals(
    credentialProcessCommand("dev", env(TOOL), deno),
    "aws-sso-util credential-process --profile dev",
  );
  assertEquals(
    credentialProcessCommand(
      "dev",
      env({ AWS_SSO_CREDENTIAL_PROCESS_NAME: "aws-sso-util credential-process" }),
      deno,
    ),
    "aws-sso-util credential-process --profile dev",
    "the Python tool's spelling (subcommand included) is not doubled",
  );
  assertEquals(
    credentialProcessCommand("dev", env({}), {
      execPath: "/Users/me/My Tools/aws-sso-util",
      mainModule: "file:///x/main.ts",
      os: "darwin",
    }),
    "'/Users/me/My Tools/aws-sso-util' credential-process --profile dev",
  );
  assertEquals(
    credentialProcessCommand("dev", env({}), {
      execPath: "C:\\Program Files\\aws-sso-util.exe",
      mainModule: "file:///C:/x/main.ts",
      os: "windows",
    }),
    '"C:\\Program Files\\aws-sso-util.exe" credential-process --profile dev',
  );
  const line = credentialProcessCommand("dev", env({}), deno);
  assert(
    line.startsWith(
      "/usr/bin/deno run --quiet --no-prompt --allow-read --allow-write '--allow-net=",
    ),
    line,
  );
  assert(line.endsWith(" '/src/my app/main.ts' credential-process --profile dev"), line);
  assert(!line.includes("--allow-all") && !/ -A /.test(line));
  assertEquals(isCompiled("/usr/bin/deno"), false);
  assertEquals(isCompiled("C:\\deno\\DENO.EXE"), false);
  assertEquals(isCompiled("/usr/local/bin/aws-sso-util"), true);
  assertEquals(shellQuote("it's", "linux"), `'it'\\''s'`);
});

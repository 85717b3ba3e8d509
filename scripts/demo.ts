/**
 * `deno task demo`: the main job end to end, without an AWS account, in under a minute. It starts
 * the project's fake IAM Identity Center (tests/fake_server.ts) on 127.0.0.1, makes a temporary
 * home (your `~/.aws` is never read or written), writes an SSO profile there, and runs the CLI as
 * users run it (`deno run` with the declared permission set, deno.json's `default`):
 *
 * 1. `login --profile demo --headless`: the device code flow; the fake approves the code as you
 *    would in the browser;
 * 2. `credential-process --profile demo`: the JSON line an SDK receives from a profile's
 *    `credential_process = aws-sso-util credential-process --profile demo`;
 * 3. `export --profile demo`: the same credentials as shell variables;
 * 4. `status`: the cached login.
 *
 * Every command and its output are printed; the temporary home is removed at the end. Exits 0
 * when every step worked, else 1 with the failing step's output.
 *
 * @module
 */
import { FakeIdentityCenter } from "../tests/fake_server.ts";
import { permissionFlags, readPermissionSet } from "./permissions.ts";

const PROFILE = "demo";
const ACCOUNT_ID = "111122223333";
const ROLE = "DemoReadOnly";
const CONFIG = `[profile ${PROFILE}]
sso_session = demo-sso
sso_account_id = ${ACCOUNT_ID}
sso_role_name = ${ROLE}
region = us-east-1
credential_process = aws-sso-util credential-process --profile ${PROFILE}

[sso-session demo-sso]
sso_start_url = https://demo.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`;

const main = new URL("../main.ts", import.meta.url).pathname.replace(/^\/([A-Za-z]:)/, "$1");
const deno = Deno.execPath();
const out = (text: string) => Deno.stdout.write(new TextEncoder().encode(text));

/** The Deno cache in use, so the CLI (with another HOME) does not fetch its packages again. */
async function denoDir(): Promise<string> {
  const info = await new Deno.Command(deno, { args: ["info", "--json"], stderr: "null" }).output();
  return JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
}

const home = await Deno.makeTempDir({ prefix: "aws-sso-util-demo-" });
// The code is approved after the first poll, as if you had opened the URL and confirmed it.
const fake = await FakeIdentityCenter.start({
  autoApproveDeviceAfterPolls: 1,
  accounts: [{
    accountId: ACCOUNT_ID,
    accountName: "Demo",
    emailAddress: "demo@example.com",
    roles: [ROLE],
  }],
});
let failed = false;
try {
  const flags = permissionFlags(await readPermissionSet());
  const env = {
    HOME: home,
    USERPROFILE: home,
    DENO_DIR: await denoDir(),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    // The fake stands in for the SSO portal and SSO OIDC services.
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
  };
  await Deno.mkdir(`${home}/.aws`, { recursive: true });
  await Deno.writeTextFile(`${home}/.aws/config`, CONFIG);
  await out(
    `aws-sso-util demo: a fake IAM Identity Center on ${fake.url} and a temporary home ${home}\n` +
      `(your own ~/.aws is not used). Its ~/.aws/config:\n\n${
        CONFIG.replace(/^/gm, "    ").trimEnd()
      }\n`,
  );
  const steps: [string[], string][] = [
    [
      ["login", "--profile", PROFILE, "--headless"],
      "Signs in with the device code flow (the fake approves the code for you).",
    ],
    [
      ["credential-process", "--profile", PROFILE],
      `What an AWS SDK receives from the profile's credential_process line: this JSON line.`,
    ],
    [["export", "--profile", PROFILE], "The same credentials as shell variables (no new call)."],
    [["status"], "The cached login, offline."],
  ];
  for (const [args, what] of steps) {
    await out(`\n$ aws-sso-util ${args.join(" ")}\n# ${what}\n`);
    const result = await new Deno.Command(deno, {
      args: ["run", "--quiet", "--no-prompt", ...flags, main, ...args],
      env,
      clearEnv: true,
      stdin: "null",
    }).output();
    const text = new TextDecoder();
    await out(text.decode(result.stderr) + text.decode(result.stdout));
    if (!result.success) {
      await out(`\nThat step exited with code ${result.code}; the demo stops here.\n`);
      failed = true;
      break;
    }
  }
  if (!failed) {
    await out(
      `\nDone: ${fake.calls.GetRoleCredentials} GetRoleCredentials call, one login, cached as the AWS CLI caches them.\n` +
        "To use it for real, install it (README, Install) and run `aws-sso-util configure profile NAME`.\n",
    );
  }
} finally {
  await fake.close();
  await Deno.remove(home, { recursive: true });
}
if (failed) Deno.exit(1);

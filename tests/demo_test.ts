/**
 * `deno task demo` as a newcomer runs it: the task as deno.json declares it (explicit permission
 * flags), from the repository, with a HOME of its own that must stay untouched.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { realDenoDir, REPO_DIR, TempHome } from "./helpers.ts";

Deno.test("deno task demo logs in against the fake, prints the credential_process JSON, and cleans up", async () => {
  await using home = await TempHome.create();
  const tasks = JSON.parse(await Deno.readTextFile(`${REPO_DIR}/deno.json`)).tasks;
  assert(!/(^|\s)(-A|--allow-all)(\s|$)/.test(tasks.demo), tasks.demo);
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "demo"],
    cwd: REPO_DIR,
    clearEnv: true,
    env: {
      HOME: home.dir,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: await realDenoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
    },
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(result.stdout);
  const stderr = new TextDecoder().decode(result.stderr);
  assertEquals([result.code, stderr], [0, ""], stdout);
  assertMatch(stdout, /\$ aws-sso-util login --profile demo --headless\n/);
  assertMatch(stdout, /\nLogin succeeded, valid until /);
  // The credential_process JSON line, as an SDK reads it.
  const json = stdout.split("\n").find((l) => l.startsWith('{"Version":1,'));
  assert(json, stdout);
  const creds = JSON.parse(json);
  assertEquals(creds.AccountId, "111122223333");
  assertMatch(creds.AccessKeyId, /^ASIA/);
  assert(Date.parse(creds.Expiration) > Date.now(), creds.Expiration);
  assert(stdout.includes(`export AWS_ACCESS_KEY_ID=${creds.AccessKeyId}\n`), stdout);
  assertMatch(
    stdout,
    /\nsso-session demo-sso: https:\/\/demo\.awsapps\.com\/start \(us-east-1\)\n/,
  );
  assertMatch(stdout, /\nDone: 1 GetRoleCredentials call/);
  // Its temporary home is gone, and the user's home was never touched.
  const temp = /a temporary home (\S+)\n/.exec(stdout)?.[1];
  assert(temp && !temp.startsWith(home.dir), stdout);
  assertEquals(await Deno.stat(temp).then(() => "exists", () => "removed"), "removed");
  assertEquals([...Deno.readDirSync(`${home.dir}/.aws`)], []);
});

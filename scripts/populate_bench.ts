/**
 * `deno task bench:populate`: `configure populate` at organisation scale. Starts the fake IAM
 * Identity Center (tests/fake_server.ts; a dev benchmark may use the test fake) with 1,000
 * accounts × 2 roles and 10 % of the listing calls throttled (HTTP 429, seeded random), writes a
 * valid SSO token into a temp HOME, runs `configure populate -v` as users run it (`deno run` with
 * the declared permission set) and prints: requests made, throttled, failures, wall time, the
 * target 1.2 × (requests ÷ 20 per second), the ratio, and whether the config file was written
 * once (the "config written" debug line, and the temp files renamed onto the config path as
 * seen by a file watcher).
 *
 *   deno task bench:populate [--accounts N] [--throttle FRACTION] [--seed N]
 *
 * Exits 1 when there is a failure, the file was not written exactly once, or the wall time is
 * above the target.
 */
import { tokenCacheKey } from "../src/cache/cache_keys.ts";
import { FakeIdentityCenter } from "../tests/fake_server.ts";
import { parseFlags, UsageError } from "./cli_args.ts";
import { permissionFlags, readPermissionSet } from "./permissions.ts";

const START_URL = "https://example.awsapps.com/start";
const RATE_PER_SECOND = 20;
const TARGET_FACTOR = 1.2;
const ROLES = ["Admin", "ReadOnly"];

const { accounts, throttle, seed } = benchOptions(Deno.args);
const repo = new URL("..", import.meta.url).pathname;
const home = await Deno.makeTempDir({ prefix: "aws-sso-util-populate-bench-" });
const fake = await FakeIdentityCenter.start();
try {
  fake.setAccounts(Array.from({ length: accounts }, (_, i) => ({
    accountId: String(100000000000 + i),
    accountName: `Team ${String(i).padStart(4, "0")}`,
    emailAddress: `team${i}@example.com`,
    roles: ROLES,
  })));
  fake.throttleFraction("ListAccounts", throttle, seed);
  fake.throttleFraction("ListAccountRoles", throttle, seed + 1);
  fake.addAccessToken("bench-token");

  const aws = `${home}/.aws`;
  const config = `${aws}/config`;
  await Deno.mkdir(`${aws}/sso/cache`, { recursive: true });
  await Deno.writeTextFile(
    config,
    `[profile base]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`,
  );
  const expiresAt = new Date(Date.now() + 8 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.writeTextFile(
    `${aws}/sso/cache/${await tokenCacheKey({ startUrl: START_URL })}.json`,
    JSON.stringify({
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: "bench-token",
      expiresAt,
    }),
  );

  // Every write of the config file is a new temp file renamed onto it (base/atomic_file.ts).
  const watcher = Deno.watchFs(aws, { recursive: false });
  const tempFiles = new Set<string>();
  const watching = (async () => {
    for await (const event of watcher) {
      for (const path of event.paths) {
        if (/\/config\.[0-9a-f]{8}\.tmp$/.test(path)) tempFiles.add(path);
      }
    }
  })();

  const flags = ["--quiet", "--no-prompt", ...permissionFlags(await readPermissionSet())];
  const args = [
    "run",
    ...flags,
    `${repo}main.ts`,
    "configure",
    "populate",
    "-r",
    "us-east-1",
    "-v",
  ];
  const before = await Deno.stat(config);
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    clearEnv: true,
    env: {
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      AWS_ENDPOINT_URL_SSO: fake.url,
      AWS_ENDPOINT_URL_SSO_OIDC: fake.url,
      AWS_SSO_CREDENTIAL_PROCESS_NAME: "aws-sso-util",
    },
    stdin: "null",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the last events arrive
  watcher.close();
  await watching;
  const after = await Deno.stat(config);

  const stderr = new TextDecoder().decode(out.stderr);
  const text = await Deno.readTextFile(config);
  const expected = accounts * ROLES.length;
  const written = (text.match(/^sso_auto_populated = true$/gm) ?? []).length;
  const failures = (out.success ? 0 : 1) + Math.max(0, expected - written);
  const requests = fake.calls.ListAccounts + fake.calls.ListAccountRoles;
  const throttled = fake.throttledCalls("ListAccounts") + fake.throttledCalls("ListAccountRoles");
  const ideal = requests / RATE_PER_SECOND;
  const target = TARGET_FACTOR * ideal;
  const ratio = seconds / ideal;
  const writtenLines = (stderr.match(/ config written: /g) ?? []).length;
  const once = writtenLines === 1 && tempFiles.size === 1 && after.ino !== before.ino;

  console.log(`accounts × roles:  ${accounts} × ${ROLES.length} (${expected} profiles)`);
  console.log(
    `requests made:     ${requests} (${fake.calls.ListAccounts} ListAccounts, ${fake.calls.ListAccountRoles} ListAccountRoles)`,
  );
  console.log(`throttled (429):   ${throttled} (${(100 * throttled / requests).toFixed(1)} %)`);
  console.log(
    `failures:          ${failures} (exit code ${out.code}, ${written}/${expected} profiles)`,
  );
  console.log(`wall time:         ${seconds.toFixed(1)} s`);
  console.log(
    `target:            ${
      target.toFixed(1)
    } s (${TARGET_FACTOR} × ${requests} ÷ ${RATE_PER_SECOND}/s)`,
  );
  console.log(
    `ratio:             ${
      ratio.toFixed(3)
    } × (requests ÷ ${RATE_PER_SECOND}/s) (must be ≤ ${TARGET_FACTOR})`,
  );
  console.log(
    `written once:      ${
      once ? "yes" : "NO"
    } (${writtenLines} "config written" line(s), ${tempFiles.size} temp file(s) renamed onto it, inode ${before.ino} -> ${after.ino})`,
  );
  if (!out.success) console.error(stderr.split("\n").slice(-3).join("\n"));
  if (failures > 0 || !once || ratio > TARGET_FACTOR) Deno.exitCode = 1;
} finally {
  await fake.close();
  await Deno.remove(home, { recursive: true });
}

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

/** The account count, throttled fraction and seed; exits 2 with one sentence if bad. */
function benchOptions(args: string[]): { accounts: number; throttle: number; seed: number } {
  const usage = "usage: populate_bench.ts [--accounts N] [--throttle FRACTION] [--seed N]";
  try {
    const values = parseFlags(args, {
      accounts: { type: "string", default: "1000" },
      throttle: { type: "string", default: "0.1" },
      seed: { type: "string", default: "1" },
    }, usage);
    const accounts = Number(values.accounts);
    const throttle = Number(values.throttle);
    const seed = Number(values.seed);
    if (!Number.isInteger(accounts) || accounts < 1) {
      throw new UsageError(`--accounts must be a whole number above 0; ${usage}.`);
    }
    if (!(throttle >= 0 && throttle < 1)) {
      throw new UsageError(`--throttle must be a number from 0 to below 1; ${usage}.`);
    }
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number; ${usage}.`);
    return { accounts, throttle, seed };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    Deno.exit(error.exitCode);
  }
}

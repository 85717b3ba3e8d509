/**
 * Times `aws-sso-util status` on a cache of 200 logins and 2,000 cached role credentials, run as
 * users run it (`deno run` with the declared permissions), against a one-line Deno script run the
 * same way and interleaved with it. Two configs: the worst case, where a profile names every
 * cached credential (2,000 profiles: every file is read), and 200 profiles (the other 1,800
 * files are never opened). Prints the medians and their ratios to the one-line script; exits 1
 * when a median is above `--max-ms` (default 150).
 *
 *   deno run --allow-read --allow-write --allow-env --allow-run scripts/status_bench.ts [--runs N] [--max-ms MS]
 */
import { parseFlags, UsageError } from "./cli_args.ts";
import { permissionFlags, readPermissionSet } from "./permissions.ts";
import { writeStatusFixture } from "./status_fixture.ts";

const usage = "usage: status_bench.ts [--runs N] [--max-ms MS]";
let runs: number;
let maxMs: number;
try {
  const values = parseFlags(Deno.args, {
    runs: { type: "string", default: "15" },
    "max-ms": { type: "string", default: "150" },
  }, usage);
  [runs, maxMs] = [Number(values.runs), Number(values["max-ms"])];
  if (!Number.isInteger(runs) || runs < 1 || !(maxMs > 0)) {
    throw new UsageError(`--runs must be a positive integer and --max-ms positive; ${usage}.`);
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  Deno.exit(error.exitCode);
}

const repo = new URL("..", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "aws-sso-util-status-bench-" });
try {
  const now = Date.now();
  const homes = { worst: `${dir}/worst`, typical: `${dir}/typical` };
  await writeStatusFixture(homes.worst, { logins: 200, credentials: 2000, now });
  await writeStatusFixture(homes.typical, { logins: 200, credentials: 2000, profiles: 200, now });
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const denoDir = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
  const flags = ["--quiet", "--no-prompt", ...permissionFlags(await readPermissionSet())];
  const oneLiner = `${dir}/one_line.ts`;
  await Deno.writeTextFile(oneLiner, 'console.log("{}");\n');
  const run = async (home: string, script: string[]) => {
    const started = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, ...script],
      env: { HOME: home, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
      clearEnv: true,
      stderr: "inherit",
    }).output();
    const ms = performance.now() - started;
    if (!out.success) throw new Error(`${script.join(" ")} exited with ${out.code}`);
    return { ms, stdout: new TextDecoder().decode(out.stdout) };
  };
  const status = (...extra: string[]) => [`${repo}main.ts`, "status", ...extra];
  const cases: [string, string, string[]][] = [
    ["one-line script", homes.worst, [oneLiner]],
    ["status, 2,000 profiles", homes.worst, status()],
    ["status --json, 2,000 profiles", homes.worst, status("--json")],
    ["status, 200 profiles", homes.typical, status()],
  ];
  for (const [home, expected] of [[homes.worst, 2000], [homes.typical, 200]] as const) {
    const { logins } = JSON.parse((await run(home, status("--json"))).stdout);
    const credentials = logins.reduce(
      (n: number, l: { credentials: unknown[] }) => n + l.credentials.length,
      0,
    );
    if (logins.length !== 200 || credentials !== expected) {
      throw new Error(`status saw ${logins.length} logins, ${credentials} credentials`);
    }
  }
  for (const [, home, script] of cases) await run(home, script); // warm-up
  const times: number[][] = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [n, [, home, script]] of cases.entries()) {
      times[n].push((await run(home, script)).ms);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const baseline = median(times[0]);
  console.log(`200 logins, 2,000 cached role credentials; ${runs} interleaved runs each`);
  for (const [n, [name]] of cases.entries()) {
    const m = median(times[n]);
    console.log(
      `${name.padEnd(30)} median ${m.toFixed(1).padStart(6)} ms (min ${
        Math.min(...times[n]).toFixed(1)
      }), ${(m / baseline).toFixed(2)}x the one-line script`,
    );
    if (n > 0 && m > maxMs) {
      console.error(`${name} took ${m.toFixed(1)} ms, above ${maxMs} ms.`);
      Deno.exitCode = 1;
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

/**
 * `deno task bench`: times `credential-process` on a cache hit against a one-line Deno script,
 * both run the same way (`deno run` with the declared permissions) and interleaved in one run,
 * then prints the median wall times, their ratio and the peak memory (RSS) of each.
 *
 *   deno task bench [--runs N] [--max-ratio R]
 *
 * `--max-ratio` makes the script exit 1 when the ratio is above R (the target is 1.5).
 */
import { permissionFlags, readPermissionSet } from "./permissions.ts";

const args = Deno.args;
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option("--runs") ?? 30);
const maxRatio = option("--max-ratio") ? Number(option("--max-ratio")) : undefined;

const repo = new URL("..", import.meta.url).pathname;
const home = await Deno.makeTempDir({ prefix: "aws-sso-util-bench-" });
try {
  await setUpCacheHit(home);
  const oneLiner = `${home}/one_line.ts`;
  await Deno.writeTextFile(oneLiner, 'console.log("{}");\n');
  const flags = ["--quiet", "--no-prompt", ...permissionFlags(await readPermissionSet())];
  const env = { HOME: home, DENO_DIR: await denoDir() };
  const baseline = ["run", ...flags, oneLiner];
  const candidate = ["run", ...flags, `${repo}main.ts`, "credential-process", "--profile", "bench"];

  // Warm up both (module graph and transpile caches).
  await timeRun(baseline, env);
  const check = await timeRun(candidate, env);
  if (!check.stdout.includes('"Version":1')) throw new Error(`unexpected output: ${check.stdout}`);

  const base: number[] = [];
  const cand: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push((await timeRun(baseline, env)).ms);
    cand.push((await timeRun(candidate, env)).ms);
  }
  const [baseMem, candMem] = [await peakRss(baseline, env), await peakRss(candidate, env)];
  const ratio = median(cand) / median(base);
  const mib = (
    kb: number | undefined,
  ) => (kb === undefined ? "n/a" : `${(kb / 1024).toFixed(1)} MiB`);
  console.log(`runs: ${runs} each, interleaved`);
  console.log(
    `one-line script:           median ${median(base).toFixed(1)} ms, peak RSS ${mib(baseMem)}`,
  );
  console.log(
    `credential-process (hit):  median ${median(cand).toFixed(1)} ms, peak RSS ${mib(candMem)}`,
  );
  console.log(`ratio: ${ratio.toFixed(2)}x (target <= 1.5x)`);
  if (maxRatio !== undefined && ratio > maxRatio) {
    console.error(
      `The cache-hit path is ${ratio.toFixed(2)}x the one-line script, above ${maxRatio}x.`,
    );
    Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(home, { recursive: true });
}

/** A config profile and cached role credentials valid for a day, under the AWS CLI's key. */
async function setUpCacheHit(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/.aws/cli/cache`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    "[profile bench]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n" +
      "sso_account_id = 123456789012\nsso_role_name = MyRole\n",
  );
  const expiration = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.writeTextFile(
    `${dir}/.aws/cli/cache/ea357e91e3d9b7ecbf87886287e7975645602097.json`,
    JSON.stringify({
      ProviderType: "sso",
      Credentials: {
        AccessKeyId: "ASIABENCH",
        SecretAccessKey: "secret",
        SessionToken: "token",
        Expiration: expiration,
        AccountId: "123456789012",
      },
    }),
  );
}

async function timeRun(
  argv: string[],
  env: Record<string, string>,
): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args: argv, env, stderr: "inherit" })
    .output();
  const ms = performance.now() - started;
  if (!out.success) throw new Error(`${argv.join(" ")} exited with ${out.code}`);
  return { ms, stdout: new TextDecoder().decode(out.stdout) };
}

/** Peak RSS in KiB via GNU time, when it is installed. */
async function peakRss(argv: string[], env: Record<string, string>): Promise<number | undefined> {
  try {
    const out = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", Deno.execPath(), ...argv],
      env,
    }).output();
    const lines = new TextDecoder().decode(out.stderr).trim().split("\n");
    const kb = Number(lines.at(-1));
    return Number.isFinite(kb) ? kb : undefined;
  } catch {
    return undefined;
  }
}

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

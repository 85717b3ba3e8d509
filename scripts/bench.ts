/**
 * `deno task bench`: times `credential-process` against a one-line Deno script, all run the same
 * way (`deno run` with the declared permissions) and interleaved in one run, then prints the
 * median wall times, their ratios and the peak memory (RSS) of each. Two paths are measured:
 * - the cache hit (cached role credentials with hours left: no network, nothing loaded lazily);
 * - the cold path (no cached role credentials: one GetRoleCredentials call to a loopback server
 *   standing in for the SSO portal, with a valid SSO token in the cache).
 *
 *   deno task bench [--runs N] [--max-ratio R] [--max-cold-ratio R]
 *
 * `--max-ratio` / `--max-cold-ratio` make the script exit 1 when a ratio is above R (the targets
 * are 1.5 and 4).
 */
import { roleCredentialCacheKey, tokenCacheKey } from "../src/cache/cache_keys.ts";
import { parseFlags, UsageError } from "./cli_args.ts";
import { permissionFlags, readPermissionSet } from "./permissions.ts";

const { runs, maxRatio, maxColdRatio } = benchOptions(Deno.args);
const START_URL = "https://example.awsapps.com/start";
const ROLE = { accountId: "123456789012", roleName: "MyRole", startUrl: START_URL };

const repo = new URL("..", import.meta.url).pathname;
const home = await Deno.makeTempDir({ prefix: "aws-sso-util-bench-" });
const portal = servePortal();
try {
  await setUpCacheHit(home);
  const coldHome = await Deno.makeTempDir({ dir: home, prefix: "cold-" });
  await setUpColdPath(coldHome);
  const coldCredentials = `${coldHome}/.aws/cli/cache/${await roleCredentialCacheKey(ROLE)}.json`;
  const oneLiner = `${home}/one_line.ts`;
  await Deno.writeTextFile(oneLiner, 'console.log("{}");\n');
  const flags = ["--quiet", "--no-prompt", ...permissionFlags(await readPermissionSet())];
  const env = { HOME: home, DENO_DIR: await denoDir() };
  const baseline = ["run", ...flags, oneLiner];
  const candidate = ["run", ...flags, `${repo}main.ts`, "credential-process", "--profile", "bench"];
  const coldEnv = {
    ...env,
    HOME: coldHome,
    AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${portal.addr.port}`,
  };
  const cold = async () => {
    await Deno.remove(coldCredentials).catch(() => {});
    return await timeRun(candidate, coldEnv);
  };

  // Warm up all three (module graph and transpile caches).
  await timeRun(baseline, env);
  for (const check of [await timeRun(candidate, env), await cold()]) {
    if (!check.stdout.includes('"Version":1')) {
      throw new Error(`unexpected output: ${check.stdout}`);
    }
  }

  const base: number[] = [];
  const cand: number[] = [];
  const coldRuns: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push((await timeRun(baseline, env)).ms);
    cand.push((await timeRun(candidate, env)).ms);
    coldRuns.push((await cold()).ms);
  }
  const [baseMem, candMem] = [await peakRss(baseline, env), await peakRss(candidate, env)];
  const ratio = median(cand) / median(base);
  const coldRatio = median(coldRuns) / median(base);
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
  console.log(`credential-process (cold): median ${median(coldRuns).toFixed(1)} ms`);
  console.log(`ratio (hit):  ${ratio.toFixed(2)}x (target <= 1.5x)`);
  console.log(`ratio (cold): ${coldRatio.toFixed(2)}x (target <= 4x)`);
  for (
    const [name, value, max] of [["cache-hit", ratio, maxRatio], [
      "cold",
      coldRatio,
      maxColdRatio,
    ]] as const
  ) {
    if (max !== undefined && value > max) {
      console.error(`The ${name} path is ${value.toFixed(2)}x the one-line script, above ${max}x.`);
      Deno.exitCode = 1;
    }
  }
} finally {
  await portal.shutdown();
  await Deno.remove(home, { recursive: true });
}

/** Stands in for the SSO portal: answers GetRoleCredentials with credentials valid for a day. */
function servePortal(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname !== "/federation/credentials") {
      return new Response("{}", { status: 404 });
    }
    return Response.json({
      roleCredentials: {
        accessKeyId: "ASIACOLD",
        secretAccessKey: "secret",
        sessionToken: "token",
        expiration: Date.now() + 86_400_000,
      },
    });
  });
}

/** The bench profile with a valid SSO token cached and no cached role credentials. */
async function setUpColdPath(dir: string): Promise<void> {
  await setUpCacheHit(dir);
  await Deno.remove(`${dir}/.aws/cli/cache`, { recursive: true });
  await Deno.mkdir(`${dir}/.aws/sso/cache`, { recursive: true });
  const expiresAt = new Date(Date.now() + 8 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.writeTextFile(
    `${dir}/.aws/sso/cache/${await tokenCacheKey({ startUrl: START_URL })}.json`,
    JSON.stringify({ startUrl: START_URL, region: "us-east-1", accessToken: "tok", expiresAt }),
  );
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

/** The run count and ratio limits from the command line; exits 2 with one sentence if bad. */
function benchOptions(args: string[]): {
  runs: number;
  maxRatio?: number;
  maxColdRatio?: number;
} {
  const usage = "usage: bench.ts [--runs N] [--max-ratio R] [--max-cold-ratio R]";
  try {
    const values = parseFlags(args, {
      runs: { type: "string", default: "30" },
      "max-ratio": { type: "string" },
      "max-cold-ratio": { type: "string" },
    }, usage);
    const number = (flag: string, text: string | undefined, integer: boolean) => {
      if (text === undefined) return undefined;
      const value = Number(text);
      if (!(value > 0) || (integer && !Number.isInteger(value))) {
        const kind = integer ? "a whole number" : "a number";
        throw new UsageError(`--${flag} must be ${kind} above 0, not "${text}"; ${usage}.`);
      }
      return value;
    };
    return {
      runs: number("runs", values.runs, true)!,
      maxRatio: number("max-ratio", values["max-ratio"], false),
      maxColdRatio: number("max-cold-ratio", values["max-cold-ratio"], false),
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    Deno.exit(error.exitCode);
  }
}

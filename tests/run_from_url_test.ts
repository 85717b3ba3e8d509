/**
 * `deno run <url>/main.ts` in an empty directory, with no deno.json, no lockfile and only explicit
 * flags. The child gets an empty Deno cache of its own, so it resolves its npm packages from the
 * registry itself (through this machine's trust and proxy settings) whatever this machine's
 * cache holds: the only test that does not take npm resolution from deno.lock.
 */
import { assertEquals, assertMatch } from "./assert.ts";
import { childNetworkEnv } from "./child_env.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import {
  cliToken,
  declaredPermissionFlags,
  LEGACY_PROFILE,
  parseCredentialOutput,
  REPO_DIR,
  TempHome,
} from "./helpers.ts";

/** Serves the repository's files over HTTP on 127.0.0.1, like raw.githubusercontent.com. */
function serveRepository(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(`${REPO_DIR}${path}`);
      return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

/** A new, empty DENO_DIR; removed by `[Symbol.asyncDispose]`. */
async function emptyDenoDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "aws-sso-util-deno-dir-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

async function runFromUrl(
  url: string,
  args: string[],
  home: TempHome,
  denoDir: string,
  env: Record<string, string> = {},
) {
  const cwd = await Deno.makeTempDir({ prefix: "aws-sso-util-empty-" });
  try {
    const host = new URL(url).host;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--reload=" + new URL(url).origin,
        `--allow-import=${host}`,
        ...await declaredPermissionFlags(),
        url,
        ...args,
      ],
      cwd,
      clearEnv: true,
      env: {
        ...childNetworkEnv(),
        HOME: home.dir,
        PATH: Deno.env.get("PATH") ?? "",
        DENO_DIR: denoDir,
        ...env,
      },
    }).output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("main.ts run from a URL without deno.json prints help and credentials", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await using server = serveRepository();
  const url = `http://127.0.0.1:${server.addr.port}/main.ts`;
  await using denoDir = await emptyDenoDir();

  const help = await runFromUrl(url, ["--help"], home, denoDir.path);
  assertEquals(help.stderr, "");
  assertEquals(help.code, 0);
  assertMatch(help.stdout, /^Usage: aws-sso-util/);
  assertMatch(help.stdout, /credential-process/);

  await home.writeConfig(LEGACY_PROFILE);
  fake.addAccessToken("at-url");
  await home.writeToken({}, cliToken("at-url", 3_600_000));
  const result = await runFromUrl(
    url,
    ["credential-process", "--profile", "legacy"],
    home,
    denoDir.path,
    {
      AWS_ENDPOINT_URL_SSO: fake.url,
    },
  );
  assertEquals(result.stderr, "");
  assertEquals(result.code, 0);
  assertEquals(
    parseCredentialOutput(result.stdout).AccessKeyId,
    fake.issuedCredentials[0].accessKeyId,
  );
});

/**
 * The CLI on a real network, run as a subprocess: the fake Identity Center serves HTTPS with a
 * certificate from a CA the tests generate, and the CLI reaches it through a CONNECT proxy
 * (`HTTPS_PROXY`) under the **default AWS host names** (no endpoint override): the proxy tunnels
 * every `*.amazonaws.com:443` to the fake. The CA is given each way the tool honours:
 * `NODE_EXTRA_CA_CERTS`, `AWS_CA_BUNDLE`, the profile's `ca_bundle` and `DENO_CERT`.
 *
 * On Linux the proxy listens on 127.0.0.2, which is not on the CLI's `--allow-net` list.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { ConnectProxy, PROXY_HOST } from "./connect_proxy.ts";
import { DEVICE_CODE_GRANT, FakeIdentityCenter } from "./fake_server.ts";
import { FakeSts } from "./fake/sts.ts";
import {
  ACCOUNT_ID,
  cliToken,
  declaredPermissionFlags,
  LEGACY_PROFILE,
  MAIN,
  parseCredentialOutput,
  POSIX,
  realDenoDir,
  REPO_DIR,
  ROLE,
  runCli,
  type RunOptions,
  SESSION_PROFILE,
  START_URL,
  TempHome,
} from "./helpers.ts";
import {
  missingTools,
  NO_OPENSSL,
  serverDnsNames,
  skipNotice,
  TLS_VARIANTS,
  type TlsFixture,
  tlsFixture,
} from "./tls_fixture.ts";
import { resolveEndpoint } from "../src/config/endpoints.ts";

const HOUR = 3_600_000;

/** The browser of the PKCE test loads the sign-in page with curl. */
const NO_CURL = await missingTools("curl");
skipNotice("real_network_test.ts", "every test (the TLS fake needs a generated CA)", NO_OPENSSL);
skipNotice("real_network_test.ts", "the PKCE login through the proxy", NO_CURL);
const PORTAL = "portal.sso.us-east-1.amazonaws.com";
const OIDC = "oidc.us-east-1.amazonaws.com";
/**
 * Whether the proxy listens on 127.0.0.2, outside the CLI's `--allow-net` list (on Linux, when
 * the test run may listen there); else it shares 127.0.0.1 with the fake.
 */
const PROXY_OFF_ALLOW_LIST = PROXY_HOST === "127.0.0.2";

/** The ways to trust the test CA. */
type CaWay = "NODE_EXTRA_CA_CERTS" | "AWS_CA_BUNDLE" | "ca_bundle" | "DENO_CERT";
const CA_WAYS: readonly CaWay[] = [
  "NODE_EXTRA_CA_CERTS",
  "AWS_CA_BUNDLE",
  "ca_bundle",
  "DENO_CERT",
];

/** A TLS fake, a proxy in front of it and a temp home; all closed by `await using`. */
class Network implements AsyncDisposable {
  private constructor(
    readonly tls: TlsFixture,
    readonly fake: FakeIdentityCenter,
    readonly sts: FakeSts,
    readonly proxy: ConnectProxy,
    readonly home: TempHome,
  ) {}

  static async create(
    proxyCredentials?: { username: string; password: string },
  ): Promise<Network> {
    const tls = await tlsFixture();
    const fake = await FakeIdentityCenter.start({}, tls);
    const sts = await FakeSts.start({ identityCenter: fake }, tls);
    // STS's host names (those the certificate covers) go to the fake STS, the others to the fake.
    const stsPort = Number(new URL(sts.url).port);
    const hostPorts = Object.fromEntries(
      serverDnsNames().filter((n) => /^sts[.-]/.test(n)).map((n) => [n, stsPort]),
    );
    const proxy = await ConnectProxy.start({
      upstreamPort: Number(new URL(fake.url).port),
      hostPorts,
      credentials: proxyCredentials,
    });
    return new Network(tls, fake, sts, proxy, await TempHome.create());
  }

  /** Config text plus `ca_bundle = <test CA>` in every profile section when `way` says so. */
  config(text: string, way?: CaWay): string {
    if (way !== "ca_bundle") return text;
    return text.replace(/^(\[profile [^\]]+\]\n)/gm, `$1ca_bundle = ${this.tls.caPem}\n`);
  }

  /** The child's environment on top of runCli's: the proxy and the CA given `way`. */
  env(way: CaWay | undefined, extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {
      HTTPS_PROXY: this.proxy.url,
      // Deno's own update check would go through the proxy too (to dl.deno.land).
      DENO_NO_UPDATE_CHECK: "1",
    };
    if (way === "NODE_EXTRA_CA_CERTS") env.NODE_EXTRA_CA_CERTS = this.tls.caPem;
    if (way === "AWS_CA_BUNDLE") env.AWS_CA_BUNDLE = this.tls.bundle;
    if (way === "DENO_CERT") env.DENO_CERT = this.tls.caPem;
    return { ...env, ...extra };
  }

  run(args: string[], way: CaWay | undefined, options: Partial<RunOptions> = {}) {
    // Only what the test sets: none of this machine's CA bundles or proxies. Deno's fetch
    // reads proxies and CAs from its process's environment, so each run is a process of its own.
    return runCli(args, {
      ...options,
      home: this.home,
      env: this.env(way, options.env),
      machineNetworkEnv: false,
      subprocess: true,
    });
  }

  /** The distinct hosts the proxy was asked to CONNECT to, sorted. */
  connectedHosts(): string[] {
    return [...new Set(this.proxy.connectTargets())].sort();
  }

  /** A client of the test process that trusts the test CA (to seed the fake directly). */
  async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    using client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(this.tls.caPem)] });
    const response = await fetch(`${this.fake.url}${path}`, {
      client,
      method: "POST",
      body: JSON.stringify(body),
    });
    return await response.json();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.proxy.close();
    await this.sts.close();
    await this.fake.close();
    await this.home[Symbol.asyncDispose]();
  }
}

/** Registers a scoped client and completes a device login on the fake: a refreshable token. */
async function seedSessionToken(net: Network, validMs: number): Promise<Record<string, string>> {
  const reg = await net.post("/client/register", {
    clientName: "test",
    clientType: "public",
    scopes: ["sso:account:access"],
  });
  const dev = await net.post("/device_authorization", {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    startUrl: START_URL,
  });
  net.fake.approveDevice(dev.userCode as string);
  const tok = await net.post("/token", {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    grantType: DEVICE_CODE_GRANT,
    deviceCode: dev.deviceCode,
  });
  const seed = {
    clientId: reg.clientId as string,
    clientSecret: reg.clientSecret as string,
    accessToken: tok.accessToken as string,
    refreshToken: tok.refreshToken as string,
    registrationExpiresAt: new Date((reg.clientSecretExpiresAt as number) * 1000).toISOString()
      .replace(/\.\d{3}Z$/, "Z"),
  };
  await net.home.writeToken({ sessionName: "my-sso" }, {
    ...cliToken(seed.accessToken, validMs),
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    registrationExpiresAt: seed.registrationExpiresAt,
    refreshToken: seed.refreshToken,
  });
  return seed;
}

/** Acts as the user: approves the first device authorization once it has been polled. */
async function approveFirstDevice(fake: FakeIdentityCenter, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const device = fake.deviceAuthorizations[0];
    if (device && device.polls >= 1) {
      fake.approveDevice(device.userCode);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A fake `xdg-open` that loads the URL with curl through the proxy, trusting the test CA, as a
 * browser on this network would (the loopback redirect goes direct); returns its directory.
 */
async function proxiedBrowser(net: Network): Promise<string> {
  const dir = `${net.home.dir}/bin`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/xdg-open`,
    `#!/bin/sh\necho "$1" >> "${dir}/opened.txt"\n` +
      `exec curl -sSL --max-time 60 --cacert "${net.tls.caPem}" --proxy "${net.proxy.url}" ` +
      `--noproxy 127.0.0.1,localhost -o /dev/null "$1"\n`,
  );
  await Deno.chmod(`${dir}/xdg-open`, 0o755);
  return dir;
}

for (const way of CA_WAYS) {
  Deno.test(
    `credential-process reaches the default host names through HTTPS_PROXY with the CA in ${way}`,
    { ignore: NO_OPENSSL !== undefined },
    async () => {
      await using net = await Network.create();
      await net.home.writeConfig(net.config(LEGACY_PROFILE, way));
      net.fake.addAccessToken("at-legacy");
      await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));

      const r = await net.run(["credential-process", "--profile", "legacy"], way);
      assertEquals(r.stderr, "");
      assertEquals(r.code, 0);
      const out = parseCredentialOutput(r.stdout);
      assertEquals(out.AccessKeyId, net.fake.issuedCredentials[0].accessKeyId);
      assertEquals(out.AccountId, ACCOUNT_ID);
      assertEquals(net.connectedHosts(), [`${PORTAL}:443`]);
      // The CLI may not connect to the proxy's own address: the proxy host needs no permission.
      const netFlag = (await declaredPermissionFlags()).find((f) => f.startsWith("--allow-net="));
      assert(netFlag !== undefined);
      const allowed = netFlag.slice("--allow-net=".length).split(",");
      assertEquals(allowed.includes(net.proxy.hostname), !PROXY_OFF_ALLOW_LIST);
      const request = net.fake.requests.find((q) => q.op === "GetRoleCredentials")!;
      assertEquals(request.headers.host, PORTAL);
      assertEquals(request.query, { account_id: ACCOUNT_ID, role_name: ROLE });
    },
  );

  Deno.test(
    `credential-process refreshes an expired sso-session token through HTTPS_PROXY with the CA in ${way}`,
    { ignore: NO_OPENSSL !== undefined },
    async () => {
      await using net = await Network.create();
      await net.home.writeConfig(net.config(SESSION_PROFILE, way));
      const seed = await seedSessionToken(net, -HOUR);

      const r = await net.run(["credential-process", "--profile", "dev"], way);
      assertEquals(r.stderr, "");
      assertEquals(r.code, 0);
      const refresh = net.fake.requests.filter((q) => q.op === "CreateToken").at(-1)!;
      assertEquals((refresh.body as Record<string, unknown>).grantType, "refresh_token");
      assertEquals((refresh.body as Record<string, unknown>).refreshToken, seed.refreshToken);
      assertEquals(refresh.headers.host, OIDC);
      const newAccess = net.fake.issuedAccessTokens().at(-1)!;
      assertEquals((await net.home.readToken({ sessionName: "my-sso" })).accessToken, newAccess);
      const portal = net.fake.requests.find((q) => q.op === "GetRoleCredentials")!;
      assertEquals(portal.headers["x-amz-sso_bearer_token"], newAccess);
      assertEquals(portal.headers.host, PORTAL);
      assertEquals(
        parseCredentialOutput(r.stdout).AccessKeyId,
        net.fake.issuedCredentials[0].accessKeyId,
      );
      assertEquals(net.connectedHosts(), [`${OIDC}:443`, `${PORTAL}:443`]);
    },
  );
}

Deno.test(
  "login signs in with the device code flow through HTTPS_PROXY with the CA in AWS_CA_BUNDLE",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    await using net = await Network.create();
    await net.home.writeConfig(LEGACY_PROFILE);
    const [r] = await Promise.all([
      net.run(["login", "--profile", "legacy", "--headless"], "AWS_CA_BUNDLE"),
      approveFirstDevice(net.fake),
    ]);
    assertEquals(r.code, 0, r.stderr);
    const device = net.fake.deviceAuthorizations[0];
    assert(r.stderr.includes(`code: ${device.userCode}`), r.stderr);
    assertMatch(r.stderr, /Login succeeded/);
    assertEquals((await net.home.readToken({})).accessToken, net.fake.issuedAccessTokens()[0]);
    assertEquals(net.connectedHosts(), [`${OIDC}:443`]);
    assert(net.fake.requests.every((q) => q.headers.host === OIDC));
  },
);

Deno.test(
  "login completes the PKCE flow through HTTPS_PROXY with the CA in the profile's ca_bundle",
  {
    ignore: !POSIX || NO_OPENSSL !== undefined || NO_CURL !== undefined,
  },
  async () => {
    await using net = await Network.create();
    await net.home.writeConfig(net.config(SESSION_PROFILE, "ca_bundle"));
    const bin = await proxiedBrowser(net);
    const r = await net.run(["login", "--profile", "dev"], "ca_bundle", {
      env: {
        PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
        DISPLAY: ":99",
        BROWSER: "xdg-open",
      },
    });
    assertEquals(r.code, 0, r.stderr);
    const opened = await Deno.readTextFile(`${bin}/opened.txt`);
    assertMatch(opened, new RegExp(`^https://${OIDC.replaceAll(".", "\\.")}/authorize\\?`));
    assertEquals(net.fake.authorizationCodes.length, 1);
    assert(net.fake.authorizationCodes[0].used);
    const token = await net.home.readToken({ sessionName: "my-sso" });
    assertEquals(token.accessToken, net.fake.issuedAccessTokens()[0]);
    assert(typeof token.refreshToken === "string");
    // The CLI and the browser both went through the proxy to the OIDC host name.
    assertEquals(net.connectedHosts(), [`${OIDC}:443`]);
    assert(net.fake.requests.every((q) => q.headers.host === OIDC));
  },
);

Deno.test("logout calls Logout through HTTPS_PROXY with the CA in NODE_EXTRA_CA_CERTS", {
  ignore: NO_OPENSSL !== undefined,
}, async () => {
  await using net = await Network.create();
  await net.home.writeConfig(LEGACY_PROFILE);
  net.fake.addAccessToken("at-legacy");
  const tokenPath = await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const r = await net.run(["logout"], "NODE_EXTRA_CA_CERTS");
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stderr, /^Logged out of /);
  assertEquals(net.fake.calls.Logout, 1, r.stderr + JSON.stringify(net.proxy.log));
  assert(!net.fake.isAccessTokenValid("at-legacy"), "the server-side session ended");
  assertEquals(await Deno.stat(tokenPath).then(() => true, () => false), false);
  assertEquals(net.connectedHosts(), [`${PORTAL}:443`]);
});

Deno.test("roles lists accounts through HTTPS_PROXY with the CA in DENO_CERT", {
  ignore: NO_OPENSSL !== undefined,
}, async () => {
  await using net = await Network.create();
  await net.home.writeConfig(LEGACY_PROFILE);
  net.fake.addAccessToken("at-roles");
  await net.home.writeToken({}, cliToken("at-roles", 8 * HOUR));
  const r = await net.run(["roles", "--no-header", "--separator", ","], "DENO_CERT");
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(r.stdout, `Main,${ACCOUNT_ID},${ROLE}\n`);
  assertEquals(net.connectedHosts(), [`${PORTAL}:443`]);
  assert(net.fake.calls.ListAccounts >= 1 && net.fake.calls.ListAccountRoles >= 1);
});

Deno.test("credential-process honours the lower-case https_proxy as botocore does", {
  ignore: NO_OPENSSL !== undefined,
}, async () => {
  await using net = await Network.create();
  await net.home.writeConfig(LEGACY_PROFILE);
  net.fake.addAccessToken("at-legacy");
  await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const env = net.env("NODE_EXTRA_CA_CERTS");
  const { HTTPS_PROXY: proxyUrl, ...withoutUpperCase } = env;
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home: net.home,
    env: { ...withoutUpperCase, https_proxy: proxyUrl },
    machineNetworkEnv: false,
    subprocess: true,
  });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(net.connectedHosts(), [`${PORTAL}:443`]);
});

Deno.test("credential-process sends the proxy URL's credentials as Proxy-Authorization", {
  ignore: NO_OPENSSL !== undefined,
}, async () => {
  await using net = await Network.create({ username: "user", password: "p@ss" });
  await net.home.writeConfig(LEGACY_PROFILE);
  net.fake.addAccessToken("at-legacy");
  await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const proxyUrl = `http://user:p%40ss@${net.proxy.hostname}:${net.proxy.port}`;
  const r = await net.run(["credential-process", "--profile", "legacy"], "NODE_EXTRA_CA_CERTS", {
    env: { HTTPS_PROXY: proxyUrl },
  });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(parseCredentialOutput(r.stdout).AccountId, ACCOUNT_ID);
  assert(net.proxy.log.length >= 1);
  for (const entry of net.proxy.log) {
    assertEquals(entry.proxyAuthorization, `Basic ${btoa("user:p@ss")}`);
    assertEquals(entry.status, 200);
  }
});

Deno.test(
  "credential-process goes direct when NO_PROXY names amazonaws.com, and says it cannot connect",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    await using net = await Network.create();
    // A region whose host names exist nowhere, so going direct fails on any machine.
    const region = "eu-test-9";
    await net.home.writeConfig(
      LEGACY_PROFILE.replace("sso_region = us-east-1", `sso_region = ${region}`),
    );
    net.fake.addAccessToken("at-legacy");
    await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR, { region }));

    // Through the proxy, that region works: only NO_PROXY changes.
    const proxied = await net.run(
      ["credential-process", "--profile", "legacy"],
      "NODE_EXTRA_CA_CERTS",
    );
    assertEquals(proxied.stderr, "");
    assertEquals(proxied.code, 0);
    assertEquals(net.connectedHosts(), [`portal.sso.${region}.amazonaws.com:443`]);

    await Deno.remove(net.home.cliCacheDir, { recursive: true });
    const before = net.proxy.log.length;
    const direct = await net.run(
      ["credential-process", "--profile", "legacy"],
      "NODE_EXTRA_CA_CERTS",
      // One attempt: the legacy retries would only add their real backoff (7 s on average).
      { env: { NO_PROXY: "amazonaws.com", AWS_MAX_ATTEMPTS: "1" } },
    );
    assertEquals(direct.code, 4, direct.stderr);
    assertEquals(direct.stdout, "");
    assertMatch(direct.stderr, /^[^\n]+\n$/, "one line");
    assert(direct.stderr.includes(`portal.sso.${region}.amazonaws.com`), direct.stderr);
    assert(!/\bat .*\.ts:\d+/.test(direct.stderr), "no stack trace");
    assertEquals(net.proxy.log.length, before, "the proxy was bypassed");
    assert(direct.ms < 15_000, `gave up after ${direct.ms} ms`);
  },
);

Deno.test("credential-process exits 4 naming the host when its certificate is not trusted", {
  ignore: NO_OPENSSL !== undefined,
}, async () => {
  await using net = await Network.create();
  await net.home.writeConfig(LEGACY_PROFILE);
  net.fake.addAccessToken("at-legacy");
  await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));

  // No CA given at all (this machine's CA variables are blanked too).
  const r = await net.run(["credential-process", "--profile", "legacy"], undefined);
  assertEquals(r.code, 4, r.stderr);
  assertEquals(r.stdout, "");
  assertMatch(r.stderr, /^[^\n]+\n$/, "one line");
  assert(r.stderr.includes(PORTAL), r.stderr);
  assertMatch(r.stderr, /certificate/i);
  assertMatch(r.stderr, /not trusted/i);
  assert(r.stderr.includes("AWS_CA_BUNDLE") && r.stderr.includes("ca_bundle"), r.stderr);
  assertEquals(net.connectedHosts(), [`${PORTAL}:443`]);
  assertEquals(net.fake.calls.GetRoleCredentials, 0);

  // An AWS_CA_BUNDLE with only an unrelated CA: the message names that bundle.
  const other = await net.run(["credential-process", "--profile", "legacy"], undefined, {
    env: { AWS_CA_BUNDLE: net.tls.otherCaPem },
  });
  assertEquals(other.code, 4, other.stderr);
  assertMatch(other.stderr, /^[^\n]+\n$/, "one line");
  assert(other.stderr.includes(PORTAL), other.stderr);
  assertMatch(other.stderr, /not trusted/i);
  assert(other.stderr.includes(net.tls.otherCaPem), other.stderr);
  assertEquals(net.fake.calls.GetRoleCredentials, 0);
});

Deno.test(
  "credential-process follows FIPS and dual-stack hosts of every partition through HTTPS_PROXY",
  {
    ignore: NO_OPENSSL !== undefined,
  },
  async () => {
    for (const { region, env } of TLS_VARIANTS) {
      await using net = await Network.create();
      // Half the cases set the variant as profile keys (use_fips_endpoint = true), half by env.
      const asKeys = Object.keys(env).length === 1;
      const keys = asKeys
        ? Object.entries(env).map(([k, v]) => `${k.replace(/^AWS_/, "").toLowerCase()} = ${v}\n`)
          .join("")
        : "";
      await net.home.writeConfig(
        LEGACY_PROFILE.replace("sso_region = us-east-1", `sso_region = ${region}`) + keys,
      );
      net.fake.addAccessToken("at-legacy");
      await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
      const r = await net.run(
        ["credential-process", "--profile", "legacy"],
        "AWS_CA_BUNDLE",
        { env: asKeys ? {} : env },
      );
      const label = `${region} ${JSON.stringify(env)}`;
      assertEquals(r.stderr, "", label);
      assertEquals(r.code, 0, label);
      const portal = new URL(resolveEndpoint("sso", region, (n) => env[n]).url).hostname;
      assertEquals(net.connectedHosts(), [`${portal}:443`], label);
      assertEquals(
        net.fake.requests.find((q) => q.op === "GetRoleCredentials")!.headers.host,
        portal,
      );
    }
  },
);

Deno.test(
  "a FIPS token refresh goes to SSO OIDC's FIPS host, then the portal's, through HTTPS_PROXY",
  {
    ignore: NO_OPENSSL !== undefined,
  },
  async () => {
    await using net = await Network.create();
    await net.home.writeConfig(
      SESSION_PROFILE.replace("[profile dev]\n", "[profile dev]\nuse_fips_endpoint = true\n"),
    );
    await seedSessionToken(net, -HOUR);
    const r = await net.run(["credential-process", "--profile", "dev"], "NODE_EXTRA_CA_CERTS");
    assertEquals(r.stderr, "");
    assertEquals(r.code, 0);
    assertEquals(net.connectedHosts(), [
      "oidc-fips.us-east-1.amazonaws.com:443",
      "portal.sso-fips.us-east-1.amazonaws.com:443",
    ]);
  },
);

Deno.test(
  "credential-process of a role profile calls STS by its default host name through HTTPS_PROXY: regional, global, FIPS",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    const cases: { region?: string; env: Record<string, string>; host: string; signed: string }[] =
      [
        { region: "eu-west-1", env: {}, host: "sts.eu-west-1.amazonaws.com", signed: "eu-west-1" },
        { region: undefined, env: {}, host: "sts.amazonaws.com", signed: "us-east-1" },
        {
          region: "us-east-1",
          env: { AWS_USE_FIPS_ENDPOINT: "true" },
          host: "sts-fips.us-east-1.amazonaws.com",
          signed: "us-east-1",
        },
      ];
    for (const { region, env, host, signed } of cases) {
      await using net = await Network.create();
      await net.home.writeConfig(
        `${SESSION_PROFILE}\n[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\n` +
          `source_profile = dev\n${region ? `region = ${region}\n` : ""}`,
      );
      await seedSessionToken(net, 8 * HOUR);
      const r = await net.run(["credential-process", "--profile", "deploy"], "AWS_CA_BUNDLE", {
        env,
      });
      const label = `${host} ${JSON.stringify(env)}`;
      assertEquals([r.code, r.stderr], [0, ""], label);
      assertEquals(parseCredentialOutput(r.stdout).AccessKeyId, net.sts.issued[0].accessKeyId);
      assert(net.connectedHosts().includes(`${host}:443`), `${label}: ${net.connectedHosts()}`);
      const call = net.sts.requests[0];
      assertEquals(call.headers.host, host, label);
      assertMatch(call.headers.authorization, new RegExp(`/${signed}/sts/aws4_request,`), label);
    }
  },
);

Deno.test("a plain-HTTP endpoint is reached directly: HTTP_PROXY never sees its bearer token", async () => {
  await using home = await TempHome.create();
  await using fake = await FakeIdentityCenter.start();
  await using proxy = await ConnectProxy.start({ upstreamPort: Number(new URL(fake.url).port) });
  await home.writeConfig(LEGACY_PROFILE);
  fake.addAccessToken("at-legacy");
  await home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
  const r = await runCli(["credential-process", "--profile", "legacy"], {
    home,
    endpoint: fake.url,
    env: { HTTP_PROXY: proxy.url, http_proxy: proxy.url, ALL_PROXY: proxy.url },
    machineNetworkEnv: false,
    subprocess: true,
  });
  assertEquals(r.stderr, "");
  assertEquals(r.code, 0);
  assertEquals(proxy.log, []);
  assertEquals(fake.calls.GetRoleCredentials, 1);
});

Deno.test(
  "the Quickstart's deno run line names the flag a CA bundle outside ~/.aws needs, and works with it",
  {
    ignore: NO_OPENSSL !== undefined,
  },
  async () => {
    await using net = await Network.create();
    await net.home.writeConfig(LEGACY_PROFILE);
    net.fake.addAccessToken("at-legacy");
    await net.home.writeToken({}, cliToken("at-legacy", 8 * HOUR));
    const readme = await Deno.readTextFile(`${REPO_DIR}/README.md`);
    // The file-access flags of the Quickstart's credential_process line (home written out).
    const quickstart = /credential_process = deno run .*?(--allow-read=\S+ --allow-write=\S+)/
      .exec(readme)?.[1];
    assert(
      quickstart?.includes("/home/me/.aws"),
      `README's credential_process line: ${quickstart}`,
    );
    const narrowFlags = quickstart!.replaceAll("/home/me", "$HOME");
    // What docs/corporate-networks.md says to write: the bundle's path added to --allow-read.
    const files = narrowFlags.replace(/--allow-read=(\S+)/, `--allow-read=$1,${net.tls.bundle}`);
    const others = (await declaredPermissionFlags()).filter((f) =>
      !/^--allow-(read|write)\b/.test(f)
    );
    const run = async (fileFlags: string, extra: string[] = []) => {
      const line = [Deno.execPath(), "run", "--quiet", "--no-prompt", "--cached-only", fileFlags]
        .concat(others.map((f) => `'${f}'`), [
          MAIN,
          "credential-process",
          "--profile",
          "legacy",
          ...extra,
        ]);
      const out = await new Deno.Command("sh", {
        args: ["-c", line.join(" ")],
        clearEnv: true,
        env: {
          ...net.env("AWS_CA_BUNDLE"),
          HOME: net.home.dir,
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          DENO_DIR: await realDenoDir(),
        },
      }).output();
      const text = new TextDecoder();
      return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
    };
    assert(!net.tls.bundle.startsWith(net.home.dir), "the bundle lies outside the home");
    const r = await run(files);
    assertEquals([r.code, r.stderr], [0, ""]);
    assertEquals(
      parseCredentialOutput(r.stdout).AccessKeyId,
      net.fake.issuedCredentials[0].accessKeyId,
    );

    // (--force-refresh: past the role credentials the first run cached.)
    const narrow = await run(narrowFlags, ["--force-refresh"]);
    assertEquals(narrow.code, 2);
    assertEquals(
      narrow.stderr,
      `Deno may not read the CA bundle ${net.tls.bundle} (AWS_CA_BUNDLE): add it to the read permission of the deno run or deno install line, as --allow-read=$HOME/.aws,${net.tls.bundle} (see docs/corporate-networks.md).\n`,
    );
  },
);

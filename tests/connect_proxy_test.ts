/**
 * Tests of the real-network test fixtures: the generated CA and certificate, the fake Identity
 * Center over TLS, and the CONNECT proxy, driven by Deno's own `fetch` (in a child process where
 * the target is a default AWS host name, which this test process may not reach).
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { ConnectProxy, PROXY_HOST } from "./connect_proxy.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { NO_OPENSSL, skipNotice, tlsFixture } from "./tls_fixture.ts";

skipNotice("connect_proxy_test.ts", "the tests over TLS", NO_OPENSSL);

const PORTAL = "portal.sso.us-east-1.amazonaws.com";

/** Runs `fetch(url)` in a child Deno allowed to reach only `url`'s host; returns what it saw. */
async function childFetch(
  url: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `
    try {
      const r = await fetch(${
    JSON.stringify(url)
  }, { headers: { "x-amz-sso_bearer_token": "at" } });
      console.log(r.status + " " + (await r.text()));
    } catch (e) {
      let text = String(e);
      for (let c = e.cause; c; c = c.cause) text += " | " + String(c);
      console.log("ERROR " + text);
    }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--no-config",
      "--cached-only",
      "--quiet",
      // deno eval grants everything unless permissions are given: allow only the target host.
      `--allow-net=${new URL(url).hostname}`,
      script,
    ],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout).trim(),
    stderr: decoder.decode(out.stderr),
  };
}

Deno.test(
  "tlsFixture() makes a server certificate for the default AWS host names, signed by its CA",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    const tls = await tlsFixture();
    const again = await tlsFixture();
    assertEquals(again, tls, "made once per process");
    for (const name of [PORTAL, "oidc.us-east-1.amazonaws.com", "oidc.eu-west-1.amazonaws.com"]) {
      assert(tls.dnsNames.includes(name), name);
    }
    const verify = await new Deno.Command("openssl", {
      args: ["verify", "-CAfile", tls.caPem, `${tls.dir}/server.pem`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(verify.code, 0, new TextDecoder().decode(verify.stderr));
    const other = await new Deno.Command("openssl", {
      args: ["verify", "-CAfile", tls.otherCaPem, `${tls.dir}/server.pem`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(!other.success, "the unrelated CA did not sign it");
    const bundle = await Deno.readTextFile(tls.bundle);
    assertEquals(bundle.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2);
    assertMatch(tls.key, /^-----BEGIN PRIVATE KEY-----/);
  },
);

Deno.test(
  "FakeIdentityCenter.start() serves HTTPS with the test certificate and still drops connections",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    const tls = await tlsFixture();
    await using fake = await FakeIdentityCenter.start({}, tls);
    assertMatch(fake.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    fake.addAccessToken("at");
    const ca = await Deno.readTextFile(tls.caPem);
    // A first request on a fresh connection, so that the client does not retry it elsewhere.
    fake.closeConnectionNext("ListAccounts");
    let dropped: unknown;
    {
      using client = Deno.createHttpClient({ caCerts: [ca] });
      try {
        const r = await fetch(`${fake.url}/assignment/accounts`, {
          client,
          headers: { "x-amz-sso_bearer_token": "at" },
        });
        await r.body?.cancel();
      } catch (e) {
        dropped = e;
      }
    }
    assert(dropped instanceof TypeError, `a network error, got ${dropped}`);
    assertEquals(fake.calls.ListAccounts, 1);

    using client = Deno.createHttpClient({ caCerts: [ca] });
    const ok = await fetch(`${fake.url}/assignment/accounts?max_result=10`, {
      client,
      headers: { "x-amz-sso_bearer_token": "at" },
    });
    assertEquals(ok.status, 200);
    assertEquals((await ok.json()).accountList.length, 1);
    assertEquals(fake.calls.ListAccounts, 2);

    // Without the CA, the certificate is refused.
    let refused: unknown;
    try {
      await (await fetch(`${fake.url}/assignment/accounts`)).body?.cancel();
    } catch (e) {
      refused = e;
    }
    assert(refused instanceof TypeError);
    assertMatch(String((refused as Error).cause ?? refused), /certificate|UnknownIssuer/i);
  },
);

Deno.test(
  "ConnectProxy tunnels HTTPS_PROXY fetches for AWS host names to the TLS fake and logs them",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    const tls = await tlsFixture();
    await using fake = await FakeIdentityCenter.start({}, tls);
    await using proxy = await ConnectProxy.start({ upstreamPort: Number(new URL(fake.url).port) });
    fake.addAccessToken("at");
    assertEquals(proxy.hostname, PROXY_HOST);
    const r = await childFetch(`https://${PORTAL}/assignment/accounts?max_result=10`, {
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: tls.caPem,
    });
    assertMatch(r.stdout, /^200 \{"accountList":\[/, r.stderr);
    assertEquals(proxy.connectTargets(), [`${PORTAL}:443`]);
    assertEquals(proxy.log[0].proxyAuthorization, undefined);
    assertEquals(fake.calls.ListAccounts, 1);
    assertEquals(fake.requests[0].headers.host, PORTAL);
  },
);

Deno.test("ConnectProxy receives the proxy URL's credentials and answers 407 without them", {
  ignore: NO_OPENSSL !== undefined,
}, async () => {
  const tls = await tlsFixture();
  await using fake = await FakeIdentityCenter.start({}, tls);
  await using proxy = await ConnectProxy.start({
    upstreamPort: Number(new URL(fake.url).port),
    credentials: { username: "user", password: "p@ss" },
  });
  fake.addAccessToken("at");
  const url = `https://${PORTAL}/assignment/accounts`;
  const ok = await childFetch(url, {
    HTTPS_PROXY: `http://user:p%40ss@${proxy.hostname}:${proxy.port}`,
    NODE_EXTRA_CA_CERTS: tls.caPem,
  });
  assertMatch(ok.stdout, /^200 /, ok.stderr);
  assertEquals(proxy.log[0].proxyAuthorization, `Basic ${btoa("user:p@ss")}`);
  assertEquals(proxy.log[0].status, 200);

  const denied = await childFetch(url, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: tls.caPem });
  assertMatch(denied.stdout, /^ERROR /);
  assertEquals(proxy.log[1].status, 407);
  assertEquals(fake.calls.ListAccounts, 1);
});

Deno.test(
  "ConnectProxy fetches through it fail on the certificate when the test CA is not trusted",
  { ignore: NO_OPENSSL !== undefined },
  async () => {
    const tls = await tlsFixture();
    await using fake = await FakeIdentityCenter.start({}, tls);
    await using proxy = await ConnectProxy.start({ upstreamPort: Number(new URL(fake.url).port) });
    const r = await childFetch(`https://${PORTAL}/assignment/accounts`, {
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: tls.otherCaPem,
    });
    assertMatch(r.stdout, /^ERROR .*(certificate|UnknownIssuer)/i);
    assertEquals(proxy.connectTargets(), [`${PORTAL}:443`]);
    assertEquals(fake.calls.ListAccounts, 0);
  },
);

Deno.test("ConnectProxy forwards plain-HTTP absolute-form requests", async () => {
  await using fake = await FakeIdentityCenter.start();
  await using proxy = await ConnectProxy.start({ upstreamPort: 1 });
  fake.addAccessToken("at");
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  try {
    const target = `${fake.url}/assignment/accounts`;
    await conn.write(
      new TextEncoder().encode(
        `GET ${target} HTTP/1.1\r\nHost: ${new URL(fake.url).host}\r\n` +
          "x-amz-sso_bearer_token: at\r\nConnection: close\r\n\r\n",
      ),
    );
    let text = "";
    const buf = new Uint8Array(8192);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    assertMatch(text, /^HTTP\/1\.1 200 /);
    assert(text.includes('"accountList"'), text);
    assertEquals(proxy.log.map((e) => [e.method, e.target]), [["GET", target]]);
  } finally {
    conn.close();
  }
});

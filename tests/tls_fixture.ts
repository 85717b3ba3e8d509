/**
 * Throw-away TLS material for tests, made once per test process with `openssl` in a temp dir
 * (removed at unload): a test CA, a server certificate it signs for the default AWS host names
 * the tests use (and `localhost`, `127.0.0.1`), and a second, unrelated CA for the untrusted case.
 *
 * @module
 */

import { resolveEndpoint } from "../src/config/endpoints.ts";

/** Regions whose default SSO portal and SSO OIDC host names the server certificate covers. */
export const TLS_REGIONS: readonly string[] = ["us-east-1", "eu-west-1", "us-west-2", "eu-test-9"];

/** The generated files and the server's PEM text. */
export interface TlsFixture {
  /** Temp dir holding every file below. */
  dir: string;
  /** The test CA that signed the server certificate (PEM file). */
  caPem: string;
  /** A bundle file as corporate ones are: the unrelated CA first, then the test CA. */
  bundle: string;
  /** An unrelated CA that signed nothing the tests serve (PEM file). */
  otherCaPem: string;
  /** The server certificate (PEM text), for `Deno.listenTls` / the fake's TLS mode. */
  cert: string;
  /** The server's private key (PKCS#8 PEM text). */
  key: string;
  /** The DNS names in the server certificate's subjectAltName. */
  dnsNames: string[];
}

/**
 * Why the tests that need `tools` cannot run on this machine ("openssl is not installed"), or
 * undefined when every tool starts. A module whose tests need them skips them with this reason
 * (see {@link skipNotice}); a tool that is there but fails still fails the tests.
 */
export async function missingTools(...tools: string[]): Promise<string | undefined> {
  const missing: string[] = [];
  for (const tool of tools) {
    try {
      await new Deno.Command(tool, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
    } catch {
      missing.push(tool); // not found (or not runnable): its exit code does not matter
    }
  }
  if (missing.length === 0) return undefined;
  return `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not installed`;
}

/** Prints, once per module, which of its tests are skipped and why. */
export function skipNotice(module: string, what: string, reason: string | undefined): void {
  if (reason !== undefined) console.log(`${module}: skipping ${what}: ${reason}.`);
}

/** Why the TLS tests (the generated CA needs `openssl`) are skipped here, or undefined. */
export const NO_OPENSSL: string | undefined = await missingTools("openssl");

let fixture: Promise<TlsFixture> | undefined;
let tempDir: string | undefined;

/** The TLS fixture of this test process (made on first use). */
export function tlsFixture(): Promise<TlsFixture> {
  fixture ??= makeFixture();
  return fixture;
}

/**
 * Endpoint variants the certificate also covers (AWS settings → the region they apply to), so
 * the network tests can follow FIPS and dual-stack hosts of several partitions.
 */
export const TLS_VARIANTS: readonly { region: string; env: Record<string, string> }[] = [
  { region: "us-east-1", env: { AWS_USE_FIPS_ENDPOINT: "true" } },
  { region: "us-east-1", env: { AWS_USE_DUALSTACK_ENDPOINT: "true" } },
  {
    region: "us-east-1",
    env: { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" },
  },
  { region: "us-gov-west-1", env: { AWS_USE_FIPS_ENDPOINT: "true" } },
  { region: "cn-north-1", env: { AWS_USE_DUALSTACK_ENDPOINT: "true" } },
  { region: "eusc-de-east-1", env: { AWS_USE_DUALSTACK_ENDPOINT: "true" } },
];

/** The DNS names the server certificate covers. */
export function serverDnsNames(): string[] {
  const names = ["localhost"];
  for (const region of TLS_REGIONS) {
    names.push(
      `portal.sso.${region}.amazonaws.com`,
      `oidc.${region}.amazonaws.com`,
      `*.sso.${region}.amazonaws.com`,
      `sts.${region}.amazonaws.com`,
    );
  }
  names.push("sts.amazonaws.com");
  for (const { region, env } of TLS_VARIANTS) {
    for (const service of ["sso", "sso-oidc", "sts"] as const) {
      const url = resolveEndpoint(service, region, (name) => env[name]).url;
      names.push(new URL(url).hostname);
    }
  }
  return [...new Set(names)];
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `openssl ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

async function makeCa(dir: string, name: string, subject: string): Promise<void> {
  await openssl(dir, [
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.pem`,
    "-days",
    "3",
    "-subj",
    subject,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

async function makeFixture(): Promise<TlsFixture> {
  const dir = await Deno.makeTempDir({ prefix: "aws-sso-util-tls-" });
  tempDir = dir;
  await makeCa(dir, "ca", "/CN=aws-sso-util test CA");
  await makeCa(dir, "other-ca", "/CN=aws-sso-util unrelated test CA");
  const dnsNames = serverDnsNames();
  const san = [...dnsNames.map((n) => `DNS:${n}`), "IP:127.0.0.1"].join(",");
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    [
      `subjectAltName=${san}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  await openssl(dir, [
    "req",
    "-new",
    ...EC_KEY,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=aws-sso-util test server",
  ]);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-set_serial",
    "0x" +
    [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join(
      "",
    ),
    "-days",
    "2",
    "-extfile",
    "server.ext",
    "-out",
    "server.pem",
  ]);
  const caText = await Deno.readTextFile(`${dir}/ca.pem`);
  const otherText = await Deno.readTextFile(`${dir}/other-ca.pem`);
  await Deno.writeTextFile(`${dir}/bundle.pem`, otherText + caText);
  return {
    dir,
    caPem: `${dir}/ca.pem`,
    bundle: `${dir}/bundle.pem`,
    otherCaPem: `${dir}/other-ca.pem`,
    cert: await Deno.readTextFile(`${dir}/server.pem`),
    key: await Deno.readTextFile(`${dir}/server.key`),
    dnsNames,
  };
}

globalThis.addEventListener("unload", () => {
  if (tempDir === undefined) return;
  try {
    Deno.removeSync(tempDir, { recursive: true });
  } catch { /* already gone */ }
});

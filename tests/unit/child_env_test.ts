import { assertEquals } from "../assert.ts";
import { childNetworkEnv } from "../child_env.ts";

Deno.test("childNetworkEnv() passes trust, proxy and registry variables and nothing else", () => {
  const env = childNetworkEnv({
    NODE_EXTRA_CA_CERTS: "/etc/extra.pem",
    DENO_CERT: "/etc/deno.pem",
    DENO_TLS_CA_STORE: "system",
    SSL_CERT_FILE: "/etc/ssl/cert.pem",
    SSL_CERT_DIR: "/etc/ssl/certs",
    NPM_CONFIG_REGISTRY: "https://npm.example.com/",
    NO_PROXY: "internal.example.com",
    AWS_CA_BUNDLE: "/etc/aws.pem",
    AWS_PROFILE: "dev",
    HOME: "/home/me",
    DENO_DIR: "/home/me/.cache/deno",
    REQUESTS_CA_BUNDLE: "/etc/python.pem",
  });
  assertEquals(env, {
    NODE_EXTRA_CA_CERTS: "/etc/extra.pem",
    DENO_CERT: "/etc/deno.pem",
    DENO_TLS_CA_STORE: "system",
    SSL_CERT_FILE: "/etc/ssl/cert.pem",
    SSL_CERT_DIR: "/etc/ssl/certs",
    NPM_CONFIG_REGISTRY: "https://npm.example.com/",
    NO_PROXY: "internal.example.com",
  });
});

Deno.test("childNetworkEnv() keeps lower-case proxy names and exempts loopback when a proxy is set", () => {
  assertEquals(
    childNetworkEnv({ https_proxy: "http://proxy:3128", no_proxy: "corp.example.com, localhost" }),
    { https_proxy: "http://proxy:3128", no_proxy: "corp.example.com,localhost,127.0.0.1,::1" },
  );
  assertEquals(childNetworkEnv({ HTTP_PROXY: "http://proxy:3128" }), {
    HTTP_PROXY: "http://proxy:3128",
    NO_PROXY: "127.0.0.1,localhost,::1",
  });
});

Deno.test("childNetworkEnv() passes nothing when no network variable is set", () => {
  assertEquals(childNetworkEnv({ PATH: "/usr/bin", AWS_CA_BUNDLE: "/etc/aws.pem" }), {});
});

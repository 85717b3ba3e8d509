/**
 * The part of this process's environment a child Deno needs to reach the network the way this
 * machine does: trust settings, proxies and the npm registry. Tests that spawn with
 * `clearEnv: true` start from this, then add what they control themselves (HOME, DENO_DIR,
 * AWS_* …). Nothing AWS-specific passes through: `AWS_CA_BUNDLE` and friends belong to the tests.
 */

/** Names (compared upper-cased: Windows names are case-insensitive) passed through when set. */
const NETWORK_VARIABLES: ReadonlySet<string> = new Set([
  // Certificate authorities Deno adds or uses.
  "NODE_EXTRA_CA_CERTS",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  // Proxies (Deno honours both spellings).
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "ALL_PROXY",
  "NO_PROXY",
  // Where npm packages come from.
  "NPM_CONFIG_REGISTRY",
  "DENO_AUTH_TOKENS",
  // Windows sockets and TLS do not work in a child without it.
  "SYSTEMROOT",
]);

const PROXY_VARIABLES = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"];
const LOOPBACK = ["127.0.0.1", "localhost", "::1"];

/**
 * The network variables that are set here, by their own names (so `https_proxy` stays
 * lower-case). When a proxy is configured, the loopback hosts are added to `NO_PROXY` so the
 * child still reaches the tests' fake servers on 127.0.0.1 directly.
 */
export function childNetworkEnv(
  from: Record<string, string> = Deno.env.toObject(),
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (NETWORK_VARIABLES.has(name.toUpperCase())) env[name] = value;
  }
  const names = Object.keys(env);
  if (names.some((name) => PROXY_VARIABLES.includes(name.toUpperCase()))) {
    const noProxy = names.filter((name) => name.toUpperCase() === "NO_PROXY");
    for (const name of noProxy.length > 0 ? noProxy : ["NO_PROXY"]) {
      const hosts = (env[name] ?? "").split(",").map((host) => host.trim()).filter(Boolean);
      env[name] = [...hosts, ...LOOPBACK.filter((host) => !hosts.includes(host))].join(",");
    }
  }
  return env;
}

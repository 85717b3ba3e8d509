import { type AwsConfigDocument, getProfile, getServices } from "./aws_config_file.ts";
import type { CaBundle } from "../net/http_client.ts";
import { type Env, expandHome } from "./paths.ts";
import { isTrueSetting } from "./truthy.ts";

/** The two Identity Center services we call. */
export type SsoService = "sso" | "sso-oidc";

const SERVICE_ENV: Record<SsoService, string> = {
  "sso": "AWS_ENDPOINT_URL_SSO",
  "sso-oidc": "AWS_ENDPOINT_URL_SSO_OIDC",
};
const SERVICE_CONFIG_KEY: Record<SsoService, string> = { "sso": "sso", "sso-oidc": "sso_oidc" };

/** Endpoint settings from the config file: the profile's keys and its `[services]` section. */
export interface EndpointConfig {
  profile?: Map<string, string>;
  services?: Map<string, Map<string, string>>;
}

/** The endpoint settings of a profile: its own keys and its `services = NAME` section. */
export function profileEndpointConfig(
  config: AwsConfigDocument | undefined,
  profileName: string | undefined,
): EndpointConfig {
  const profile = config && profileName !== undefined ? getProfile(config, profileName) : undefined;
  if (!profile) return {};
  const servicesName = profile.get("services");
  return { profile, services: servicesName ? getServices(config!, servicesName) : undefined };
}

/** Where to send a service's calls: the URL, where it came from, and the extra CAs to trust. */
export interface ResolvedEndpoint {
  url: string;
  source: string;
  caBundle?: CaBundle;
}

/**
 * The CA bundle to trust on top of the default roots, as botocore finds it: `AWS_CA_BUNDLE`,
 * then the profile's `ca_bundle` (a leading `~` is expanded). Undefined when neither is set.
 */
export function resolveCaBundle(env: Env, config: EndpointConfig = {}): CaBundle | undefined {
  const fromEnv = env("AWS_CA_BUNDLE")?.trim();
  if (fromEnv) return { path: expandHome(fromEnv, env), source: "AWS_CA_BUNDLE" };
  const fromProfile = config.profile?.get("ca_bundle")?.trim();
  if (fromProfile) return { path: expandHome(fromProfile, env), source: "profile ca_bundle" };
  return undefined;
}

/**
 * Resolves a service endpoint as botocore does (docs/formats.md §6.3): `AWS_ENDPOINT_URL_<SERVICE>`, then
 * `AWS_ENDPOINT_URL`, then the profile's `[services]` sub-section `endpoint_url`, then the
 * profile's `endpoint_url`; all of them ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the
 * profile's `ignore_configured_endpoint_urls`) is true. Otherwise the regional default.
 */
export function resolveEndpoint(
  service: SsoService,
  region: string,
  env: Env,
  config: EndpointConfig = {},
): ResolvedEndpoint {
  // As in botocore, the env var (even "false" or empty) takes precedence over the profile's key.
  const ignore = isTrueSetting(
    env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ??
      config.profile?.get("ignore_configured_endpoint_urls"),
  );
  if (!ignore) {
    const candidates: [string | undefined, string][] = [
      [env(SERVICE_ENV[service]), SERVICE_ENV[service]],
      [env("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"],
      [
        config.services?.get(SERVICE_CONFIG_KEY[service])?.get("endpoint_url"),
        `services ${SERVICE_CONFIG_KEY[service]} endpoint_url`,
      ],
      [config.profile?.get("endpoint_url"), "profile endpoint_url"],
    ];
    for (const [url, source] of candidates) {
      if (url && url.trim()) {
        return { url: url.trim(), source, caBundle: resolveCaBundle(env, config) };
      }
    }
  }
  return {
    url: defaultEndpoint(service, region),
    source: "default",
    caBundle: resolveCaBundle(env, config),
  };
}

/** DNS suffix of the partition a region belongs to. */
export function partitionSuffix(region: string): string {
  if (region.startsWith("cn-")) return "amazonaws.com.cn";
  if (region.startsWith("eusc-")) return "amazonaws.eu";
  if (region.startsWith("us-isob-")) return "sc2s.sgov.gov";
  if (region.startsWith("us-isof-")) return "csp.hci.ic.gov";
  if (region.startsWith("us-iso-")) return "c2s.ic.gov";
  if (region.startsWith("eu-isoe-")) return "cloud.adc-e.uk";
  return "amazonaws.com";
}

/** The regional endpoint of the SSO portal or SSO OIDC service. */
export function defaultEndpoint(service: SsoService, region: string): string {
  const host = service === "sso" ? `portal.sso.${region}` : `oidc.${region}`;
  return `https://${host}.${partitionSuffix(region)}`;
}

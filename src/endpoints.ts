import { type AwsConfigDocument, getProfile, getServices } from "./aws_config_file.ts";
import type { Env } from "./paths.ts";
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

/** Where an endpoint came from, for the debug log. */
export interface ResolvedEndpoint {
  url: string;
  source: string;
}

/**
 * Resolves a service endpoint as botocore does (spec §6): `AWS_ENDPOINT_URL_<SERVICE>`, then
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
      if (url && url.trim()) return { url: url.trim(), source };
    }
  }
  return { url: defaultEndpoint(service, region), source: "default" };
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

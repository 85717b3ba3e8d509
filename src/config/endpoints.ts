import { type AwsConfigDocument, getProfile, getServices } from "./aws_config_file.ts";
import { type Env, expandHome } from "../base/paths.ts";
import { isTrueSetting } from "../base/truthy.ts";
import { type ClientSettings, resolveClientSettings } from "./client_settings.ts";
import { EndpointRuleError, resolveRuleEndpoint, type RuleEndpoint } from "./endpoint_rules.ts";
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { CaBundle } from "../base/runtime.ts";

/** The services we call: the SSO portal, SSO OIDC and STS. */
export type ServiceName = "sso" | "sso-oidc" | "sts";

const SERVICE_ENV: Record<ServiceName, string> = {
  "sso": "AWS_ENDPOINT_URL_SSO",
  "sso-oidc": "AWS_ENDPOINT_URL_SSO_OIDC",
  "sts": "AWS_ENDPOINT_URL_STS",
};
const SERVICE_CONFIG_KEY: Record<ServiceName, string> = {
  "sso": "sso",
  "sso-oidc": "sso_oidc",
  "sts": "sts",
};

/** Endpoint settings from the config file: the profile's keys and its `[services]` section. */
export interface EndpointConfig {
  profile?: Map<string, string>;
  /** The profile's name, for messages about its settings. */
  profileName?: string;
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
  return {
    profile,
    profileName,
    services: servicesName ? getServices(config!, servicesName) : undefined,
  };
}

/**
 * Where and how to send a service's calls: the URL and where it came from, the extra CAs to
 * trust, the region to sign for, and the settings of the calls (retries, user agent).
 */
export interface ResolvedEndpoint {
  service: ServiceName;
  url: string;
  source: string;
  caBundle?: CaBundle;
  /** The region requests are signed for (STS's global endpoint signs for its partition's). */
  signingRegion: string;
  client: ClientSettings;
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
 * Resolves a service endpoint as botocore does (docs/settings.md): `AWS_ENDPOINT_URL_<SERVICE>`,
 * then `AWS_ENDPOINT_URL`, then the profile's `[services]` sub-section `endpoint_url`, then the
 * profile's `endpoint_url`; all of them ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or
 * the profile's `ignore_configured_endpoint_urls`) is true. Otherwise the SDKs' endpoint rules
 * for the region, with FIPS and dual-stack as configured (a configured URL is used as given, as
 * botocore does). Throws a ConfigError for an invalid setting or a variant the region's
 * partition does not offer; never touches the network.
 */
export function resolveEndpoint(
  service: ServiceName,
  region: string,
  env: Env,
  config: EndpointConfig = {},
): ResolvedEndpoint {
  const client = resolveClientSettings(env, config.profile, config.profileName);
  const caBundle = resolveCaBundle(env, config);
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
        return { service, url: url.trim(), source, caBundle, signingRegion: region, client };
      }
    }
  }
  let endpoint: RuleEndpoint;
  try {
    endpoint = resolveRuleEndpoint(service, {
      Region: region,
      UseFIPS: client.useFips.value,
      UseDualStack: client.useDualStack.value,
      UseGlobalEndpoint: client.stsRegionalEndpoints.value === "legacy",
    });
  } catch (error) {
    if (!(error instanceof EndpointRuleError)) throw error;
    const variants = [client.useFips, client.useDualStack]
      .filter((s) => s.value).map((s) => s.source).join(" and ");
    throw new ConfigError(
      `There is no ${service} endpoint for region ${safeEcho(region)} with these settings: ${
        error.message.replace(/[.\s]+$/, "")
      }${variants ? ` (set by ${variants})` : ""}.`,
    );
  }
  const scheme = (endpoint.properties.authSchemes as { signingRegion?: unknown }[] | undefined)
    ?.[0];
  return {
    service,
    url: endpoint.url,
    source: describeVariant(client),
    caBundle,
    signingRegion: typeof scheme?.signingRegion === "string" ? scheme.signingRegion : region,
    client,
  };
}

/** "default", "default, FIPS", "default, FIPS, dual-stack": how the URL was chosen. */
function describeVariant(client: ClientSettings): string {
  return ["default", client.useFips.value && "FIPS", client.useDualStack.value && "dual-stack"]
    .filter(Boolean).join(", ");
}

/**
 * Finds the Identity Center instance (start URL + SSO region, and the sso-session when there is
 * one) that `login`, `logout`, `roles` and `configure` act on.
 */
import { type AwsConfigDocument, getProfile, getSsoSession } from "./aws_config_file.ts";
import { CliError, ConfigError, ExitCode } from "./errors.ts";
import type { Env } from "./paths.ts";
import { isHttpsUrl, isRegion, parseScopes, type SsoInstance } from "./settings.ts";

/** An instance and where it was found. */
export interface FoundInstance extends SsoInstance {
  /** e.g. "profile dev", "sso-session my-sso", "env AWS_DEFAULT_SSO_START_URL", "argument". */
  source: string;
}

/** No instance, or more than one, matched (exit 1 for `login`). */
export class InstanceNotFoundError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.loginRequired);
  }
}

/** What the user asked for. `startUrl` may be a URL, or a substring / regex of a configured one. */
export interface InstanceQuery {
  startUrl?: string;
  ssoRegion?: string;
  profile?: string;
}

/** Env var pairs consulted, in order, when neither a start URL nor a profile is given. */
export const LOGIN_DEFAULT_ENV: readonly [string, string][] = [
  ["AWS_SSO_LOGIN_DEFAULT_SSO_START_URL", "AWS_SSO_LOGIN_DEFAULT_SSO_REGION"],
  ["AWS_LOGIN_SSO_DEFAULT_SSO_START_URL", "AWS_LOGIN_DEFAULT_SSO_REGION"],
  ["AWS_DEFAULT_SSO_START_URL", "AWS_DEFAULT_SSO_REGION"],
];

/** Every distinct instance configured: sso-sessions first, then legacy profiles, in file order. */
export function configInstances(config: AwsConfigDocument | undefined): FoundInstance[] {
  if (!config) return [];
  const found: FoundInstance[] = [];
  const seen = new Set<string>();
  const add = (i: FoundInstance) => {
    const key = `${i.sessionName ?? ""}\n${i.startUrl}\n${i.ssoRegion}`;
    if (!seen.has(key)) {
      seen.add(key);
      found.push(i);
    }
  };
  for (const s of config.sections) {
    if (s.kind !== "sso-session") continue;
    const values = getSsoSession(config, s.name)!;
    const startUrl = values.get("sso_start_url");
    const ssoRegion = values.get("sso_region");
    if (startUrl && ssoRegion) {
      add({
        startUrl,
        ssoRegion,
        sessionName: s.name,
        scopes: parseScopes(values.get("sso_registration_scopes")),
        source: `sso-session ${s.name}`,
      });
    }
  }
  for (const s of config.sections) {
    if (s.kind !== "profile" && s.kind !== "default") continue;
    const values = getProfile(config, s.name)!;
    if (values.get("sso_session")) continue;
    const startUrl = values.get("sso_start_url");
    const ssoRegion = values.get("sso_region");
    if (startUrl && ssoRegion) add({ startUrl, ssoRegion, source: `profile ${s.name}` });
  }
  return found;
}

/** The instance a profile uses (its sso-session, or its legacy keys). */
export function profileInstance(
  config: AwsConfigDocument | undefined,
  profileName: string,
  configPath: string,
): FoundInstance {
  const profile = config && getProfile(config, profileName);
  if (!profile) throw new ConfigError(`Profile ${profileName} was not found in ${configPath}.`);
  const session = profile.get("sso_session");
  if (session) {
    const values = getSsoSession(config!, session);
    if (!values) {
      throw new ConfigError(
        `Profile ${profileName} uses sso_session ${session}, but ${configPath} has no [sso-session ${session}] section.`,
      );
    }
    return checked({
      startUrl: values.get("sso_start_url") ?? "",
      ssoRegion: values.get("sso_region") ?? "",
      sessionName: session,
      scopes: parseScopes(values.get("sso_registration_scopes")),
      source: `sso-session ${session}`,
    }, `sso-session ${session}`);
  }
  return checked({
    startUrl: profile.get("sso_start_url") ?? "",
    ssoRegion: profile.get("sso_region") ?? "",
    source: `profile ${profileName}`,
  }, `profile ${profileName}`);
}

function checked(instance: FoundInstance, where: string): FoundInstance {
  const missing = [
    instance.startUrl ? "" : "sso_start_url",
    instance.ssoRegion ? "" : "sso_region",
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(`The ${where} has no ${missing.join(" or ")}.`);
  }
  if (!isHttpsUrl(instance.startUrl)) {
    throw new ConfigError(
      `The SSO start URL ${instance.startUrl} of ${where} is not an https URL.`,
    );
  }
  if (!isRegion(instance.ssoRegion)) {
    throw new ConfigError(
      `The SSO region ${instance.ssoRegion} of ${where} is not a valid AWS region name.`,
    );
  }
  return instance;
}

/**
 * Resolves the instance: `--profile`; else an explicit start URL (a URL, or a substring/regex
 * matched against the configured start URLs); else the login default env vars; else the single
 * instance in the config. A URL that matches a configured sso-session (same URL and region) is
 * that session, so the token lands where the AWS CLI looks for it.
 */
export function resolveInstance(
  query: InstanceQuery,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): FoundInstance {
  if (query.profile !== undefined) return profileInstance(config, query.profile, configPath);
  const configured = configInstances(config);
  if (query.startUrl !== undefined) {
    return fromStartUrl(query.startUrl, query.ssoRegion, configured, "argument");
  }
  for (const [urlVar, regionVar] of LOGIN_DEFAULT_ENV) {
    const url = env(urlVar)?.trim();
    if (url) {
      return fromStartUrl(
        url,
        query.ssoRegion ?? env(regionVar)?.trim(),
        configured,
        `env ${urlVar}`,
      );
    }
  }
  const candidates = distinctByUrl(configured);
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    throw new InstanceNotFoundError(
      "No SSO instance found: give a start URL and region, --profile, or set AWS_DEFAULT_SSO_START_URL and AWS_DEFAULT_SSO_REGION.",
    );
  }
  throw new InstanceNotFoundError(
    `Several SSO instances are configured (${
      candidates.map((c) => c.startUrl).join(", ")
    }); choose one with a start URL or --profile.`,
  );
}

function fromStartUrl(
  text: string,
  region: string | undefined,
  configured: FoundInstance[],
  source: string,
): FoundInstance {
  if (/^https?:\/\//i.test(text)) {
    if (!isHttpsUrl(text)) throw new ConfigError(`The SSO start URL ${text} is not an https URL.`);
    const sameUrl = configured.filter((c) =>
      c.startUrl === text && (!region || c.ssoRegion === region)
    );
    const ssoRegion = region ?? sameUrl[0]?.ssoRegion;
    if (!ssoRegion) {
      throw new ConfigError(
        `No SSO region for ${text}: give it after the start URL or with --sso-region.`,
      );
    }
    if (!isRegion(ssoRegion)) {
      throw new ConfigError(`The SSO region ${ssoRegion} is not a valid AWS region name.`);
    }
    const session = sameUrl.find((c) => c.sessionName && c.ssoRegion === ssoRegion);
    return session ?? { startUrl: text, ssoRegion, source };
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(text);
  } catch {
    pattern = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  }
  const matches = distinctByUrl(
    configured.filter((c) =>
      (c.startUrl.includes(text) || pattern.test(c.startUrl)) && (!region || c.ssoRegion === region)
    ),
  );
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new InstanceNotFoundError(`No configured SSO start URL matches ${text}.`);
  }
  throw new InstanceNotFoundError(
    `${text} matches several configured SSO start URLs (${
      matches.map((m) => m.startUrl).join(", ")
    }); be more specific.`,
  );
}

/** One entry per start URL + region, preferring an sso-session over a legacy profile. */
function distinctByUrl(instances: FoundInstance[]): FoundInstance[] {
  const byUrl = new Map<string, FoundInstance>();
  for (const i of instances) {
    const key = `${i.startUrl}\n${i.ssoRegion}`;
    if (!byUrl.has(key)) byUrl.set(key, i);
  }
  return [...byUrl.values()];
}

/**
 * Finds the Identity Center instance (start URL + SSO region, and the sso-session when there is
 * one) that `login`, `logout`, `roles` and `configure` act on.
 */
import { UserPattern } from "../base/user_pattern.ts";
import { type AwsConfigDocument, getProfile, getSsoSession } from "./aws_config_file.ts";
import { ConfigError, InstanceError } from "../base/errors.ts";
import type { Env } from "../base/paths.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import { profileSession, requireProfile } from "./sso_session.ts";
import {
  checkStartUrl,
  hasUrlCredentials,
  isRegion,
  parseScopes,
  shownUrl,
  type SsoInstance,
} from "./settings.ts";

/** An instance and where it was found. */
export interface FoundInstance extends SsoInstance {
  /** e.g. "profile dev", "sso-session my-sso", "env AWS_DEFAULT_SSO_START_URL", "argument". */
  source: string;
  /**
   * For an sso-session chosen by its start URL (or sharing it with a legacy profile): the same
   * start URL and region keyed the legacy way, whose token `aws sso login` writes for profiles
   * without `sso_session`. Its token is used when the session's is not, and `login` fills both.
   */
  sameUrlLegacy?: SsoInstance;
}

/** What the user asked for. `startUrl` may be a URL, or a substring / regex of a configured one. */
export interface InstanceQuery {
  startUrl?: string;
  ssoRegion?: string;
  profile?: string;
  /** The env var pairs to consult (default {@link LOGIN_DEFAULT_ENV}). */
  defaultEnv?: readonly (readonly [string, string])[];
}

/** Env var pairs consulted, in order, when neither a start URL nor a profile is given. */
export const LOGIN_DEFAULT_ENV: readonly (readonly [string, string])[] = [
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
    // A start URL with a user name or password is refused (the https check stays lazy).
    if (hasUrlCredentials(i.startUrl)) {
      checkStartUrl(i.startUrl, ` of ${safeEcho(i.source)}`, "badInstance");
    }
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
  const profile = requireProfile(config, profileName, configPath);
  const session = profileSession(config!, profileName, profile, configPath);
  if (session) {
    const { name, values } = session;
    return checked(
      {
        startUrl: values.get("sso_start_url") ?? "",
        ssoRegion: values.get("sso_region") ?? "",
        sessionName: name,
        scopes: parseScopes(values.get("sso_registration_scopes")),
        source: `sso-session ${name}`,
      },
      `sso-session ${name}`,
    );
  }
  return checked(
    {
      startUrl: profile.get("sso_start_url") ?? "",
      ssoRegion: profile.get("sso_region") ?? "",
      source: `profile ${profileName}`,
    },
    `profile ${profileName}`,
  );
}

/** The instance, when its settings are usable; else a ConfigError of kind `badInstance`. */
function checked(instance: FoundInstance, where: string): FoundInstance {
  const missing = [
    instance.startUrl ? "" : "sso_start_url",
    instance.ssoRegion ? "" : "sso_region",
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(`The ${safeEcho(where)} has no ${missing.join(" or ")}.`, "badInstance");
  }
  checkStartUrl(instance.startUrl, ` of ${safeEcho(where)}`, "badInstance");
  if (!isRegion(instance.ssoRegion)) {
    throw new ConfigError(
      `The SSO region ${safeEcho(instance.ssoRegion)} of ${
        safeEcho(where)
      } is not a valid AWS region name.`,
      "badInstance",
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
    return withLegacyKey(
      fromStartUrl(query.startUrl, query.ssoRegion, configured, "argument"),
      configured,
      true,
    );
  }
  for (const [urlVar, regionVar] of query.defaultEnv ?? LOGIN_DEFAULT_ENV) {
    const url = env(urlVar)?.trim();
    if (url) {
      return withLegacyKey(
        fromStartUrl(
          url,
          query.ssoRegion ?? env(regionVar)?.trim(),
          configured,
          `env ${urlVar}`,
        ),
        configured,
        true,
      );
    }
  }
  const candidates = distinctByUrl(configured);
  if (candidates.length === 1) return withLegacyKey(candidates[0], configured, false);
  if (candidates.length === 0) {
    throw new InstanceError(
      `No SSO instance found in ${
        shownPath(configPath)
      }: set one up with \`aws-sso-util configure profile NAME\` or \`aws-sso-util login URL REGION\`, or give a start URL and region, --profile, or AWS_DEFAULT_SSO_START_URL and AWS_DEFAULT_SSO_REGION.`,
      "noInstance",
    );
  }
  throw new InstanceError(
    `Several SSO instances are configured (${
      candidates.map((c) => shownUrl(c.startUrl)).join(", ")
    }); choose one with a start URL or --profile.`,
    "ambiguous",
  );
}

/**
 * The configured instance a partial start URL (a substring or regex of a configured one, as
 * `login` takes it) names (`configure`, whose table makes a start URL naming none a bad flag).
 * A full URL is returned as given.
 */
export function configuredStartUrl(
  text: string,
  region: string | undefined,
  config: AwsConfigDocument | undefined,
): SsoInstance {
  if (isFullUrl(text)) return { startUrl: text, ssoRegion: region ?? "" };
  return fromStartUrl(text, region, configInstances(config), "argument");
}

/** True when a start URL argument is a whole URL (not a part of a configured one). */
export function isFullUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

function fromStartUrl(
  text: string,
  region: string | undefined,
  configured: FoundInstance[],
  source: string,
): FoundInstance {
  if (isFullUrl(text)) {
    checkStartUrl(text, "", "badInstance");
    const sameUrl = configured.filter((c) =>
      c.startUrl === text && (!region || c.ssoRegion === region)
    );
    const ssoRegion = region ?? sameUrl[0]?.ssoRegion;
    if (!ssoRegion) {
      throw new ConfigError(
        `No SSO region for ${shownUrl(text)}: give it after the start URL or with --sso-region.`,
        "badInstance",
      );
    }
    if (!isRegion(ssoRegion)) {
      throw new ConfigError(
        `The SSO region ${safeEcho(ssoRegion)} is not a valid AWS region name.`,
        "badInstance",
      );
    }
    const session = sameUrl.find((c) => c.sessionName && c.ssoRegion === ssoRegion);
    return session ?? { startUrl: text, ssoRegion, source };
  }
  // A substring, or a regular expression matched in linear time (no backtracking blow-up);
  // text that is no usable pattern is a substring only.
  let pattern: UserPattern | undefined;
  try {
    pattern = new UserPattern(text);
  } catch {
    pattern = undefined;
  }
  const matches = distinctByUrl(
    configured.filter((c) =>
      (c.startUrl.includes(text) || pattern?.test(c.startUrl)) &&
      (!region || c.ssoRegion === region)
    ),
  );
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new InstanceError(`No configured SSO start URL matches ${shownUrl(text)}.`, "noMatch");
  }
  throw new InstanceError(
    `${shownUrl(text)} matches several configured SSO start URLs (${
      matches.map((m) => shownUrl(m.startUrl)).join(", ")
    }); be more specific.`,
    "ambiguous",
  );
}

/**
 * Adds {@link FoundInstance.sameUrlLegacy} to an sso-session found by its start URL (`byUrl`) or
 * whose start URL and region a legacy profile of the config also uses.
 */
function withLegacyKey(
  found: FoundInstance,
  configured: FoundInstance[],
  byUrl: boolean,
): FoundInstance {
  if (found.sessionName === undefined) return found;
  const shared = configured.some((c) =>
    c.sessionName === undefined && c.startUrl === found.startUrl && c.ssoRegion === found.ssoRegion
  );
  if (!byUrl && !shared) return found;
  return { ...found, sameUrlLegacy: { startUrl: found.startUrl, ssoRegion: found.ssoRegion } };
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

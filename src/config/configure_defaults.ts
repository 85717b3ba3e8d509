/**
 * The SSO instance `configure profile` suggests before asking: start URL and SSO region from the
 * flags, the sso-session, the `AWS_CONFIGURE_*` env vars, the existing profile or the only
 * instance configured, each with where it came from.
 */
import { type AwsConfigDocument, getSsoSession } from "./aws_config_file.ts";
import { ConfigError } from "../base/errors.ts";
import { configInstances } from "./instance.ts";
import type { Env } from "../base/paths.ts";
import { safeEcho } from "../base/safe_text.ts";

/** Env vars giving the default start URL, first set wins (the last is shared with `login`). */
export const CONFIGURE_START_URL_VARS: readonly string[] = [
  "AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL",
  "AWS_SSO_CONFIGURE_DEFAULT_SSO_START_URL",
  "AWS_CONFIGURE_DEFAULT_SSO_START_URL",
  "AWS_DEFAULT_SSO_START_URL",
];
/** Env vars giving the default SSO region, first set wins. */
export const CONFIGURE_SSO_REGION_VARS: readonly string[] = [
  "AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION",
  "AWS_SSO_CONFIGURE_DEFAULT_SSO_REGION",
  "AWS_CONFIGURE_DEFAULT_SSO_REGION",
  "AWS_DEFAULT_SSO_REGION",
];
/** The start URL and SSO region variables above as pairs, for an instance resolution. */
export const CONFIGURE_DEFAULT_ENV: readonly (readonly [string, string])[] =
  CONFIGURE_START_URL_VARS
    .map((url, i) => [url, CONFIGURE_SSO_REGION_VARS[i]] as const);
/** Env vars giving the profile's default `region`, first set wins. */
export const CONFIGURE_REGION_VARS: readonly string[] = [
  "AWS_CONFIGURE_DEFAULT_REGION",
  "AWS_DEFAULT_REGION",
];

/** A value and where it came from; `fixed` values are not asked for again. */
export interface Setting {
  value: string;
  source: string;
  fixed: boolean;
}

/** The first of `names` set (blanks ignored) in the environment, and which it was. */
export function firstEnv(
  env: Env,
  names: readonly string[],
): { value: string; name: string } | undefined {
  for (const name of names) {
    const value = env(name)?.trim();
    if (value) return { value, name };
  }
  return undefined;
}

/** The instance settings known before asking, with their sources. */
export function resolveInstanceDefaults(
  options: { ssoStartUrl?: string; ssoRegion?: string },
  env: Env,
  config: AwsConfigDocument | undefined,
  existing: Map<string, string> | undefined,
  sessionName: string | undefined,
): { startUrl?: Setting; ssoRegion?: Setting } {
  const session = sessionName && config ? getSsoSession(config, sessionName) : undefined;
  const pickSetting = (
    flag: string | undefined,
    flagName: string,
    key: "sso_start_url" | "sso_region",
    envVars: readonly string[],
  ): Setting | undefined => {
    const fromSession = session?.get(key)?.trim() || undefined;
    if (flag !== undefined && flag.trim() !== "") {
      if (fromSession !== undefined && fromSession !== flag.trim()) {
        throw new ConfigError(
          `The sso-session ${safeEcho(sessionName)} already has ${key} = ${
            safeEcho(fromSession)
          }, not ${safeEcho(flag.trim())}; choose another --sso-session name or edit that section.`,
        );
      }
      return { value: flag.trim(), source: flagName, fixed: true };
    }
    if (fromSession !== undefined) {
      return { value: fromSession, source: `sso-session ${sessionName}`, fixed: true };
    }
    const fromEnv = firstEnv(env, envVars);
    if (fromEnv) return { value: fromEnv.value, source: `env ${fromEnv.name}`, fixed: false };
    const inProfile = existing?.get(key)?.trim();
    if (inProfile) return { value: inProfile, source: "the existing profile", fixed: false };
    return undefined;
  };
  const startUrl = pickSetting(
    options.ssoStartUrl,
    "--sso-start-url",
    "sso_start_url",
    CONFIGURE_START_URL_VARS,
  );
  let ssoRegion = pickSetting(
    options.ssoRegion,
    "--sso-region",
    "sso_region",
    CONFIGURE_SSO_REGION_VARS,
  );
  const configured = configInstances(config);
  const distinct = [...new Map(configured.map((c) => [`${c.startUrl}\n${c.ssoRegion}`, c]))
    .values()];
  if (startUrl === undefined) {
    if (distinct.length === 1) {
      return {
        startUrl: { value: distinct[0].startUrl, source: distinct[0].source, fixed: false },
        ssoRegion: ssoRegion ??
          { value: distinct[0].ssoRegion, source: distinct[0].source, fixed: false },
      };
    }
    return { ssoRegion };
  }
  if (ssoRegion === undefined) {
    const sameUrl = distinct.filter((c) => c.startUrl === startUrl.value);
    if (sameUrl.length === 1) {
      ssoRegion = { value: sameUrl[0].ssoRegion, source: sameUrl[0].source, fixed: false };
    }
  }
  return { startUrl, ssoRegion };
}

/** The SSO region configured for a start URL, if exactly one is. */
export function regionForUrl(
  config: AwsConfigDocument | undefined,
  startUrl: string,
): string | undefined {
  const regions = new Set(
    configInstances(config).filter((c) => c.startUrl === startUrl).map((c) => c.ssoRegion),
  );
  return regions.size === 1 ? [...regions][0] : undefined;
}

/** `1`/`true`: do not write `credential_process` unless `--credential-process` is given. */
export const DISABLE_CREDENTIAL_PROCESS_VAR = "AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS";

/** Keys `configure profile` manages; `--config-default` cannot set them. */
const MANAGED_KEYS = new Set([
  "sso_start_url",
  "sso_region",
  "sso_session",
  "sso_account_id",
  "sso_role_name",
  "credential_process",
]);

/** Parses `--config-default KEY=VALUE` pairs; keys are lower-cased as the SDKs read them. */
export function parseConfigDefaults(pairs: readonly string[]): [string, string][] {
  return pairs.map((pair) => {
    const eq = pair.indexOf("=");
    const key = (eq > 0 ? pair.slice(0, eq) : "").trim().toLowerCase();
    if (eq <= 0 || !/^[a-z0-9_.-]+$/.test(key)) {
      throw new ConfigError(
        `--config-default expects KEY=VALUE with a key of letters, digits, _, . or -, got "${
          safeEcho(pair)
        }".`,
      );
    }
    if (MANAGED_KEYS.has(key)) {
      throw new ConfigError(
        `--config-default cannot set ${safeEcho(key)}; use the dedicated option instead.`,
      );
    }
    const value = pair.slice(eq + 1).trim();
    if (/[\r\n]/.test(value)) {
      throw new ConfigError(`--config-default ${safeEcho(key)} has a line break in its value.`);
    }
    return [key, value];
  });
}

/**
 * The AWS settings that shape every call this tool makes, read as the AWS SDKs read them: the
 * environment variable first (even when it says `false`), then the profile's key, then the
 * default. Every value is checked here, before any network call; a bad one is a ConfigError
 * naming the setting and where it came from. `docs/settings.md` lists them all.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { Env } from "../base/paths.ts";

/** How failed calls are retried (the SDKs' `retry_mode`). */
export type RetryMode = "legacy" | "standard" | "adaptive";

/** STS's endpoint choice for the regions that once used the global one (`sts_regional_endpoints`). */
export type StsRegionalEndpoints = "regional" | "legacy";

/** A setting's value and where it came from, for messages and `--debug` logs. */
export interface Sourced<T> {
  value: T;
  /** `AWS_MAX_ATTEMPTS`, `max_attempts in profile dev`, or `default`. */
  source: string;
}

/** The retry settings of calls (see `net/retry_policy.ts`). */
export interface RetrySettings {
  mode: Sourced<RetryMode>;
  /** Total attempts of a call, the first one included. */
  maxAttempts: Sourced<number>;
}

/** Everything of the AWS settings that a call reads. */
export interface ClientSettings {
  useFips: Sourced<boolean>;
  useDualStack: Sourced<boolean>;
  retry: RetrySettings;
  /** `AWS_SDK_UA_APP_ID` / `sdk_ua_app_id`, made safe for the user agent; undefined when unset. */
  appId?: string;
  stsRegionalEndpoints: Sourced<StsRegionalEndpoints>;
}

/**
 * The default retry mode: botocore's (boto3's, and so the Python aws-sso-util's), `legacy` with
 * 5 attempts. The AWS CLI v2 and the JS SDK v3 use `standard` with 3; `AWS_RETRY_MODE=standard`
 * gives exactly that.
 */
export const DEFAULT_RETRY_MODE: RetryMode = "legacy";

/** Attempts per call when no `max_attempts` is set, per mode (as botocore and the SDKs count). */
export const DEFAULT_MAX_ATTEMPTS: Readonly<Record<RetryMode, number>> = {
  legacy: 5,
  standard: 3,
  adaptive: 3,
};

/** The longest app id the SDKs accept in the user agent. */
const MAX_APP_ID_CHARS = 50;

/** One setting: its environment variable and its profile key. */
interface SettingName {
  env: string;
  key: string;
}

const FIPS: SettingName = { env: "AWS_USE_FIPS_ENDPOINT", key: "use_fips_endpoint" };
const DUAL_STACK: SettingName = {
  env: "AWS_USE_DUALSTACK_ENDPOINT",
  key: "use_dualstack_endpoint",
};
const MAX_ATTEMPTS: SettingName = { env: "AWS_MAX_ATTEMPTS", key: "max_attempts" };
const RETRY_MODE: SettingName = { env: "AWS_RETRY_MODE", key: "retry_mode" };
const APP_ID: SettingName = { env: "AWS_SDK_UA_APP_ID", key: "sdk_ua_app_id" };
const STS_REGIONAL: SettingName = {
  env: "AWS_STS_REGIONAL_ENDPOINTS",
  key: "sts_regional_endpoints",
};

/** Every setting this module reads (docs/settings.md lists each; a test checks). */
export const CLIENT_SETTING_NAMES: readonly SettingName[] = [
  FIPS,
  DUAL_STACK,
  MAX_ATTEMPTS,
  RETRY_MODE,
  APP_ID,
  STS_REGIONAL,
];

/**
 * Reads and checks the client settings from `env` and the active profile's keys (`profile`,
 * named `profileName` in messages). Throws a ConfigError for an invalid value.
 */
export function resolveClientSettings(
  env: Env,
  profile?: ReadonlyMap<string, string>,
  profileName?: string,
): ClientSettings {
  const raw = (name: SettingName): RawSetting | undefined => {
    const fromEnv = env(name.env);
    if (fromEnv !== undefined) {
      return { value: fromEnv, source: name.env, shown: `${name.env}=${echo(fromEnv)}` };
    }
    const fromProfile = profile?.get(name.key);
    if (fromProfile === undefined) return undefined;
    const where = profileName !== undefined ? ` in profile ${safeEcho(profileName)}` : "";
    return {
      value: fromProfile,
      source: `${name.key}${where}`,
      shown: `${name.key} = ${echo(fromProfile)}${where}`,
    };
  };
  const mode = choice(raw(RETRY_MODE), ["legacy", "standard", "adaptive"] as const) ??
    { value: DEFAULT_RETRY_MODE, source: "default" };
  const appId = raw(APP_ID)?.value.trim();
  return {
    useFips: flag(raw(FIPS)),
    useDualStack: flag(raw(DUAL_STACK)),
    retry: {
      mode,
      maxAttempts: attempts(raw(MAX_ATTEMPTS)) ??
        { value: DEFAULT_MAX_ATTEMPTS[mode.value], source: `default of ${mode.value} mode` },
    },
    appId: appId ? userAgentToken(appId).slice(0, MAX_APP_ID_CHARS) : undefined,
    stsRegionalEndpoints: choice(raw(STS_REGIONAL), ["regional", "legacy"] as const) ??
      { value: "regional", source: "default" },
  };
}

/** A value as read, and how a message shows it: `AWS_X=value` or `key = value in profile p`. */
interface RawSetting extends Sourced<string> {
  shown: string;
}

function echo(value: string): string {
  return safeEcho(value.trim() === "" ? JSON.stringify(value) : value.trim(), 40);
}

/**
 * An on/off setting: `true` or `false` in any case, blanks ignored. An empty environment
 * variable is `false` (botocore reads it so, and it still wins over the profile).
 */
function flag(raw: RawSetting | undefined): Sourced<boolean> {
  if (raw === undefined) return { value: false, source: "default" };
  const text = raw.value.trim().toLowerCase();
  if (text === "true" || text === "false" || text === "") {
    return { value: text === "true", source: raw.source };
  }
  throw new ConfigError(`${raw.shown} is not valid: set it to true or false.`);
}

/** A whole number of attempts, 1 or more (botocore's rule: `int()` of the text, at least 1). */
function attempts(raw: RawSetting | undefined): Sourced<number> | undefined {
  if (raw === undefined) return undefined;
  const text = raw.value.trim().replace(/^\+/, "");
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(
      `${raw.shown} is not valid: set it to a whole number of attempts, 1 or more.`,
    );
  }
  return { value, source: raw.source };
}

/** One of `choices` (any case, blanks ignored). */
function choice<const T extends string>(
  raw: RawSetting | undefined,
  choices: readonly T[],
): Sourced<T> | undefined {
  if (raw === undefined) return undefined;
  const text = raw.value.trim().toLowerCase();
  const found = choices.find((c) => c === text);
  if (found === undefined) {
    const list = `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
    throw new ConfigError(`${raw.shown} is not valid: set it to ${list}.`);
  }
  return { value: found, source: raw.source };
}

/** A value as the SDKs put it in a user agent: characters outside the token set become `-`. */
export function userAgentToken(text: string): string {
  return text.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, "-");
}

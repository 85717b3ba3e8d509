import { type AwsConfigDocument, ConfigParseError, parseAwsConfig } from "./aws_config_file.ts";
import { MAX_CONFIG_BYTES, readBoundedText } from "../base/bounded_read.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { type EndpointConfig, profileEndpointConfig } from "./endpoints.ts";
import { ConfigError } from "../base/errors.ts";
import type { Env } from "../base/paths.ts";
import { safeEcho, shownPath, withoutUrlCredentials } from "../base/safe_text.ts";
import { profileSession, requireProfile } from "./sso_session.ts";
import { isTrueSetting } from "../base/truthy.ts";

/** The Identity Center instance a token belongs to (the token cache is keyed by it). */
export interface SsoInstance {
  startUrl: string;
  ssoRegion: string;
  /** Set for `sso_session` profiles: the token cache key is then the session name. */
  sessionName?: string;
  /** `sso_registration_scopes` of the session, parsed. */
  scopes?: string[];
}

/** Everything credential-process needs, with where each value came from. */
export interface CredentialProcessSettings extends SsoInstance {
  accountId: string;
  roleName: string;
  profileName?: string;
  sources: Record<SettingName, string>;
  endpointConfig: EndpointConfig;
  /** The profile's `aws_sso_util_auto_login = true`. */
  autoLogin: boolean;
  /**
   * For an sso-session chosen by its start URL (not by a profile): the same start URL and region
   * keyed the legacy way, whose token `login URL` and `aws sso login` write; used when the
   * session's own token needs a login.
   */
  sameUrlLegacy?: SsoInstance;
}

export type SettingName = "startUrl" | "ssoRegion" | "accountId" | "roleName";

/** Command-line values; undefined when the flag was not given. */
export interface SettingFlags {
  profile?: string;
  ssoStartUrl?: string;
  ssoRegion?: string;
  accountId?: string;
  roleName?: string;
}

const SETTINGS: Record<SettingName, { flag: string; env: string; key: string; label: string }> = {
  startUrl: {
    flag: "--sso-start-url",
    env: "AWS_SSO_START_URL",
    key: "sso_start_url",
    label: "SSO start URL",
  },
  ssoRegion: {
    flag: "--sso-region",
    env: "AWS_SSO_REGION",
    key: "sso_region",
    label: "SSO region",
  },
  accountId: {
    flag: "--account-id",
    env: "AWS_SSO_ACCOUNT_ID",
    key: "sso_account_id",
    label: "account id",
  },
  roleName: {
    flag: "--role-name",
    env: "AWS_SSO_ROLE_NAME",
    key: "sso_role_name",
    label: "role name",
  },
};

const FLAG_KEYS: Record<SettingName, keyof SettingFlags> = {
  startUrl: "ssoStartUrl",
  ssoRegion: "ssoRegion",
  accountId: "accountId",
  roleName: "roleName",
};

/**
 * Reads and parses the config file; missing file → undefined; unreadable or malformed → a
 * ConfigError of kind `configFile`. Only a regular file of at most MAX_CONFIG_BYTES (4 MiB) is
 * read: a device, FIFO or larger file is refused without reading it whole.
 */
export async function loadConfigFile(path: string): Promise<AwsConfigDocument | undefined> {
  let text: string;
  try {
    text = await readBoundedText(path, MAX_CONFIG_BYTES);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(
      `Cannot read the AWS config file ${shownPath(path)}: ${fileFailureReason(error)}.`,
      "configFile",
    );
  }
  return parseConfigText(text, path);
}

/** Parses config text; a malformed line is a ConfigError (`configFile`) naming the file and line. */
export function parseConfigText(text: string, path: string): AwsConfigDocument {
  try {
    return parseAwsConfig(text);
  } catch (error) {
    if (error instanceof ConfigParseError) {
      throw new ConfigError(
        `The AWS config file ${shownPath(path)} is malformed: ${error.message}.`,
        "configFile",
      );
    }
    throw error;
  }
}

/**
 * Resolves start URL, SSO region, account id and role name, each from the first of: flag,
 * `AWS_SSO_*` env var, the profile named by `--profile` (legacy `sso_*` keys or `sso_session`).
 * `config` is the parsed config file (undefined when it does not exist); it is only consulted
 * when a profile is named. Validates every value; never touches the network.
 */
export function resolveCredentialProcessSettings(
  flags: SettingFlags,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): CredentialProcessSettings {
  const values: Partial<Record<SettingName, string>> = {};
  const sources: Partial<Record<SettingName, string>> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const flagValue = flags[FLAG_KEYS[name]];
    const envValue = env(SETTINGS[name].env);
    if (flagValue !== undefined && flagValue !== "") {
      [values[name], sources[name]] = [flagValue.trim(), SETTINGS[name].flag];
    } else if (envValue !== undefined && envValue.trim() !== "") {
      [values[name], sources[name]] = [envValue.trim(), `env ${SETTINGS[name].env}`];
    }
  }

  let sessionName: string | undefined;
  let scopes: string[] | undefined;
  let endpointConfig: EndpointConfig = {};
  let autoLogin = false;
  const profileName = flags.profile;
  if (profileName !== undefined) {
    const profile = requireProfile(config, profileName, configPath);
    autoLogin = isTrueSetting(profile.get("aws_sso_util_auto_login"));
    endpointConfig = profileEndpointConfig(config, profileName);
    const fromProfile = (name: SettingName, value: string | undefined, source: string) => {
      if (values[name] === undefined && value !== undefined && value !== "") {
        [values[name], sources[name]] = [value, source];
      }
    };
    const found = profileSession(config!, profileName, profile, configPath);
    if (found !== undefined) {
      const { name: session, values: sessionValues } = found;
      for (const name of ["startUrl", "ssoRegion"] as const) {
        const inSession = sessionValues.get(SETTINGS[name].key);
        const inProfile = profile.get(SETTINGS[name].key);
        if (inSession && inProfile && inSession !== inProfile) {
          const shown = name === "startUrl" ? shownUrl : safeEcho;
          throw new ConfigError(
            `The value for ${SETTINGS[name].key} is inconsistent between profile ${
              safeEcho(profileName)
            } (${shown(inProfile)}) and sso-session ${safeEcho(session)} (${shown(inSession)}).`,
          );
        }
        fromProfile(name, inSession, `sso-session ${session}`);
      }
      // The token belongs to the session only when the instance is the session's own.
      if (
        values.startUrl === sessionValues.get("sso_start_url") &&
        values.ssoRegion === sessionValues.get("sso_region")
      ) {
        sessionName = session;
        scopes = parseScopes(sessionValues.get("sso_registration_scopes"));
      }
    }
    for (const name of Object.keys(SETTINGS) as SettingName[]) {
      fromProfile(name, profile.get(SETTINGS[name].key), `profile ${profileName}`);
    }
  }

  const missing = (Object.keys(SETTINGS) as SettingName[]).filter((n) => values[n] === undefined);
  if (missing.length > 0) {
    const where = missing.map((n) =>
      profileName === undefined
        ? `${SETTINGS[n].label} (${SETTINGS[n].flag} or ${SETTINGS[n].env})`
        : `${SETTINGS[n].label} (${SETTINGS[n].key})`
    ).join(", ");
    throw new ConfigError(
      profileName === undefined
        ? `Missing settings: ${where}; set them with flags or env vars, or name a profile with --profile.`
        : `Profile ${safeEcho(profileName)} in ${
          shownPath(configPath)
        } is missing ${where}; add the keys or pass them as flags.`,
    );
  }
  const settings = {
    startUrl: values.startUrl!,
    ssoRegion: values.ssoRegion!,
    accountId: values.accountId!,
    roleName: values.roleName!,
    sessionName,
    scopes,
    profileName,
    sources: sources as Record<SettingName, string>,
    endpointConfig,
    autoLogin,
  };
  validateSettings(settings);
  return settings;
}

/** `sso_registration_scopes`: comma-separated, items trimmed, empties dropped (docs/formats.md §2.3). */
export function parseScopes(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const scopes = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return scopes.length > 0 ? scopes : undefined;
}

/**
 * Throws ConfigError for a start URL that is not https or carries a user name or password, a bad
 * region, account id or role name. Values are echoed through safeEcho, a start URL without any
 * credentials in it.
 */
export function validateSettings(
  s: {
    startUrl?: string;
    ssoRegion?: string;
    accountId?: string;
    roleName?: string;
    sources?: Partial<Record<SettingName, string>>;
  },
): void {
  const from = (name: SettingName) =>
    s.sources?.[name] ? ` (from ${safeEcho(s.sources[name])})` : "";
  if (s.startUrl !== undefined) checkStartUrl(s.startUrl, from("startUrl"));
  if (s.ssoRegion !== undefined && !isRegion(s.ssoRegion)) {
    throw new ConfigError(
      `The SSO region ${safeEcho(s.ssoRegion)}${from("ssoRegion")} is not a valid AWS region name.`,
    );
  }
  if (s.accountId !== undefined && !/^\d{12}$/.test(s.accountId)) {
    throw new ConfigError(
      `The account id ${safeEcho(s.accountId)}${
        from("accountId")
      } is not valid: it must be exactly 12 digits.`,
    );
  }
  if (s.roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(s.roleName)) {
    throw new ConfigError(
      `The role name ${safeEcho(s.roleName)}${from("roleName")} is not a valid IAM role name.`,
    );
  }
}

/**
 * Why a start URL cannot be used, as the end of a sentence ("is not an https URL"), or undefined
 * when it is fine. A URL with a user name or password is refused: a start URL never needs one,
 * and it would end up in cache keys, logs and messages.
 */
export function startUrlProblem(text: string): string | undefined {
  if (!isHttpsUrl(text)) return "is not an https URL";
  if (hasUrlCredentials(text)) {
    return "contains a user name or password; remove them, a start URL never needs any";
  }
  return undefined;
}

/**
 * Throws the one sentence for a start URL that `startUrlProblem` refuses, as a ConfigError of
 * `kind` (`badInstance` when it is an instance's). `suffix` follows the URL (" (from
 * --sso-start-url)", " of profile dev"); the URL is shown without credentials.
 */
export function checkStartUrl(
  text: string,
  suffix = "",
  kind: "config" | "badInstance" = "config",
): void {
  const problem = startUrlProblem(text);
  if (problem) {
    throw new ConfigError(`The SSO start URL ${shownUrl(text)}${suffix} ${problem}.`, kind);
  }
}

/** True when a URL has a user name or password (`https://user:pw@host/`). */
export function hasUrlCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== "" || url.password !== "";
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text.trim());
  }
}

/** A URL as echoed in a message: any user name and password removed, then safeEcho. */
export function shownUrl(text: string): string {
  return safeEcho(withoutUrlCredentials(text));
}

export function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname !== "";
  } catch {
    return false;
  }
}

export function isRegion(text: string): boolean {
  return /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(text);
}

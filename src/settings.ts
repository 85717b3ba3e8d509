import {
  type AwsConfigDocument,
  ConfigParseError,
  getProfile,
  getSsoSession,
  parseAwsConfig,
} from "./aws_config_file.ts";
import { type EndpointConfig, profileEndpointConfig } from "./endpoints.ts";
import { ConfigError } from "./errors.ts";
import type { Env } from "./paths.ts";
import { isTrueSetting } from "./truthy.ts";

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

/** Reads and parses the config file; missing file → undefined; malformed → ConfigError. */
export async function loadConfigFile(path: string): Promise<AwsConfigDocument | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(`Cannot read the AWS config file ${path}: ${readFailure(error)}.`);
  }
  return parseConfigText(text, path);
}

/** Why a file could not be read, in a few words (no raw OS error text). */
function readFailure(error: unknown): string {
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotADirectory) return "a parent of it is not a directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.InvalidData) return "it is not valid UTF-8 text";
  return (error as Error).name;
}

/** Parses config text, turning a malformed line into a ConfigError naming the file and line. */
export function parseConfigText(text: string, path: string): AwsConfigDocument {
  try {
    return parseAwsConfig(text);
  } catch (error) {
    if (error instanceof ConfigParseError) {
      throw new ConfigError(`The AWS config file ${path} is malformed: ${error.message}.`);
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
    const session = profile.get("sso_session");
    if (session !== undefined && session !== "") {
      const sessionValues = config && getSsoSession(config, session);
      if (!sessionValues) {
        throw new ConfigError(
          `Profile ${profileName} uses sso_session ${session}, but ${configPath} has no [sso-session ${session}] section.`,
        );
      }
      for (const name of ["startUrl", "ssoRegion"] as const) {
        const inSession = sessionValues.get(SETTINGS[name].key);
        const inProfile = profile.get(SETTINGS[name].key);
        if (inSession && inProfile && inSession !== inProfile) {
          throw new ConfigError(
            `The value for ${
              SETTINGS[name].key
            } is inconsistent between profile ${profileName} (${inProfile}) and sso-session ${session} (${inSession}).`,
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
        : `Profile ${profileName} in ${configPath} is missing ${where}; add the keys or pass them as flags.`,
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

function requireProfile(
  config: AwsConfigDocument | undefined,
  name: string,
  configPath: string,
): Map<string, string> {
  if (!config) {
    throw new ConfigError(
      `The AWS config file ${configPath} does not exist, so profile ${name} cannot be read.`,
    );
  }
  const profile = getProfile(config, name);
  if (!profile) throw new ConfigError(`Profile ${name} was not found in ${configPath}.`);
  return profile;
}

/** `sso_registration_scopes`: comma-separated, items trimmed, empties dropped (spec §2.4). */
export function parseScopes(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const scopes = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return scopes.length > 0 ? scopes : undefined;
}

/** Throws ConfigError for a start URL that is not https, a bad region, account id or role name. */
export function validateSettings(
  s: {
    startUrl?: string;
    ssoRegion?: string;
    accountId?: string;
    roleName?: string;
    sources?: Partial<Record<SettingName, string>>;
  },
): void {
  const from = (name: SettingName) => (s.sources?.[name] ? ` (from ${s.sources[name]})` : "");
  if (s.startUrl !== undefined && !isHttpsUrl(s.startUrl)) {
    throw new ConfigError(
      `The SSO start URL ${s.startUrl}${from("startUrl")} is not an https URL.`,
    );
  }
  if (s.ssoRegion !== undefined && !isRegion(s.ssoRegion)) {
    throw new ConfigError(
      `The SSO region ${s.ssoRegion}${from("ssoRegion")} is not a valid AWS region name.`,
    );
  }
  if (s.accountId !== undefined && !/^\d{12}$/.test(s.accountId)) {
    throw new ConfigError(
      `The account id ${s.accountId}${
        from("accountId")
      } is not valid: it must be exactly 12 digits.`,
    );
  }
  if (s.roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(s.roleName)) {
    throw new ConfigError(
      `The role name ${s.roleName}${from("roleName")} is not a valid IAM role name.`,
    );
  }
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

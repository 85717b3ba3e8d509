/**
 * What a console launch is asked for, from the command line, the `AWS_CONSOLE_DEFAULT_*`
 * environment variables, the AWS config file or a config token: the role's settings (resolved as
 * `credential-process` resolves them) and the {@link LaunchRequest}. Everything is checked here,
 * before any file is written or anything is sent.
 *
 * @module
 */
import type { LaunchRequest } from "./console_launch.ts";
import type { ConsoleConfig } from "./config_token.ts";
import { parseDuration } from "./signin_token.ts";
import { type AwsConfigDocument, getProfile } from "../config/aws_config_file.ts";
import { configInstances, isFullUrl, resolveInstance } from "../config/instance.ts";
import type { Env } from "../base/paths.ts";
import {
  type CredentialProcessSettings,
  resolveCredentialProcessSettings,
  type SettingFlags,
} from "../config/settings.ts";
import { isEnvFlagOn } from "../base/truthy.ts";
import { ConfigError } from "../base/errors.ts";

/** The environment variables that give a launch's defaults (as in the Python tool). */
export const CONSOLE_ENV = {
  region: "AWS_CONSOLE_DEFAULT_REGION",
  destination: "AWS_CONSOLE_DEFAULT_DESTINATION",
  issuer: "AWS_CONSOLE_DEFAULT_ISSUER",
  logoutFirst: "AWS_CONSOLE_LOGOUT_FIRST",
} as const;

/** The launch flags (undefined: not given). */
export interface LaunchFlags extends SettingFlags {
  region?: string;
  destination?: string;
  overrideRegionInDestination?: boolean;
  duration?: string;
  logoutFirst?: boolean;
  issuer?: string;
}

/** A resolved launch: the role's settings and the request. */
export interface LaunchSettings {
  settings: CredentialProcessSettings;
  request: LaunchRequest;
}

const nonEmpty = (value: string | undefined) => value?.trim() ? value.trim() : undefined;

/** What a launch asks for besides the instance it signs in through. */
export type LaunchChoices = Omit<LaunchRequest, "startUrl" | "ssoRegion">;

/**
 * The launch's choices from the flags, then `AWS_CONSOLE_DEFAULT_*`, then the `--profile` section
 * (its `region` is the console region when neither `--region` nor the env var gives one);
 * `--duration` is checked first.
 */
export function launchChoices(
  flags: LaunchFlags,
  env: Env,
  config: AwsConfigDocument | undefined,
): LaunchChoices {
  const durationMinutes = flags.duration === undefined
    ? undefined
    : parseDuration(flags.duration, "--duration");
  const profileRegion = flags.profile !== undefined && config
    ? nonEmpty(getProfile(config, flags.profile)?.get("region"))
    : undefined;
  return {
    region: nonEmpty(flags.region) ?? nonEmpty(env(CONSOLE_ENV.region)) ?? profileRegion,
    destination: nonEmpty(flags.destination) ?? nonEmpty(env(CONSOLE_ENV.destination)),
    overrideRegionInDestination: flags.overrideRegionInDestination,
    durationMinutes,
    issuer: nonEmpty(flags.issuer) ?? nonEmpty(env(CONSOLE_ENV.issuer)),
    logoutFirst: flags.logoutFirst ?? isEnvFlagOn(env(CONSOLE_ENV.logoutFirst)),
  };
}

/**
 * Settings from flags, then `AWS_SSO_*`, then the `--profile` section, and the launch's choices
 * ({@link launchChoices}).
 */
export function resolveLaunch(
  flags: LaunchFlags,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): LaunchSettings {
  const choices = launchChoices(flags, env, config);
  const settings = withConfiguredSession(
    resolveCredentialProcessSettings(
      withInstance(flags, env, config, configPath),
      env,
      config,
      configPath,
    ),
    config,
  );
  return {
    settings,
    request: { startUrl: settings.startUrl, ssoRegion: settings.ssoRegion, ...choices },
  };
}

/** What `launch-from-config` may override. */
export interface FromConfigFlags {
  accountId?: string;
  roleName?: string;
  logoutFirst?: boolean;
}

/** Settings from a decoded config token, `-a`/`-r` overriding its account and role. */
export function launchFromConfig(
  token: Partial<ConsoleConfig>,
  flags: FromConfigFlags,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): LaunchSettings {
  for (const [field, name] of [["startUrl", "ssourl"], ["ssoRegion", "ssoreg"]] as const) {
    if (!nonEmpty(token[field])) {
      throw new ConfigError(`The config token is not valid: it has no ${name}.`);
    }
  }
  const accountId = nonEmpty(flags.accountId) ?? nonEmpty(token.accountId);
  if (accountId === undefined) {
    throw new ConfigError("The config token names no account; give one with --account-id.");
  }
  const roleName = nonEmpty(flags.roleName) ?? nonEmpty(token.roleName);
  if (roleName === undefined) {
    throw new ConfigError("The config token names no role; give one with --role-name.");
  }
  const durationMinutes = token.durationMinutes === undefined
    ? undefined
    : parseDuration(token.durationMinutes, "The config token's duration");
  const settings = withConfiguredSession(
    resolveCredentialProcessSettings(
      { ssoStartUrl: token.startUrl, ssoRegion: token.ssoRegion, accountId, roleName },
      env,
      config,
      configPath,
    ),
    config,
  );
  return {
    settings,
    request: {
      startUrl: settings.startUrl,
      ssoRegion: settings.ssoRegion,
      region: nonEmpty(token.region),
      destination: nonEmpty(token.destination),
      durationMinutes,
      issuer: nonEmpty(token.issuer) ?? nonEmpty(env(CONSOLE_ENV.issuer)),
      logoutFirst: flags.logoutFirst ?? isEnvFlagOn(env(CONSOLE_ENV.logoutFirst)),
    },
  };
}

/**
 * Without `--profile`, the instance as every command finds it (`config/instance.ts`): a full start
 * URL and region from the flags or `AWS_SSO_START_URL`/`AWS_SSO_REGION` as given; else a partial
 * `-u` matched against the configured start URLs, `AWS_DEFAULT_SSO_*`, or the one instance
 * configured.
 */
function withInstance(
  flags: LaunchFlags,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): LaunchFlags {
  if (flags.profile !== undefined) return flags;
  const startUrl = nonEmpty(flags.ssoStartUrl) ?? nonEmpty(env("AWS_SSO_START_URL"));
  const ssoRegion = nonEmpty(flags.ssoRegion) ?? nonEmpty(env("AWS_SSO_REGION"));
  if (startUrl !== undefined && ssoRegion !== undefined && isFullUrl(startUrl)) return flags;
  const instance = resolveInstance({ startUrl, ssoRegion }, env, config, configPath);
  return { ...flags, ssoStartUrl: instance.startUrl, ssoRegion: instance.ssoRegion };
}

/**
 * Without a profile, the token of the one configured sso-session with the same start URL and
 * region is the one to use (as `aws sso login --sso-session` writes it); otherwise the start URL's.
 */
function withConfiguredSession(
  settings: CredentialProcessSettings,
  config: AwsConfigDocument | undefined,
): CredentialProcessSettings {
  if (settings.profileName !== undefined || settings.sessionName !== undefined) return settings;
  const sessions = configInstances(config).filter((i) =>
    i.sessionName !== undefined && i.startUrl === settings.startUrl &&
    i.ssoRegion === settings.ssoRegion
  );
  if (sessions.length !== 1) return settings;
  return {
    ...settings,
    sessionName: sessions[0].sessionName,
    scopes: sessions[0].scopes,
    sameUrlLegacy: { startUrl: settings.startUrl, ssoRegion: settings.ssoRegion },
  };
}

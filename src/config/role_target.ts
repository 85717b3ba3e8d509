/**
 * Which role `run-as`, `export` and `serve` get credentials for: `--profile NAME` (read as
 * credential-process reads it; `-a`/`-r`/`-u`/`--sso-region` then override the profile's
 * values), or `-a ACCOUNT -r ROLE` with the instance from `-u`/`--sso-region`, the
 * `AWS_DEFAULT_SSO_*` variables or the single one configured, as the Python `run-as` takes
 * them. Also the region to give the program: `--region`, else the profile's `region`.
 *
 * @module
 */
import { type AwsConfigDocument, getProfile } from "./aws_config_file.ts";
import { ConfigError } from "../base/errors.ts";
import { resolveInstance } from "./instance.ts";
import type { Env } from "../base/paths.ts";
import {
  type CredentialProcessSettings,
  isRegion,
  resolveCredentialProcessSettings,
  validateSettings,
} from "./settings.ts";
import { safeEcho } from "../base/safe_text.ts";

/** The flags the three commands share. */
export interface RoleTargetFlags {
  profile?: string;
  accountId?: string;
  roleName?: string;
  ssoStartUrl?: string;
  ssoRegion?: string;
  /** The region for the program (`AWS_REGION`), not the SSO region. */
  region?: string;
}

/** The settings to fetch credentials with, and the program's region when one is known. */
export interface RoleTarget {
  settings: CredentialProcessSettings;
  region?: string;
}

/** An account id of up to 12 digits, left-padded with zeros as the Python tool does. */
export function paddedAccountId(text: string): string {
  const trimmed = text.trim();
  return /^\d{1,11}$/.test(trimmed) ? trimmed.padStart(12, "0") : trimmed;
}

/** Refuses a `--region` that is no AWS region name (before anything is read). */
export function checkRegionFlag(region: string | undefined): void {
  if (region !== undefined && !isRegion(region)) {
    throw new ConfigError(`The region ${safeEcho(region)} is not a valid AWS region name.`);
  }
}

/** The program's region: `--region`, else the `--profile` section's `region`. */
export function targetRegion(
  flags: { region?: string; profile?: string },
  config: AwsConfigDocument | undefined,
): string | undefined {
  if (flags.region !== undefined || flags.profile === undefined || !config) return flags.region;
  return getProfile(config, flags.profile)?.get("region") || undefined;
}

/**
 * Resolves the role and region from the flags and the parsed config file (`--region` already
 * checked with {@link checkRegionFlag}); never touches the network.
 */
export function resolveRoleTarget(
  flags: RoleTargetFlags,
  env: Env,
  config: AwsConfigDocument | undefined,
  configFile: string,
): RoleTarget {
  const accountId = flags.accountId === undefined ? undefined : paddedAccountId(flags.accountId);
  if (flags.profile !== undefined) {
    const settings = resolveCredentialProcessSettings(
      {
        profile: flags.profile,
        ssoStartUrl: flags.ssoStartUrl,
        ssoRegion: flags.ssoRegion,
        accountId,
        roleName: flags.roleName,
      },
      env,
      config,
      configFile,
    );
    return { settings, region: targetRegion(flags, config) };
  }
  if (accountId === undefined || flags.roleName === undefined) {
    throw new ConfigError(
      "Name the role with --profile, or with -a/--account-id and -r/--role-name.",
    );
  }
  const instance = resolveInstance(
    { startUrl: flags.ssoStartUrl, ssoRegion: flags.ssoRegion },
    env,
    config,
    configFile,
  );
  const settings: CredentialProcessSettings = {
    startUrl: instance.startUrl,
    ssoRegion: instance.ssoRegion,
    sessionName: instance.sessionName,
    scopes: instance.scopes,
    sameUrlLegacy: instance.sameUrlLegacy,
    accountId,
    roleName: flags.roleName.trim(),
    sources: {
      startUrl: instance.source,
      ssoRegion: instance.source,
      accountId: "--account-id",
      roleName: "--role-name",
    },
    endpointConfig: {},
    autoLogin: false,
  };
  validateSettings(settings);
  return { settings, region: flags.region };
}

/** The options `run-as`, `export` and `serve` share (`ui/role_options.ts` adds them). */
export interface RoleOptions extends Omit<RoleTargetFlags, "region"> {
  login?: boolean;
  forceRefresh?: boolean;
  verbose?: boolean;
}

/**
 * What the AWS config file says about a login: whether the device code flow is asked for
 * (`sso_use_device_code`), and which sso-sessions share a legacy instance's start URL and region.
 */
import { type AwsConfigDocument, getProfile, getSsoSession } from "./aws_config_file.ts";
import { configInstances } from "./instance.ts";
import type { SsoInstance } from "./settings.ts";
import { isTrueSetting } from "../base/truthy.ts";

/** The sso-sessions of the config that use the same start URL and region as a legacy instance. */
export function sessionsSharingUrl(
  config: AwsConfigDocument | undefined,
  instance: SsoInstance,
): SsoInstance[] {
  if (instance.sessionName !== undefined) return [];
  return configInstances(config).filter((i) =>
    i.sessionName !== undefined && i.startUrl === instance.startUrl &&
    i.ssoRegion === instance.ssoRegion
  );
}

/** True when the profile or the sso-session has `sso_use_device_code = true`. */
export function deviceCodeConfigured(
  config: AwsConfigDocument | undefined,
  where: { profileName?: string; sessionName?: string },
): boolean {
  if (!config) return false;
  const profile = where.profileName !== undefined
    ? getProfile(config, where.profileName)
    : undefined;
  const session = where.sessionName !== undefined
    ? getSsoSession(config, where.sessionName)
    : undefined;
  return isTrueSetting(profile?.get("sso_use_device_code")) ||
    isTrueSetting(session?.get("sso_use_device_code"));
}

/**
 * A named profile and the sso-session its `sso_session` key points at: found in this one place,
 * with one sentence per failure, for `credential-process` (settings) and for the commands that act
 * on an instance (`login`, `logout`, `roles`, `configure`).
 */
import {
  type AwsConfigDocument,
  getProfile,
  getSsoSession,
  profileNames,
} from "./aws_config_file.ts";
import { didYouMean } from "../base/did_you_mean.ts";
import { ConfigError, InstanceError } from "../base/errors.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";

/**
 * The keys of profile `name`; a missing config file or profile is an InstanceError of kind
 * `unknownProfile`.
 */
export function requireProfile(
  config: AwsConfigDocument | undefined,
  name: string,
  configPath: string,
): Map<string, string> {
  if (!config) {
    throw new InstanceError(
      `The AWS config file ${shownPath(configPath)} does not exist, so profile ${
        safeEcho(name)
      } cannot be read.`,
      "unknownProfile",
    );
  }
  const profile = getProfile(config, name);
  if (!profile) {
    throw new InstanceError(
      `Profile ${safeEcho(name)} was not found in ${shownPath(configPath)}${
        didYouMean(name, profileNames(config))
      }.`,
      "unknownProfile",
    );
  }
  return profile;
}

/** An sso-session a profile uses: its name and its section's keys. */
export interface ProfileSession {
  name: string;
  values: Map<string, string>;
}

/**
 * The sso-session profile `profileName` (whose keys are `profile`) names with `sso_session`;
 * undefined when it names none. A name without its `[sso-session NAME]` section is a
 * ConfigError of kind `badInstance`.
 */
export function profileSession(
  config: AwsConfigDocument,
  profileName: string,
  profile: Map<string, string>,
  configPath: string,
): ProfileSession | undefined {
  const name = profile.get("sso_session");
  if (name === undefined || name === "") return undefined;
  const values = getSsoSession(config, name);
  if (!values) {
    throw new ConfigError(
      `Profile ${safeEcho(profileName)} uses sso_session ${safeEcho(name)}, but ${
        shownPath(configPath)
      } has no [sso-session ${safeEcho(name)}] section.`,
      "badInstance",
    );
  }
  return { name, values };
}

/**
 * `configure populate`'s instance and login: which IAM Identity Center instance the profiles are
 * written for (an existing or new `[sso-session]`, `--profile`, the flags, the configure family of
 * env vars, or the one configured), and the login it runs when one is needed and the user can be
 * reached.
 *
 * @module
 */
import { type AwsConfigDocument, getSsoSession } from "../config/aws_config_file.ts";
import {
  CONFIGURE_SSO_REGION_VARS,
  CONFIGURE_START_URL_VARS,
  firstEnv,
} from "../config/configure_defaults.ts";
import { ConfigError, LoginRequiredError } from "../base/errors.ts";
import {
  configInstances,
  type FoundInstance,
  isFullUrl,
  resolveInstance,
} from "../config/instance.ts";
import { deviceCodeConfigured, sessionsSharingUrl } from "../config/login_config.ts";
import type { Env } from "../base/paths.ts";
import { DEFAULT_SCOPES, performLogin } from "../login/oidc_login.ts";
import { probeUserChannel } from "../login/user_channel.ts";
import type { SessionLogin } from "../sso/session.ts";
import { safeEcho } from "../base/safe_text.ts";

/** Env vars of `login` that this command does not read (it has its own family). */
const LOGIN_ONLY_VARS = /^AWS_(SSO_LOGIN|LOGIN)_/;

/** The flags that choose the instance. */
export interface InstanceFlags {
  ssoStartUrl?: string;
  ssoRegion?: string;
  profile?: string;
}

/**
 * The instance: `--sso-session NAME` (an existing section, or a new one for the instance found
 * otherwise), `--profile`, `-u`/`--sso-region`, the configure env family, `AWS_DEFAULT_SSO_*`,
 * or the single configured instance.
 */
export function findInstance(
  options: InstanceFlags,
  sessionName: string | undefined,
  env: Env,
  config: Parameters<typeof configInstances>[0],
  paths: { configFile: string },
): {
  instance: FoundInstance;
  newSession?: { name: string; values: [string, string][] };
} {
  const startUrl = options.ssoStartUrl?.trim() || undefined;
  const ssoRegion = options.ssoRegion?.trim() || undefined;
  if (sessionName !== undefined) {
    const existing = configInstances(config).find((i) => i.sessionName === sessionName);
    if (existing) {
      if (startUrl !== undefined && isFullUrl(startUrl) && startUrl !== existing.startUrl) {
        throw new ConfigError(
          `The sso-session ${safeEcho(sessionName)} already has sso_start_url = ${
            safeEcho(existing.startUrl)
          }, not ${safeEcho(startUrl)}.`,
        );
      }
      if (ssoRegion !== undefined && ssoRegion !== existing.ssoRegion) {
        throw new ConfigError(
          `The sso-session ${safeEcho(sessionName)} already has sso_region = ${
            safeEcho(existing.ssoRegion)
          }, not ${safeEcho(ssoRegion)}.`,
        );
      }
      return {
        instance: {
          ...existing,
          sameUrlLegacy: { startUrl: existing.startUrl, ssoRegion: existing.ssoRegion },
        },
      };
    }
    if (config && getSsoSession(config, sessionName)) {
      throw new ConfigError(
        `The [sso-session ${safeEcho(sessionName)}] section has no sso_start_url or sso_region.`,
      );
    }
  }
  // The configure family of env vars first; login's own variables are not this command's.
  const scopedEnv: Env = (name) => LOGIN_ONLY_VARS.test(name) ? undefined : env(name);
  let query = { startUrl, ssoRegion, profile: options.profile };
  if (startUrl === undefined && options.profile === undefined) {
    const url = firstEnv(env, CONFIGURE_START_URL_VARS);
    if (url) {
      query = {
        ...query,
        startUrl: url.value,
        ssoRegion: ssoRegion ?? firstEnv(env, CONFIGURE_SSO_REGION_VARS)?.value,
      };
    }
  }
  const found = resolveInstance(query, scopedEnv, config, paths.configFile);
  if (sessionName === undefined) return { instance: found };
  return {
    instance: {
      startUrl: found.startUrl,
      ssoRegion: found.ssoRegion,
      sessionName,
      scopes: [...DEFAULT_SCOPES],
      source: `new sso-session ${sessionName}`,
      sameUrlLegacy: { startUrl: found.startUrl, ssoRegion: found.ssoRegion },
    },
    newSession: {
      name: sessionName,
      values: [
        ["sso_start_url", found.startUrl],
        ["sso_region", found.ssoRegion],
        ["sso_registration_scopes", DEFAULT_SCOPES.join(",")],
      ],
    },
  };
}

/**
 * The login of `configure populate`, as `login` does it, when the user can be reached (a
 * terminal or a browser); else the login-required sentence (exit 1).
 */
export function populateLogin(
  config: AwsConfigDocument | undefined,
  profile?: string,
): SessionLogin {
  return async (session, { loginRequired }) => {
    const { rt, log, instance } = session;
    const channel = await (rt.reachUser ?? (() => probeUserChannel(rt, log)))();
    if (!channel) {
      log.log("no terminal and no browser to reach the user: not logging in");
      throw loginRequired;
    }
    try {
      const result = await performLogin(session, {
        useDeviceCode: deviceCodeConfigured(config, {
          profileName: profile,
          sessionName: instance.sessionName,
        }),
        alsoFor: sessionsSharingUrl(config, instance),
        openBrowser: channel.openBrowser,
        out: channel.out,
        expired: (reason) => new LoginRequiredError(`${reason}. ${session.loginRequiredMessage}`),
      });
      return result.token;
    } finally {
      channel.close();
    }
  };
}

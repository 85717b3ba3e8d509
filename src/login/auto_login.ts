/**
 * The auto-login of `credential-process --login` (or `aws_sso_util_auto_login = true`): reaches
 * the user when it can, holds the token lock for the whole login so parallel processes start only
 * one, and tells a login that ran out of time as a login still required. Loaded only when a login
 * is needed, so the usual credential-process path never imports the login flows.
 */
import { LoginRequiredError } from "../base/errors.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { deviceCodeConfigured, sessionsSharingUrl } from "../config/login_config.ts";
import { instanceLabel, performLogin } from "./oidc_login.ts";
import { loadConfigFile } from "../config/settings.ts";
import { isTokenFresh, readToken, type SsoToken, tokenFilePath } from "../cache/token_cache.ts";
import { probeUserChannel } from "./user_channel.ts";
import type { UserChannel } from "../base/runtime.ts";
import type { LoginRequest, SsoSession } from "../sso/session.ts";

/**
 * Logs in on behalf of `credential-process` when the user can be reached (else throws
 * `loginRequired` at once). Holds the token lock (the one the refresh uses) for the whole
 * login, and re-reads the token after taking it, so parallel processes start only one login.
 * The wait is bounded by the authorization's expiry. A login window that expires leaves a login
 * required; a denied login is `loginDenied` (credential-process's exit 3).
 */
export async function autoLogin(session: SsoSession, request: LoginRequest): Promise<SsoToken> {
  const { log, rt, instance } = session;
  const channel: UserChannel | undefined = await (rt.reachUser ??
    (() => probeUserChannel(rt, log)))();
  if (!channel) {
    log.log("auto-login: no terminal and no browser to reach the user");
    throw request.loginRequired;
  }
  log.log(`auto-login: reaching the user through ${channel.via}`);
  // Tell the user when another process's login keeps the lock for more than a moment.
  const waitNote = setTimeout(() => {
    channel.out.write("Waiting for the login started by another aws-sso-util process...\n")
      .catch(() => {});
  }, 1000);
  try {
    const path = await tokenFilePath(session.ssoCacheDir, instance);
    return await withFileLock(
      lockPathFor(path),
      rt.limits.loginLockWaitMs,
      async (locked) => {
        clearTimeout(waitNote);
        log.log(locked ? "token lock acquired" : "token lock not acquired; going on");
        const current = await readToken(path);
        if (
          current && isTokenFresh(current, rt.now()) &&
          current.accessToken !== request.rejectedAccessToken
        ) {
          log.log("another process logged in meanwhile");
          return current;
        }
        // The config file, for `sso_use_device_code` and sessions sharing a legacy start URL.
        const config = session.profileName !== undefined
          ? await loadConfigFile(rt.paths().configFile).catch(() => undefined)
          : undefined;
        await channel.out.write(
          `aws-sso-util credential-process: login required for ${instanceLabel(instance)}.\n`,
        );
        const result = await performLogin(session, {
          useDeviceCode: deviceCodeConfigured(config, {
            profileName: session.profileName,
            sessionName: instance.sessionName,
          }),
          alsoFor: sessionsSharingUrl(config, instance),
          openBrowser: channel.openBrowser,
          out: channel.out,
          // A login that ran out of time leaves a login required.
          expired: (reason) =>
            new LoginRequiredError(`${reason}. ${request.loginRequired.message}`),
        });
        return result.token;
      },
    );
  } finally {
    clearTimeout(waitNote);
    channel.close();
  }
}

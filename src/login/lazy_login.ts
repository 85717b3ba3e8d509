/**
 * The auto-login capability that commands hand to the credential path: it loads the login flows
 * (`auto_login.ts`) only when a login is really needed, so the usual credential-process run never
 * imports them.
 *
 * @module
 */
import type { DebugLog } from "../base/debug_log.ts";
import type { Runtime } from "../base/runtime.ts";
import type { RoleCredentials } from "../cache/credential_cache.ts";
import type { CredentialProcessSettings } from "../config/settings.ts";
import { roleCredentials, settingsSession } from "../sso/role_credentials.ts";
import type { SessionLogin } from "../sso/session.ts";

/**
 * Loaded only when a login is needed. A variable (not a literal) keeps Deno from loading the
 * login flows' module graph at every start; `deno task compile` embeds it (`aws-sso-util.ts`).
 */
const AUTO_LOGIN_MODULE = "./auto_login.ts";

/** Logs in through `auto_login.ts`, loaded now. */
export const lazyAutoLogin: SessionLogin = async (session, request) => {
  const { autoLogin }: typeof import("./auto_login.ts") = await import(AUTO_LOGIN_MODULE);
  return await autoLogin(session, request);
};

/** One run of the one credential path, as the commands start it. */
export interface RoleCredentialsRun {
  rt: Runtime;
  log: DebugLog;
  /** Says a warning sentence. */
  warn(sentence: string): void;
  /** `--login`: log in when needed and the user can be reached (also `aws_sso_util_auto_login`). */
  loginWanted?: boolean;
  forceRefresh?: boolean;
}

/**
 * The role credentials of `settings` through the one credential path (`sso/role_credentials.ts`),
 * with the auto-login capability above: what every command that runs with a role's credentials
 * calls.
 */
export function roleCredentialsWithLogin(
  settings: CredentialProcessSettings,
  run: RoleCredentialsRun,
): Promise<RoleCredentials> {
  const { rt, log, warn, loginWanted } = run;
  const session = settingsSession(settings, { rt, log, warn, login: lazyAutoLogin, loginWanted });
  return roleCredentials(session, settings, { forceRefresh: run.forceRefresh });
}

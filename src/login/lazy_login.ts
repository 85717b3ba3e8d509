/**
 * The auto-login capability that commands hand to the credential path: it loads the login flows
 * (`auto_login.ts`) only when a login is really needed, so the usual credential-process run never
 * imports them.
 *
 * @module
 */
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

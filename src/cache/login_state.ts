/**
 * What a cached SSO token is good for, judged offline: `valid` (usable now without a refresh),
 * `refreshable` (expired or inside the 15-minute refresh window, but it carries a refresh token
 * and an unexpired client registration, so `credential-process` renews it silently) or `expired`
 * (a new login is required).
 *
 * A token inside the refresh window that cannot be refreshed is still `valid` until it actually
 * expires: `credential-process` keeps using it until then (`sso/token_provider.ts`).
 *
 * @module
 */
import { isTokenFresh, isTokenRefreshable, type SsoToken } from "./token_cache.ts";

/** The state of a cached SSO login. */
export type LoginStateName = "valid" | "refreshable" | "expired";

/** A login's state and, when its token can be refreshed, until when (epoch ms). */
export interface LoginState {
  state: LoginStateName;
  /** The client registration's expiry, when the token carries a usable refresh token. */
  refreshableUntil?: number;
}

/** The state of `token` at `now` (epoch ms). Pure: no file or network access. */
export function loginState(token: SsoToken, now: number): LoginState {
  const refreshable = isTokenRefreshable(token, now);
  const refreshableUntil = refreshable ? token.registrationExpiresAt : undefined;
  if (isTokenFresh(token, now)) return { state: "valid", refreshableUntil };
  if (refreshable) return { state: "refreshable", refreshableUntil };
  if (token.expiresAt > now) return { state: "valid" };
  return { state: "expired" };
}

/** True when `credential-process` can use a login in this state without a new sign-in. */
export function usableWithoutLogin(state: LoginStateName | LoginState): boolean {
  const name = typeof state === "string" ? state : state.state;
  return name === "valid" || name === "refreshable";
}

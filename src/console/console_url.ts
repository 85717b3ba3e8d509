/**
 * The URLs a browser opens to reach the console: the federation `Action=login` URL that signs in
 * with a sign-in token, and the sign-out page that continues to it in one navigation.
 *
 * The login URL holds a sign-in token: anyone with it can use the console as the role for 15
 * minutes. It is a bearer secret, shown only where the user asked for it and never in the debug log
 * ({@link redactedLoginUrl}).
 *
 * @module
 */

/** What a login URL is made of. */
export interface LoginUrlParts {
  /** `https://HOST/federation`. */
  federationUrl: string;
  /** Where the console's sign-out sends the user (default: the IAM Identity Center start URL). */
  issuer: string;
  /** The console page to land on. */
  destination: string;
  signinToken: string;
}

/** `FEDERATION?Action=login&Issuer=…&Destination=…&SigninToken=…`. */
export function loginUrl(parts: LoginUrlParts): string {
  const query = new URLSearchParams({
    Action: "login",
    Issuer: parts.issuer,
    Destination: parts.destination,
    SigninToken: parts.signinToken,
  });
  return `${parts.federationUrl}?${query}`;
}

/**
 * A single URL that signs the browser out of any console session, then continues to `login`: the
 * sign-in page's `oauth?Action=logout` with `redirect_uri`. AWS continues only to a regional sign-in
 * host (hence `federationHost(…, regional = true)` for the login URL), so there are no racing
 * tabs as with a separate sign-out page.
 */
export function logoutFirstUrl(logoutUrl: string, login: string): string {
  return `${logoutUrl}?${new URLSearchParams({ Action: "logout", redirect_uri: login })}`;
}

/**
 * A login (or sign-out-first) URL for the debug log: everything from the first `SigninToken` on
 * (the token is the last part of both URLs, encoded or not) is cut.
 */
export function redactedLoginUrl(url: string): string {
  const at = url.search(/SigninToken/i);
  return at < 0 ? url : `${url.slice(0, at)}SigninToken=<redacted>`;
}

/**
 * PKCE (RFC 7636) for the authorization-code flow (docs/formats.md §5.2): the code verifier, its S256
 * challenge, and the browser URL of the authorization request built as the AWS CLI builds it.
 */

const VERIFIER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/** A PKCE code verifier: 64 uniformly random characters of `[A-Za-z0-9-._~]`. */
export function codeVerifier(): string {
  const n = VERIFIER_CHARS.length; // 66
  const limit = 256 - (256 % n); // reject bytes ≥ 198 so every character is equally likely
  let verifier = "";
  while (verifier.length < 64) {
    for (const byte of crypto.getRandomValues(new Uint8Array(80))) {
      if (byte < limit && verifier.length < 64) verifier += VERIFIER_CHARS[byte % n];
    }
  }
  return verifier;
}

/** base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The S256 code challenge: base64url(SHA-256(verifier)) without padding (43 characters). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Percent-encodes like Python's `urllib.parse.quote(s, safe="")`. */
function quote(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The browser URL of the authorization-code flow, built exactly as the AWS CLI builds it
 * (docs/formats.md §5.2): query in the order `response_type`, `client_id`, `redirect_uri`, `state`,
 * `code_challenge_method`, `scopes` (space-joined), then `code_challenge` appended last.
 */
export function authorizeUrl(args: {
  oidcEndpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: readonly string[];
  codeChallenge: string;
}): string {
  const query = [
    ["response_type", "code"],
    ["client_id", args.clientId],
    ["redirect_uri", args.redirectUri],
    ["state", args.state],
    ["code_challenge_method", "S256"],
    ["scopes", args.scopes.join(" ")],
  ].map(([k, v]) => `${k}=${quote(v)}`).join("&");
  return `${args.oidcEndpoint.replace(/\/+$/, "")}/authorize?${query}&code_challenge=${
    quote(args.codeChallenge)
  }`;
}

/**
 * The fake's browser-facing pages: `/authorize` (the authorization code page of the PKCE flow,
 * which redirects to the loopback callback) and `/device` (the page where the user approves a
 * device authorization by its user code).
 *
 * @module
 */

import type { FakeState } from "./state.ts";
import type { AuthorizationCode } from "./types.ts";
import { ApiError, randomString, reqQuery } from "./wire.ts";

/** Pages this module serves. */
export type BrowserPageOp = "Authorize" | "DeviceApprove";

/** Serves one browser page request; throws {@link ApiError} for API errors. */
export function handleBrowserPage(state: FakeState, op: BrowserPageOp, url: URL): Response {
  return op === "Authorize" ? authorize(state, url) : deviceApprove(state, url);
}

function authorize(state: FakeState, url: URL): Response {
  const q = url.searchParams;
  const clientId = reqQuery(url, "client_id", "client_id");
  const redirectUriText = reqQuery(url, "redirect_uri", "redirect_uri");
  const registration = state.registrations.find((r) => r.clientId === clientId);
  if (!registration) throw new ApiError("InvalidClientException", "Unknown client_id");
  let redirectUri: URL;
  try {
    redirectUri = new URL(redirectUriText);
  } catch {
    throw new ApiError("InvalidRedirectUriException", "Malformed redirect_uri");
  }
  const loopback = redirectUri.protocol === "http:" && redirectUri.hostname === "127.0.0.1" &&
    redirectUri.pathname === "/oauth/callback";
  const portless = `${redirectUri.protocol}//${redirectUri.hostname}${redirectUri.pathname}`;
  const registered = registration.redirectUris.length === 0 ||
    registration.redirectUris.some((u) => {
      try {
        const r = new URL(u);
        return `${r.protocol}//${r.hostname}${r.pathname}` === portless;
      } catch {
        return false;
      }
    });
  if (!loopback || !registered) {
    throw new ApiError("InvalidRedirectUriException", `Invalid redirect_uri ${redirectUriText}`);
  }
  const oauthState = q.get("state");
  const redirect = (params: Record<string, string>): Response => {
    const location = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) location.searchParams.set(k, v);
    if (oauthState !== null) location.searchParams.set("state", oauthState);
    return new Response(null, { status: 302, headers: { location: location.href } });
  };
  if (q.get("response_type") !== "code") {
    return redirect({
      error: "unsupported_response_type",
      error_description: "response_type must be code",
    });
  }
  const codeChallenge = q.get("code_challenge");
  if (q.get("code_challenge_method") !== "S256" || !codeChallenge) {
    return redirect({
      error: "invalid_request",
      error_description: "code_challenge with code_challenge_method=S256 is required",
    });
  }
  if (state.options.denyAuthorization) {
    return redirect({ error: "access_denied", error_description: "The user denied access" });
  }
  const code: AuthorizationCode = {
    code: `fakeCode${state.nextId()}${randomString(24)}`,
    clientId,
    redirectUri: redirectUriText,
    codeChallenge,
    scopes: (q.get("scopes") ?? "").split(" ").filter((s) => s !== ""),
    used: false,
  };
  state.authorizationCodes.push(code);
  return redirect({ code: code.code });
}

function deviceApprove(state: FakeState, url: URL): Response {
  const userCode = reqQuery(url, "user_code", "user_code");
  const device = state.deviceAuthorizations.find((d) => d.userCode === userCode);
  if (!device) throw new ApiError("InvalidRequestException", `Unknown user code ${userCode}`);
  if (Date.now() >= device.expiresAtMs) {
    throw new ApiError("ExpiredTokenException", "Device code has expired");
  }
  if (device.state === "pending") device.state = "approved";
  return new Response(`Request approved for ${userCode}\n`, {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

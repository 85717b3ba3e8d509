/**
 * The fake's SSO OIDC API (`oidc.<region>.amazonaws.com`): RegisterClient,
 * StartDeviceAuthorization and CreateToken (device code, authorization code with PKCE, refresh
 * token grants). Errors use OAuth `{"error","error_description"}` bodies.
 *
 * @module
 */

import type { FakeState } from "./state.ts";
import { DEVICE_CODE_GRANT, type DeviceAuthorization, type Registration } from "./types.ts";
import {
  ApiError,
  type JsonObject,
  jsonResponse,
  optString,
  optStringList,
  pkceChallenge,
  randomString,
  randomUserCode,
  reqString,
} from "./wire.ts";

/** Operations this service serves. */
export type OidcOp = "RegisterClient" | "StartDeviceAuthorization" | "CreateToken";

/** Serves one OIDC request whose body is a JSON object; throws {@link ApiError} for API errors. */
export function handleOidc(
  state: FakeState,
  op: OidcOp,
  body: JsonObject,
): Response | Promise<Response> {
  switch (op) {
    case "RegisterClient":
      return registerClient(state, body);
    case "StartDeviceAuthorization":
      return startDeviceAuthorization(state, body);
    case "CreateToken":
      return createToken(state, body);
  }
}

function registerClient(state: FakeState, body: JsonObject): Response {
  const clientName = reqString(body, "clientName");
  const clientType = reqString(body, "clientType");
  if (clientType !== "public") {
    throw new ApiError("InvalidClientMetadataException", `Invalid clientType ${clientType}`);
  }
  const grantTypes = optStringList(body, "grantTypes");
  const known = ["authorization_code", "refresh_token", DEVICE_CODE_GRANT];
  const bad = grantTypes.find((g) => !known.includes(g));
  if (bad !== undefined) {
    throw new ApiError("InvalidClientMetadataException", `Unsupported grant type ${bad}`);
  }
  const nowSec = Math.floor(Date.now() / 1000);
  const registration: Registration = {
    clientId: `fakeClient${state.nextId()}${randomString(12)}`,
    clientSecret: `fakeSecret${randomString(48)}`,
    clientName,
    clientType,
    scopes: optStringList(body, "scopes"),
    grantTypes,
    redirectUris: optStringList(body, "redirectUris"),
    issuerUrl: optString(body, "issuerUrl"),
    clientIdIssuedAt: nowSec,
    clientSecretExpiresAt: nowSec + state.options.registrationLifetimeSec,
  };
  state.registrations.push(registration);
  return jsonResponse({
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    clientIdIssuedAt: registration.clientIdIssuedAt,
    clientSecretExpiresAt: registration.clientSecretExpiresAt,
    ...(grantTypes.includes("authorization_code")
      ? { authorizationEndpoint: `${state.url}/authorize`, tokenEndpoint: `${state.url}/token` }
      : {}),
  });
}

function client(state: FakeState, body: JsonObject): Registration {
  const clientId = reqString(body, "clientId");
  const clientSecret = reqString(body, "clientSecret");
  const registration = state.registrations.find((r) => r.clientId === clientId);
  if (!registration || registration.clientSecret !== clientSecret) {
    throw new ApiError("InvalidClientException", "Invalid client credentials");
  }
  if (registration.clientSecretExpiresAt * 1000 <= Date.now()) {
    throw new ApiError("InvalidClientException", "Client registration has expired");
  }
  return registration;
}

function startDeviceAuthorization(state: FakeState, body: JsonObject): Response {
  const registration = client(state, body);
  const startUrl = reqString(body, "startUrl");
  const device: DeviceAuthorization = {
    deviceCode: `fakeDevice${state.nextId()}${randomString(24)}`,
    userCode: randomUserCode(),
    clientId: registration.clientId,
    startUrl,
    expiresAtMs: Date.now() + state.options.deviceExpiresInSec * 1000,
    state: "pending",
    polls: 0,
  };
  state.deviceAuthorizations.push(device);
  return jsonResponse({
    deviceCode: device.deviceCode,
    userCode: device.userCode,
    verificationUri: `${state.url}/device`,
    verificationUriComplete: `${state.url}/device?user_code=${device.userCode}`,
    expiresIn: state.options.deviceExpiresInSec,
    interval: state.options.deviceInterval,
  });
}

async function createToken(state: FakeState, body: JsonObject): Promise<Response> {
  const registration = client(state, body);
  const grantType = reqString(body, "grantType");
  if (![DEVICE_CODE_GRANT, "authorization_code", "refresh_token"].includes(grantType)) {
    throw new ApiError("UnsupportedGrantTypeException", `Unsupported grant type ${grantType}`);
  }
  if (registration.grantTypes.length > 0 && !registration.grantTypes.includes(grantType)) {
    throw new ApiError("UnauthorizedClientException", `Client may not use ${grantType}`);
  }
  const scopedRefresh = registration.scopes.length > 0;
  switch (grantType) {
    case DEVICE_CODE_GRANT: {
      const deviceCode = reqString(body, "deviceCode");
      const device = state.deviceAuthorizations.find((d) => d.deviceCode === deviceCode);
      if (!device || device.clientId !== registration.clientId || device.state === "consumed") {
        throw new ApiError("InvalidGrantException", "Invalid device code provided");
      }
      device.polls++;
      if (Date.now() >= device.expiresAtMs) {
        throw new ApiError("ExpiredTokenException", "Device code has expired");
      }
      if (device.state === "denied") {
        throw new ApiError("AccessDeniedException", "Authorization was denied by the user");
      }
      const auto = state.options.autoApproveDeviceAfterPolls;
      if (device.state === "pending" && auto !== undefined && device.polls > auto) {
        device.state = "approved";
      }
      if (device.state !== "approved") {
        throw new ApiError("AuthorizationPendingException", "Authorization is still pending");
      }
      device.state = "consumed";
      return issueTokens(state, registration.clientId, scopedRefresh ? "new" : "none");
    }
    case "authorization_code": {
      const codeValue = reqString(body, "code");
      const code = state.authorizationCodes.find((c) => c.code === codeValue);
      if (!code || code.used || code.clientId !== registration.clientId) {
        throw new ApiError("InvalidGrantException", "Invalid authorization code provided");
      }
      if (optString(body, "redirectUri") !== code.redirectUri) {
        throw new ApiError("InvalidGrantException", "Redirect URI mismatch");
      }
      const verifier = optString(body, "codeVerifier") ?? "";
      if ((await pkceChallenge(verifier)) !== code.codeChallenge) {
        throw new ApiError("InvalidGrantException", "Code verifier does not match challenge");
      }
      code.used = true;
      return issueTokens(state, registration.clientId, scopedRefresh ? "new" : "none");
    }
    default: {
      const refreshToken = reqString(body, "refreshToken");
      const record = state.refreshTokens.get(refreshToken);
      if (!record || record.revoked || record.clientId !== registration.clientId) {
        throw new ApiError("InvalidGrantException", "Invalid refresh token provided");
      }
      if (state.options.omitRefreshTokenOnRefresh) {
        return issueTokens(state, registration.clientId, "none");
      }
      if (!state.options.rotateRefreshToken) {
        return issueTokens(state, registration.clientId, refreshToken);
      }
      record.revoked = true;
      return issueTokens(state, registration.clientId, "new");
    }
  }
}

/** `refresh`: "new" issues a refresh token, "none" omits it, anything else is echoed back. */
function issueTokens(state: FakeState, clientId: string, refresh: string): Response {
  const n = state.nextId();
  const accessToken = `fakeAccess${n}${randomString(48)}`;
  state.accessTokens.push(accessToken);
  state.validAccessTokens.add(accessToken);
  let refreshToken: string | undefined = refresh === "none" ? undefined : refresh;
  if (refresh === "new") {
    refreshToken = `fakeRefresh${n}${randomString(48)}`;
    state.refreshTokens.set(refreshToken, { clientId, revoked: false });
  }
  return jsonResponse({
    accessToken,
    tokenType: "Bearer",
    expiresIn: state.options.accessTokenLifetimeSec,
    ...(refreshToken ? { refreshToken } : {}),
  });
}

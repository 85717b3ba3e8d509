/**
 * The Identity Center API calls: the SSO portal (GetRoleCredentials, ListAccounts,
 * ListAccountRoles, Logout) and SSO OIDC (RegisterClient, StartDeviceAuthorization, CreateToken),
 * sent as the AWS SDKs send them (rest-json, unsigned) through our own fetch-based client
 * (`../net/aws_json_call.ts`): no SDK is loaded, proxies and extra CAs are honoured, and every
 * call retries transient failures until the context's deadline.
 */
import { AwsApiError } from "../base/errors.ts";
import { isHeaderSafe } from "../base/safe_text.ts";
import { MAX_TIMESTAMP_MS } from "../base/timestamps.ts";
import type { RoleCredentials } from "../cache/credential_cache.ts";
import type { CreatedToken } from "../cache/token_cache.ts";
import { type ApiContext, callAwsJson } from "../net/aws_json_call.ts";

export type { ApiContext, CallRuntime } from "../net/aws_json_call.ts";

/**
 * The bearer header of a portal call. A token that cannot travel in an HTTP header (a line break,
 * a control or non-ASCII character: a damaged cache file) is refused here, before any network
 * call, as the service would refuse it: an UnauthorizedException, so that every caller treats it
 * as a rejected token (refresh once, else log in again).
 */
function bearer(accessToken: string): Record<string, string> {
  if (!isHeaderSafe(accessToken)) {
    throw new AwsApiError(
      "The cached SSO access token is damaged (it holds a line break, control or non-ASCII character) and cannot be sent.",
      "UnauthorizedException",
    );
  }
  return { "x-amz-sso_bearer_token": accessToken };
}

/** The longest lifetime (seconds) a token or authorization from the service may claim: 10 years. */
const MAX_LIFETIME_SEC = 10 * 365 * 24 * 3600;

/** The sentence of a response value out of range (exit 4): nothing of it is used or cached. */
function invalidValue(operation: string, what: string): AwsApiError {
  return new AwsApiError(
    `The SSO service returned an invalid ${what} in its ${operation} response; try again later.`,
    "InvalidResponse",
  );
}

/** GetRoleCredentials: the role's temporary credentials. */
export async function getRoleCredentials(
  ctx: ApiContext,
  args: { accessToken: string; accountId: string; roleName: string },
): Promise<RoleCredentials> {
  const out = await callAwsJson(ctx, {
    operation: "GetRoleCredentials",
    method: "GET",
    path: "/federation/credentials",
    query: { role_name: args.roleName, account_id: args.accountId },
    headers: bearer(args.accessToken),
  });
  const c = out.roleCredentials as Record<string, unknown> | undefined;
  if (
    !isText(c?.accessKeyId) || !isText(c.secretAccessKey) || !isText(c.sessionToken) ||
    typeof c.expiration !== "number"
  ) {
    throw new AwsApiError("GetRoleCredentials returned incomplete credentials.", "InvalidResponse");
  }
  // Epoch ms: not already past, and writable as a timestamp.
  if (!inRange(c.expiration, ctx.rt.now(), MAX_TIMESTAMP_MS)) {
    throw invalidValue("GetRoleCredentials", "credential expiration time");
  }
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration,
    accountId: args.accountId,
  };
}

/** One account the token can access. */
export interface AccountInfo {
  accountId: string;
  accountName: string;
  emailAddress: string;
}

/** One page of a listing and the token of the next page (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** One page of ListAccounts (`./account_listing.ts` follows the pages, paced). */
export async function listAccountsPage(
  ctx: ApiContext,
  accessToken: string,
  nextToken?: string,
): Promise<Page<AccountInfo>> {
  const out = await callAwsJson(ctx, {
    operation: "ListAccounts",
    method: "GET",
    path: "/assignment/accounts",
    query: { next_token: nextToken, max_result: "100" },
    headers: bearer(accessToken),
  });
  return {
    items: list(out.accountList).map((a) => ({
      accountId: text(a.accountId),
      accountName: text(a.accountName),
      emailAddress: text(a.emailAddress),
    })),
    nextToken: text(out.nextToken) || undefined,
  };
}

/** One page of ListAccountRoles for one account: role names. */
export async function listAccountRolesPage(
  ctx: ApiContext,
  accessToken: string,
  accountId: string,
  nextToken?: string,
): Promise<Page<string>> {
  const out = await callAwsJson(ctx, {
    operation: "ListAccountRoles",
    method: "GET",
    path: "/assignment/roles",
    query: { next_token: nextToken, max_result: "100", account_id: accountId },
    headers: bearer(accessToken),
  });
  return {
    items: list(out.roleList).flatMap((r) => (isText(r.roleName) ? [r.roleName] : [])),
    nextToken: text(out.nextToken) || undefined,
  };
}

/** Logout: ends the token's session on the server. */
export async function logout(ctx: ApiContext, accessToken: string): Promise<void> {
  await callAwsJson(ctx, {
    operation: "Logout",
    method: "POST",
    path: "/logout",
    headers: bearer(accessToken),
  });
}

/** RegisterClient output. */
export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  /** Epoch seconds. */
  clientSecretExpiresAt: number;
}

/** RegisterClient (public client; scopes, grant types, redirect URIs and issuer when given). */
export async function registerClient(
  ctx: ApiContext,
  input: {
    clientName: string;
    scopes?: string[];
    grantTypes?: string[];
    redirectUris?: string[];
    issuerUrl?: string;
  },
): Promise<ClientRegistration> {
  const out = await callAwsJson(ctx, {
    operation: "RegisterClient",
    method: "POST",
    path: "/client/register",
    json: { clientType: "public", ...input },
  });
  if (
    !isText(out.clientId) || !isText(out.clientSecret) ||
    typeof out.clientSecretExpiresAt !== "number"
  ) {
    throw new AwsApiError("RegisterClient returned an incomplete registration.", "InvalidResponse");
  }
  // Epoch seconds: not already past, and writable as a timestamp.
  if (
    !inRange(out.clientSecretExpiresAt, ctx.rt.now() / 1000, MAX_TIMESTAMP_MS / 1000)
  ) {
    throw invalidValue("RegisterClient", "registration expiration time");
  }
  return {
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    clientSecretExpiresAt: out.clientSecretExpiresAt,
  };
}

/** StartDeviceAuthorization output. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  /** Seconds. */
  expiresIn: number;
  /** Seconds between polls (5 when the service names none). */
  interval: number;
}

/** StartDeviceAuthorization for a start URL. */
export async function startDeviceAuthorization(
  ctx: ApiContext,
  input: { clientId: string; clientSecret: string; startUrl: string },
): Promise<DeviceAuthorization> {
  const out = await callAwsJson(ctx, {
    operation: "StartDeviceAuthorization",
    method: "POST",
    path: "/device_authorization",
    json: input,
  });
  if (!isText(out.deviceCode) || !isText(out.userCode) || !isText(out.verificationUri)) {
    throw new AwsApiError(
      "StartDeviceAuthorization returned an incomplete authorization.",
      "InvalidResponse",
    );
  }
  return {
    deviceCode: out.deviceCode,
    userCode: out.userCode,
    verificationUri: out.verificationUri,
    verificationUriComplete: isText(out.verificationUriComplete)
      ? out.verificationUriComplete
      : out.verificationUri,
    // Out of range (absent, not positive, absurdly long): the defaults botocore uses.
    expiresIn: inRange(out.expiresIn, 1, MAX_DEVICE_AUTHORIZATION_SEC) ? out.expiresIn : 600,
    // 0 asks for no wait at all (the login's floor, `devicePollMinMs`, still applies).
    interval: inRange(out.interval, 0, MAX_POLL_INTERVAL_SEC) ? out.interval : 5,
  };
}

/** CreateToken input for any grant (device code, authorization code, refresh token). */
export interface CreateTokenInput {
  clientId: string;
  clientSecret: string;
  grantType: string;
  deviceCode?: string;
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  refreshToken?: string;
}

/** CreateToken. A pending device authorization surfaces as AwsApiError code AuthorizationPendingException. */
export async function createToken(ctx: ApiContext, input: CreateTokenInput): Promise<CreatedToken> {
  const out = await callAwsJson(ctx, {
    operation: "CreateToken",
    method: "POST",
    path: "/token",
    json: { ...input },
  });
  if (!isText(out.accessToken) || typeof out.expiresIn !== "number") {
    throw new AwsApiError("CreateToken returned an incomplete token.", "InvalidResponse");
  }
  if (!isHeaderSafe(out.accessToken)) throw invalidValue("CreateToken", "access token");
  if (!inRange(out.expiresIn, 1, MAX_LIFETIME_SEC)) {
    throw invalidValue("CreateToken", "token lifetime (expiresIn)");
  }
  return {
    accessToken: out.accessToken,
    expiresIn: out.expiresIn,
    refreshToken: isText(out.refreshToken) ? out.refreshToken : undefined,
  };
}

/** CreateToken with the refresh grant, exactly as botocore sends it (no scope). */
export function refreshAccessToken(
  ctx: ApiContext,
  token: { clientId: string; clientSecret: string; refreshToken: string },
): Promise<CreatedToken> {
  return createToken(ctx, { ...token, grantType: "refresh_token" });
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A device authorization lasting longer than this (a day) is taken as absent (600 s). */
const MAX_DEVICE_AUTHORIZATION_SEC = 24 * 3600;
/** A poll interval longer than this (5 minutes) is taken as absent (5 s). */
const MAX_POLL_INTERVAL_SEC = 300;

/** True for a finite number in [min, max]. */
function inRange(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === "object")
    : [];
}

/**
 * Wire helpers shared by the fake's services: the error type a route handler throws, JSON and
 * error responses in the shapes the AWS SDKs parse, request member checks, random identifiers.
 *
 * @module
 */

import { type OpName, PORTAL_OPS } from "./types.ts";

const DEFAULT_STATUS: Record<string, number> = {
  UnauthorizedException: 401,
  InvalidClientException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  TooManyRequestsException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

/** Message of an injected error when the test gives none. */
export const DEFAULT_MESSAGE: Record<string, string> = {
  UnauthorizedException: "Session token not found or invalid",
  TooManyRequestsException: "Rate exceeded",
  InternalServerException: "Internal server error",
  AuthorizationPendingException: "Authorization is still pending",
  SlowDownException: "Client is polling too fast",
  ExpiredTokenException: "Device authorization has expired",
  AccessDeniedException: "Access denied",
};

export const SESSION_TOKEN_INVALID = "Session token not found or invalid";

/** Status for an error shape name (the table used when {@link InjectedFailure.status} is omitted). */
export function defaultStatusFor(errorType: string): number {
  return DEFAULT_STATUS[errorType] ?? 400;
}

/** OAuth-style `error` code for an OIDC error shape, e.g. `invalid_grant` for `InvalidGrantException`. */
export function oauthErrorCode(errorType: string): string {
  if (errorType === "InternalServerException") return "server_error";
  return errorType.replace(/Exception$/, "").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** base64url(SHA-256(verifier)) without padding: the PKCE S256 code challenge. */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `bytes` random bytes, base64url-encoded. */
export function randomString(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

/** A device user code such as `BCDF-GHJK`. */
export function randomUserCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const chars = [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

/** An API error raised by a route handler. */
export class ApiError extends Error {
  constructor(readonly errorType: string, message: string, readonly status?: number) {
    super(message);
  }
}

export type JsonObject = Record<string, unknown>;

export function optString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new ApiError("InvalidRequestException", `Member ${name} must be a string`);
  }
  return value;
}

export function reqString(body: JsonObject, name: string): string {
  const value = optString(body, name);
  if (value === undefined || value === "") {
    throw new ApiError("InvalidRequestException", `Missing required member ${name}`);
  }
  return value;
}

export function optStringList(body: JsonObject, name: string): string[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new ApiError("InvalidRequestException", `Member ${name} must be a list of strings`);
  }
  return value;
}

export function reqQuery(url: URL, name: string, member: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === "") {
    throw new ApiError(
      "InvalidRequestException",
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: ` +
        "Member must not be null",
    );
  }
  return value;
}

/** A JSON response with a request id, as the real services send. */
export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", "x-amzn-RequestId": crypto.randomUUID() },
  });
}

/** The error response of `op`: portal errors use `{message,__type}`, OIDC ones OAuth bodies. */
export function errorResponse(op: OpName | "Unknown", e: ApiError): Response {
  const oidc = op !== "Unknown" && !PORTAL_OPS.has(op);
  const payload = oidc
    ? { error: oauthErrorCode(e.errorType), error_description: e.message }
    : { message: e.message, __type: e.errorType };
  return new Response(JSON.stringify(payload), {
    status: e.status ?? defaultStatusFor(e.errorType),
    headers: {
      "content-type": "application/json",
      "x-amzn-ErrorType": e.errorType,
      "x-amzn-RequestId": crypto.randomUUID(),
    },
  });
}

/**
 * The fake's SSO portal API (`portal.sso.<region>.amazonaws.com`): GetRoleCredentials,
 * ListAccounts, ListAccountRoles (paged) and Logout, authorised by the
 * `x-amz-sso_bearer_token` header. Errors use `{"message","__type"}` bodies.
 *
 * @module
 */

import type { FakeState } from "./state.ts";
import type { IssuedCredentials, OpName } from "./types.ts";
import { ApiError, jsonResponse, randomString, reqQuery, SESSION_TOKEN_INVALID } from "./wire.ts";

/** Operations this service serves. */
export type PortalOp = "GetRoleCredentials" | "ListAccounts" | "ListAccountRoles" | "Logout";

/** Serves one portal API request; throws {@link ApiError} for API errors. */
export function handlePortal(state: FakeState, op: PortalOp, req: Request, url: URL): Response {
  switch (op) {
    case "GetRoleCredentials":
      return getRoleCredentials(state, req, url);
    case "ListAccounts":
      return listAccounts(state, req, url);
    case "ListAccountRoles":
      return listAccountRoles(state, req, url);
    case "Logout":
      return logout(state, req);
  }
}

/** Whether `op` belongs to this service. */
export function isPortalOp(op: OpName): op is PortalOp {
  return op === "GetRoleCredentials" || op === "ListAccounts" || op === "ListAccountRoles" ||
    op === "Logout";
}

function bearer(state: FakeState, req: Request): string {
  const token = req.headers.get("x-amz-sso_bearer_token");
  if (!token || !state.validAccessTokens.has(token)) {
    throw new ApiError("UnauthorizedException", SESSION_TOKEN_INVALID);
  }
  return token;
}

function pageOf<T>(
  state: FakeState,
  items: T[],
  listing: string,
  url: URL,
): { nextToken?: string; page: T[] } {
  let size = state.options.pageSize;
  const maxResult = url.searchParams.get("max_result");
  if (maxResult !== null) {
    const n = Number(maxResult);
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new ApiError("InvalidRequestException", `Invalid max_result ${maxResult}`);
    }
    size = Math.min(size, n);
  }
  let offset = 0;
  const nextToken = url.searchParams.get("next_token");
  if (nextToken !== null && nextToken !== "") {
    const entry = state.pageTokens.get(nextToken);
    if (!entry || entry.listing !== listing) {
      throw new ApiError("InvalidRequestException", "Invalid next token");
    }
    offset = entry.offset;
  }
  const page = items.slice(offset, offset + size);
  if (state.options.repeatNextToken) {
    const token = `same-token-${listing}`;
    state.pageTokens.set(token, { listing, offset: 0 });
    return { nextToken: token, page };
  }
  if (offset + size >= items.length) return { page };
  const token = randomString(24);
  state.pageTokens.set(token, { listing, offset: offset + size });
  return { nextToken: token, page };
}

function getRoleCredentials(state: FakeState, req: Request, url: URL): Response {
  const roleName = reqQuery(url, "role_name", "roleName");
  const accountId = reqQuery(url, "account_id", "accountId");
  const bearerToken = bearer(state, req);
  const account = state.options.accounts.find((a) => a.accountId === accountId);
  if (!account || !account.roles.includes(roleName)) {
    throw new ApiError("ForbiddenException", "No access", 403);
  }
  const n = state.nextCredentialId();
  const creds: IssuedCredentials = {
    accountId,
    roleName,
    accessKeyId: `ASIAFAKE${String(n).padStart(12, "0")}`,
    secretAccessKey: `fakeSecret${n}${randomString(24)}`,
    sessionToken: `fakeSessionToken${n}${randomString(96)}`,
    expiration: Date.now() + state.options.credentialLifetimeMs,
    bearerToken,
  };
  state.issuedCredentials.push(creds);
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = creds;
  return jsonResponse({
    roleCredentials: { accessKeyId, secretAccessKey, sessionToken, expiration },
  });
}

function listAccounts(state: FakeState, req: Request, url: URL): Response {
  bearer(state, req);
  const accounts = state.options.accounts.map(({ accountId, accountName, emailAddress }) => ({
    accountId,
    accountName,
    emailAddress,
  }));
  const { nextToken, page } = pageOf(state, accounts, "accounts", url);
  return jsonResponse({ ...(nextToken ? { nextToken } : {}), accountList: page });
}

function listAccountRoles(state: FakeState, req: Request, url: URL): Response {
  const accountId = reqQuery(url, "account_id", "accountId");
  bearer(state, req);
  const account = state.options.accounts.find((a) => a.accountId === accountId);
  if (!account) throw new ApiError("ForbiddenException", "No access", 403);
  const roles = account.roles.map((roleName) => ({ roleName, accountId }));
  const { nextToken, page } = pageOf(state, roles, `roles:${accountId}`, url);
  return jsonResponse({ ...(nextToken ? { nextToken } : {}), roleList: page });
}

function logout(state: FakeState, req: Request): Response {
  state.validAccessTokens.delete(bearer(state, req));
  return new Response(null, {
    status: 200,
    headers: { "x-amzn-RequestId": crypto.randomUUID() },
  });
}

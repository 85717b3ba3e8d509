/**
 * The Identity Center API calls, through the AWS SDK for JavaScript v3. The SDK is imported
 * lazily here and only here, so that the cache-hit path never loads it.
 * Every call retries transient failures (5xx, throttling, network errors) with the SDK's
 * standard backoff, and gives up at the context's deadline with an AwsApiError.
 */
import { AwsApiError } from "./errors.ts";
import type { DebugLog } from "./debug_log.ts";
import type { RoleCredentials } from "./credential_cache.ts";
import type { CreatedToken } from "./token_cache.ts";

/** Where and how long to call. */
export interface ApiContext {
  region: string;
  /** Endpoint URL of the service being called. */
  endpoint: string;
  /** Epoch ms after which the call is abandoned. */
  deadline: number;
  log?: DebugLog;
}

/** Attempts per call, as the SDK counts them (1 + retries). */
export const MAX_ATTEMPTS = 5;
/** A single HTTP attempt is abandoned after this long. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Loaded on the first call; a variable (not a literal) keeps the SDK out of the start-up graph. */
const SDK_MODULE = "./sdk.ts";
const sdk = async (): Promise<typeof import("./sdk.ts")> => await import(SDK_MODULE);
const ssoModule = async () => (await sdk()).sso;
const oidcModule = async () => (await sdk()).oidc;

function clientConfig(ctx: ApiContext) {
  return {
    region: ctx.region,
    endpoint: ctx.endpoint,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionTimeout: 5_000,
      throwOnRequestTimeout: true,
      logger: silentLogger(ctx),
    },
    // The SDK must never print on stdout/stderr: its warnings go to the debug log.
    logger: silentLogger(ctx),
    // The SSO APIs are unsigned; static dummy credentials keep the SDK from searching for some.
    credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
  };
}

function silentLogger(ctx: ApiContext) {
  const toLog = (...args: unknown[]) => ctx.log?.log(`sdk: ${args.map(String).join(" ")}`);
  return { trace: () => {}, debug: () => {}, info: () => {}, warn: toLog, error: toLog };
}

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
}

/** Sends one command with the deadline, logging status and timing, mapping failures. */
async function send<T>(
  ctx: ApiContext,
  operation: string,
  client: SdkClient,
  command: unknown,
): Promise<T> {
  const started = performance.now();
  const remaining = ctx.deadline - Date.now();
  try {
    if (remaining <= 0) throw new DOMException("deadline passed", "TimeoutError");
    const output = await client.send(command, { abortSignal: AbortSignal.timeout(remaining) }) as {
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    ctx.log?.log(
      `${operation} -> HTTP ${output.$metadata?.httpStatusCode} after ${
        output.$metadata?.attempts ?? 1
      } attempt(s) in ${(performance.now() - started).toFixed(0)}ms (${ctx.endpoint})`,
    );
    return output as T;
  } catch (error) {
    const mapped = toApiError(operation, error, ctx);
    ctx.log?.log(
      `${operation} failed after ${
        (performance.now() - started).toFixed(0)
      }ms: ${mapped.errorCode} ${
        (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? ""
      }`,
    );
    throw mapped;
  } finally {
    client.destroy();
  }
}

/** Turns an SDK or network error into an AwsApiError with a one-sentence message. */
function toApiError(operation: string, error: unknown, ctx: ApiContext): AwsApiError {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
  };
  const name = e?.name ?? "Error";
  if (name === "TimeoutError" || name === "AbortError") {
    return new AwsApiError(
      `${operation} did not succeed before the time limit (endpoint ${ctx.endpoint}); check your network and try again.`,
      "Timeout",
      true,
    );
  }
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) {
    const detail = (e?.code ?? e?.message ?? String(error)).split("\n")[0];
    return new AwsApiError(
      `${operation} could not reach ${ctx.endpoint} (${detail}); check your network and try again.`,
      "NetworkError",
      true,
    );
  }
  const message = (e.message ?? "").split("\n")[0].replace(/[.\s]+$/, "");
  return new AwsApiError(
    `${operation} failed with ${name} (HTTP ${status})${
      message && message !== name ? `: ${message}` : ""
    }.`,
    name,
    e.$fault === "server" || status === 429,
  );
}

/** GetRoleCredentials: the role's temporary credentials. */
export async function getRoleCredentials(
  ctx: ApiContext,
  args: { accessToken: string; accountId: string; roleName: string },
): Promise<RoleCredentials> {
  const sdk = await ssoModule();
  const out = await send<{
    roleCredentials?: {
      accessKeyId?: string;
      secretAccessKey?: string;
      sessionToken?: string;
      expiration?: number;
    };
  }>(
    ctx,
    "GetRoleCredentials",
    new sdk.SSOClient(clientConfig(ctx)),
    new sdk.GetRoleCredentialsCommand(args),
  );
  const c = out.roleCredentials;
  if (
    !c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || typeof c.expiration !== "number"
  ) {
    throw new AwsApiError("GetRoleCredentials returned incomplete credentials.", "InvalidResponse");
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

/** ListAccounts, following every page. */
export async function listAccounts(ctx: ApiContext, accessToken: string): Promise<AccountInfo[]> {
  const sdk = await ssoModule();
  const accounts: AccountInfo[] = [];
  let nextToken: string | undefined;
  do {
    const out = await send<{ accountList?: Partial<AccountInfo>[]; nextToken?: string }>(
      ctx,
      "ListAccounts",
      new sdk.SSOClient(clientConfig(ctx)),
      new sdk.ListAccountsCommand({ accessToken, nextToken, maxResults: 100 }),
    );
    for (const a of out.accountList ?? []) {
      accounts.push({
        accountId: a.accountId ?? "",
        accountName: a.accountName ?? "",
        emailAddress: a.emailAddress ?? "",
      });
    }
    nextToken = out.nextToken || undefined;
  } while (nextToken);
  return accounts;
}

/** ListAccountRoles for one account, following every page. */
export async function listAccountRoles(
  ctx: ApiContext,
  accessToken: string,
  accountId: string,
): Promise<string[]> {
  const sdk = await ssoModule();
  const roles: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await send<{ roleList?: { roleName?: string }[]; nextToken?: string }>(
      ctx,
      "ListAccountRoles",
      new sdk.SSOClient(clientConfig(ctx)),
      new sdk.ListAccountRolesCommand({ accessToken, accountId, nextToken, maxResults: 100 }),
    );
    for (const r of out.roleList ?? []) if (r.roleName) roles.push(r.roleName);
    nextToken = out.nextToken || undefined;
  } while (nextToken);
  return roles;
}

/** Logout: ends the token's session on the server. */
export async function logout(ctx: ApiContext, accessToken: string): Promise<void> {
  const sdk = await ssoModule();
  await send(
    ctx,
    "Logout",
    new sdk.SSOClient(clientConfig(ctx)),
    new sdk.LogoutCommand({ accessToken }),
  );
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
  const sdk = await oidcModule();
  const out = await send<Partial<ClientRegistration>>(
    ctx,
    "RegisterClient",
    new sdk.SSOOIDCClient(clientConfig(ctx)),
    new sdk.RegisterClientCommand({ clientType: "public", ...input }),
  );
  if (!out.clientId || !out.clientSecret || typeof out.clientSecretExpiresAt !== "number") {
    throw new AwsApiError("RegisterClient returned an incomplete registration.", "InvalidResponse");
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
  /** Seconds between polls. */
  interval: number;
}

/** StartDeviceAuthorization for a start URL. */
export async function startDeviceAuthorization(
  ctx: ApiContext,
  input: { clientId: string; clientSecret: string; startUrl: string },
): Promise<DeviceAuthorization> {
  const sdk = await oidcModule();
  const out = await send<Partial<DeviceAuthorization>>(
    ctx,
    "StartDeviceAuthorization",
    new sdk.SSOOIDCClient(clientConfig(ctx)),
    new sdk.StartDeviceAuthorizationCommand(input),
  );
  if (!out.deviceCode || !out.userCode || !out.verificationUri) {
    throw new AwsApiError(
      "StartDeviceAuthorization returned an incomplete authorization.",
      "InvalidResponse",
    );
  }
  return {
    deviceCode: out.deviceCode,
    userCode: out.userCode,
    verificationUri: out.verificationUri,
    verificationUriComplete: out.verificationUriComplete ?? out.verificationUri,
    expiresIn: out.expiresIn ?? 600,
    interval: out.interval ?? 5,
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
  const sdk = await oidcModule();
  const out = await send<{ accessToken?: string; expiresIn?: number; refreshToken?: string }>(
    ctx,
    "CreateToken",
    new sdk.SSOOIDCClient(clientConfig(ctx)),
    new sdk.CreateTokenCommand(input),
  );
  if (!out.accessToken || typeof out.expiresIn !== "number") {
    throw new AwsApiError("CreateToken returned an incomplete token.", "InvalidResponse");
  }
  return { accessToken: out.accessToken, expiresIn: out.expiresIn, refreshToken: out.refreshToken };
}

/** CreateToken with the refresh grant, exactly as botocore sends it (no scope). */
export function refreshAccessToken(
  ctx: ApiContext,
  token: { clientId: string; clientSecret: string; refreshToken: string },
): Promise<CreatedToken> {
  return createToken(ctx, { ...token, grantType: "refresh_token" });
}

/** One page of a listing and the token of the next page (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** One page of ListAccounts (for callers that pace or retry page by page). */
export async function listAccountsPage(
  ctx: ApiContext,
  accessToken: string,
  nextToken?: string,
): Promise<Page<AccountInfo>> {
  const sdk = await ssoModule();
  const out = await send<{ accountList?: Partial<AccountInfo>[]; nextToken?: string }>(
    ctx,
    "ListAccounts",
    new sdk.SSOClient(clientConfig(ctx)),
    new sdk.ListAccountsCommand({ accessToken, nextToken, maxResults: 100 }),
  );
  return {
    items: (out.accountList ?? []).map((a) => ({
      accountId: a.accountId ?? "",
      accountName: a.accountName ?? "",
      emailAddress: a.emailAddress ?? "",
    })),
    nextToken: out.nextToken || undefined,
  };
}

/** One page of ListAccountRoles for one account: role names. */
export async function listAccountRolesPage(
  ctx: ApiContext,
  accessToken: string,
  accountId: string,
  nextToken?: string,
): Promise<Page<string>> {
  const sdk = await ssoModule();
  const out = await send<{ roleList?: { roleName?: string }[]; nextToken?: string }>(
    ctx,
    "ListAccountRoles",
    new sdk.SSOClient(clientConfig(ctx)),
    new sdk.ListAccountRolesCommand({ accessToken, accountId, nextToken, maxResults: 100 }),
  );
  return {
    items: (out.roleList ?? []).flatMap((r) => (r.roleName ? [r.roleName] : [])),
    nextToken: out.nextToken || undefined,
  };
}

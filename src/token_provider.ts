import type { DebugLog } from "./debug_log.ts";
import { type EndpointConfig, resolveEndpoint } from "./endpoints.ts";
import { AwsApiError, LoginRequiredError } from "./errors.ts";
import { lockPathFor, withFileLock } from "./file_lock.ts";
import type { Env } from "./paths.ts";
import { redact } from "./debug_log.ts";
import type { SsoInstance } from "./settings.ts";
import { refreshAccessToken } from "./sso_api.ts";
import {
  isTokenFresh,
  isTokenRefreshable,
  readToken,
  refreshedTokenJson,
  type SsoToken,
  tokenFilePath,
  tokenFromJson,
  writeToken,
} from "./token_cache.ts";

/** What getting a usable token needs from the outside world. */
export interface TokenContext {
  ssoCacheDir: string;
  env: Env;
  endpointConfig?: EndpointConfig;
  now: () => number;
  /** Epoch ms by which any network call must be done. */
  deadline: number;
  log: DebugLog;
  /** Refresh even a fresh token (when it can be refreshed). */
  forceRefresh?: boolean;
  /** Message of the LoginRequiredError thrown when no usable token exists. */
  loginRequiredMessage: string;
}

/** The one sentence that tells the user how to log in again. */
export function loginRequiredMessage(instance: SsoInstance, profileName?: string): string {
  return profileName !== undefined
    ? `Login required. Use \`aws-sso-util login --profile ${profileName}\` or \`aws sso login --profile ${profileName}\` and try again.`
    : `Login required for ${instance.startUrl}. Use \`aws-sso-util login ${instance.startUrl} ${instance.ssoRegion}\` and try again.`;
}

/**
 * Returns a token that can be used now: the cached one while it has more than 15 minutes left;
 * otherwise a refreshed one when it carries a refresh token and a live registration (one
 * refresh shared by concurrent processes through a lock next to the token file); otherwise the
 * cached one while it has not expired. Throws LoginRequiredError when none is usable.
 */
export async function getUsableToken(instance: SsoInstance, ctx: TokenContext): Promise<SsoToken> {
  const path = await tokenFilePath(ctx.ssoCacheDir, instance);
  const token = await readToken(path);
  const now = ctx.now();
  if (!token) {
    ctx.log.log(`token cache miss: ${path}`);
    throw new LoginRequiredError(ctx.loginRequiredMessage);
  }
  const left = Math.round((token.expiresAt - now) / 1000);
  ctx.log.log(`token ${redact(token.accessToken)} from ${path}, ${left}s left`);
  if (isTokenFresh(token, now) && !ctx.forceRefresh) return token;
  if (!isTokenRefreshable(token, now)) {
    ctx.log.log("token cannot be refreshed (no refresh token or registration expired)");
    return usableOrLoginRequired(token, ctx);
  }
  return await withFileLock(
    lockPathFor(path),
    Math.max(0, ctx.deadline - ctx.now()),
    async (locked) => {
      const current = (locked && await readToken(path)) || token;
      if (current.accessToken !== token.accessToken && isTokenFresh(current, ctx.now())) {
        ctx.log.log("token was refreshed by another process");
        return current;
      }
      return await refresh(instance, current, path, ctx);
    },
  );
}

async function refresh(
  instance: SsoInstance,
  token: SsoToken,
  path: string,
  ctx: TokenContext,
): Promise<SsoToken> {
  const endpoint = resolveEndpoint("sso-oidc", instance.ssoRegion, ctx.env, ctx.endpointConfig);
  ctx.log.log(`refreshing token via ${endpoint.url} (${endpoint.source})`);
  try {
    const created = await refreshAccessToken(
      { region: instance.ssoRegion, endpoint: endpoint.url, deadline: ctx.deadline, log: ctx.log },
      {
        clientId: token.clientId!,
        clientSecret: token.clientSecret!,
        refreshToken: token.refreshToken!,
      },
    );
    const json = refreshedTokenJson(token.raw, instance, created, ctx.now());
    try {
      await writeToken(path, json);
    } catch (error) {
      ctx.log.log(`could not write refreshed token: ${(error as Error).message}`);
    }
    ctx.log.log(`token refreshed: ${redact(created.accessToken)}, expires ${json.expiresAt}`);
    return tokenFromJson(json)!;
  } catch (error) {
    if (!(error instanceof AwsApiError)) throw error;
    ctx.log.log(`token refresh failed: ${error.message}`);
    return usableOrLoginRequired(token, ctx);
  }
}

function usableOrLoginRequired(token: SsoToken, ctx: TokenContext): SsoToken {
  if (token.expiresAt > ctx.now()) return token;
  ctx.log.log("token has expired");
  throw new LoginRequiredError(ctx.loginRequiredMessage);
}

import { readJsonObject, writeFileAtomic } from "../base/atomic_file.ts";
import { tokenCacheKey } from "./cache_keys.ts";
import { joinPath } from "../base/paths.ts";
import { pythonJsonDumps } from "../base/python_json.ts";
import type { SsoInstance } from "../config/settings.ts";
import { formatAwsTimestamp, parseAwsTimestamp } from "../base/timestamps.ts";

/** botocore refreshes a token with less than this left (docs/formats.md §2.1). */
export const TOKEN_REFRESH_WINDOW_MS = 15 * 60 * 1000;

/** An SSO access token as cached in `~/.aws/sso/cache/<sha1>.json`. */
export interface SsoToken {
  /** The file's JSON as read, unknown fields included (kept on rewrite). */
  raw: Record<string, unknown>;
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Epoch ms, when present and parseable. */
  registrationExpiresAt?: number;
}

/** Path of the token file of an instance. */
export async function tokenFilePath(ssoCacheDir: string, instance: SsoInstance): Promise<string> {
  return joinPath(ssoCacheDir, `${await tokenCacheKey(instance)}.json`);
}

/** Reads a token file; missing, corrupt or lacking `accessToken`/`expiresAt` → undefined. */
export async function readToken(path: string): Promise<SsoToken | undefined> {
  const raw = await readJsonObject(path);
  return raw && tokenFromJson(raw);
}

/** Validates a token file's JSON as botocore's SSOTokenLoader does. */
export function tokenFromJson(raw: Record<string, unknown>): SsoToken | undefined {
  const expiresAt = parseAwsTimestamp(raw.expiresAt);
  if (typeof raw.accessToken !== "string" || raw.accessToken === "" || expiresAt === undefined) {
    return undefined;
  }
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return {
    raw,
    accessToken: raw.accessToken,
    expiresAt,
    refreshToken: str(raw.refreshToken),
    clientId: str(raw.clientId),
    clientSecret: str(raw.clientSecret),
    registrationExpiresAt: parseAwsTimestamp(raw.registrationExpiresAt),
  };
}

/** True when the token has at least the refresh window left (botocore refreshes below it). */
export function isTokenFresh(token: SsoToken, now: number): boolean {
  return token.expiresAt - now >= TOKEN_REFRESH_WINDOW_MS;
}

/** True when the token carries a refresh token and an unexpired client registration. */
export function isTokenRefreshable(token: SsoToken, now: number): boolean {
  return Boolean(
    token.refreshToken && token.clientId && token.clientSecret &&
      token.registrationExpiresAt !== undefined && token.registrationExpiresAt > now,
  );
}

/** What CreateToken returned. */
export interface CreatedToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
}

/**
 * The token file content after a refresh: the old file's fields (unknown ones included) with a
 * new `accessToken` and `expiresAt`; the refresh token is replaced when the service sent a new
 * one and kept otherwise; `startUrl`/`region` are set from the configuration, as botocore does.
 */
export function refreshedTokenJson(
  old: Record<string, unknown>,
  instance: SsoInstance,
  created: CreatedToken,
  now: number,
): Record<string, unknown> {
  return {
    ...old,
    startUrl: instance.startUrl,
    region: instance.ssoRegion,
    accessToken: created.accessToken,
    expiresAt: formatAwsTimestamp(now + created.expiresIn * 1000),
    ...(created.refreshToken ? { refreshToken: created.refreshToken } : {}),
  };
}

/** Writes a token file atomically (mode 0600) in the AWS CLI's layout. */
export async function writeToken(path: string, json: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, pythonJsonDumps(json));
}

/**
 * A copy of a token file's JSON for a second key (the legacy start-URL key of an sso-session's
 * login) without the refresh token and client registration: refreshing either copy would rotate
 * the refresh token the other holds, and the AWS CLI never refreshes legacy tokens anyway.
 */
export function accessOnlyTokenJson(json: Record<string, unknown>): Record<string, unknown> {
  const { refreshToken: _r, clientId: _i, clientSecret: _s, registrationExpiresAt: _e, ...rest } =
    json;
  return rest;
}

/**
 * The SSO OIDC client-registration cache shared with the AWS CLI v2 (docs/formats.md §1.4): one file per
 * instance in `~/.aws/sso/cache`, named by {@link registrationCacheKey}, holding `clientId`,
 * `clientSecret`, `expiresAt` (`…Z`), `scopes` when scopes were sent and `grantTypes` for
 * authorization-code (PKCE) registrations.
 */
import { readJsonObject, writeFileAtomic } from "../base/atomic_file.ts";
import { registrationCacheKey } from "./cache_keys.ts";
import { joinPath } from "../base/paths.ts";
import { pythonJsonDumps } from "../base/python_json.ts";
import type { SsoInstance } from "../config/settings.ts";
import { formatAwsTimestamp, parseAwsTimestamp } from "../base/timestamps.ts";

/** A registration is not reused within this long of its expiry (as the AWS CLI does). */
export const REGISTRATION_REUSE_MARGIN_MS = 15 * 60 * 1000;

/** Grant types of an authorization-code (PKCE) registration, in the AWS CLI's order. */
export const PKCE_GRANT_TYPES: readonly string[] = ["authorization_code", "refresh_token"];

/** Which login flow a registration serves. */
export type LoginFlow = "pkce" | "device";

/** A cached client registration. */
export interface CachedRegistration {
  clientId: string;
  clientSecret: string;
  /** Epoch ms. */
  expiresAt: number;
  /** `expiresAt` as written in the file (copied verbatim into token files). */
  expiresAtText: string;
  scopes?: string[];
  grantTypes?: string[];
}

/** Path of the registration file of an instance (key from its configured scopes, docs/formats.md §1.4). */
export async function registrationFilePath(
  ssoCacheDir: string,
  instance: SsoInstance,
): Promise<string> {
  const key = await registrationCacheKey({
    startUrl: instance.startUrl,
    region: instance.ssoRegion,
    scopes: instance.scopes,
    sessionName: instance.sessionName,
  });
  return joinPath(ssoCacheDir, `${key}.json`);
}

/** Reads a registration file; missing, corrupt or incomplete → undefined. */
export async function readRegistration(path: string): Promise<CachedRegistration | undefined> {
  const raw = await readJsonObject(path);
  return raw && registrationFromJson(raw);
}

/** Validates a registration file's JSON. */
export function registrationFromJson(
  raw: Record<string, unknown>,
): CachedRegistration | undefined {
  const expiresAt = parseAwsTimestamp(raw.expiresAt);
  if (
    typeof raw.clientId !== "string" || raw.clientId === "" ||
    typeof raw.clientSecret !== "string" || raw.clientSecret === "" || expiresAt === undefined
  ) {
    return undefined;
  }
  const list = (v: unknown) =>
    Array.isArray(v) && v.every((s) => typeof s === "string") ? v as string[] : undefined;
  return {
    clientId: raw.clientId,
    clientSecret: raw.clientSecret,
    expiresAt,
    expiresAtText: raw.expiresAt as string,
    scopes: list(raw.scopes),
    grantTypes: list(raw.grantTypes),
  };
}

/** The flow a registration was made for: `authorization_code` in `grantTypes` ⇒ PKCE. */
export function registrationFlow(registration: CachedRegistration): LoginFlow {
  return registration.grantTypes?.includes("authorization_code") ? "pkce" : "device";
}

/** True when the registration serves `flow` and has more than 15 minutes left. */
export function isRegistrationReusable(
  registration: CachedRegistration,
  flow: LoginFlow,
  now: number,
): boolean {
  return registrationFlow(registration) === flow &&
    registration.expiresAt - now > REGISTRATION_REUSE_MARGIN_MS;
}

/**
 * The registration file content the AWS CLI writes: `clientId`, `clientSecret`, `expiresAt`
 * (from `clientSecretExpiresAt`, epoch seconds), then `scopes` when sent and `grantTypes` when
 * sent (PKCE).
 */
export function registrationJson(
  response: { clientId: string; clientSecret: string; clientSecretExpiresAt: number },
  sent: { scopes?: readonly string[]; grantTypes?: readonly string[] },
): Record<string, unknown> {
  return {
    clientId: response.clientId,
    clientSecret: response.clientSecret,
    expiresAt: formatAwsTimestamp(response.clientSecretExpiresAt * 1000),
    ...(sent.scopes && sent.scopes.length > 0 ? { scopes: [...sent.scopes] } : {}),
    ...(sent.grantTypes && sent.grantTypes.length > 0 ? { grantTypes: [...sent.grantTypes] } : {}),
  };
}

/** Writes a registration file atomically (mode 0600) with Python's JSON layout. */
export async function writeRegistration(
  path: string,
  json: Record<string, unknown>,
): Promise<void> {
  await writeFileAtomic(path, pythonJsonDumps(json));
}

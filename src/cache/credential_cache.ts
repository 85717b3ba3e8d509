import { readJsonObject, writeFileAtomic } from "../base/atomic_file.ts";
import { roleCredentialCacheKey } from "./cache_keys.ts";
import { joinPath } from "../base/paths.ts";
import { pythonJsonDumps } from "../base/python_json.ts";
import { formatAwsTimestamp, parseAwsTimestamp } from "../base/timestamps.ts";

/** The AWS CLI reuses cached credentials only with at least this much left (docs/formats.md §3). */
export const CREDENTIAL_REUSE_MARGIN_MS = 15 * 60 * 1000;

/** Role credentials from GetRoleCredentials. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiration: number;
  accountId?: string;
}

/** Path of the cached credentials for a role, under the AWS CLI's key. */
export async function credentialFilePath(
  cliCacheDir: string,
  ref: { accountId: string; roleName: string; sessionName?: string; startUrl: string },
): Promise<string> {
  return joinPath(cliCacheDir, `${await roleCredentialCacheKey(ref)}.json`);
}

/** Reads cached credentials; a missing, corrupt or incomplete file → undefined. */
export async function readCachedCredentials(path: string): Promise<RoleCredentials | undefined> {
  const raw = await readJsonObject(path);
  return raw && credentialsFromJson(raw);
}

/** Validates a credential cache file's JSON; incomplete → undefined. */
export function credentialsFromJson(
  raw: Record<string, unknown>,
): RoleCredentials | undefined {
  const c = raw.Credentials as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object") return undefined;
  const expiration = parseAwsTimestamp(c.Expiration);
  if (
    typeof c.AccessKeyId !== "string" || typeof c.SecretAccessKey !== "string" ||
    typeof c.SessionToken !== "string" || expiration === undefined || !c.AccessKeyId ||
    !c.SecretAccessKey
  ) {
    return undefined;
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration,
    accountId: typeof c.AccountId === "string" ? c.AccountId : undefined,
  };
}

/** True when cached credentials have at least the reuse margin left. */
export function areCredentialsReusable(creds: RoleCredentials, now: number): boolean {
  return creds.expiration - now >= CREDENTIAL_REUSE_MARGIN_MS;
}

/** Writes credentials in exactly the AWS CLI's layout (`ProviderType: "sso"`), atomically, 0600. */
export async function writeCachedCredentials(path: string, creds: RoleCredentials): Promise<void> {
  await writeFileAtomic(
    path,
    pythonJsonDumps({
      ProviderType: "sso",
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        SessionToken: creds.sessionToken,
        Expiration: formatAwsTimestamp(creds.expiration),
        AccountId: creds.accountId,
      },
    }),
  );
}

/** The `credential_process` output: one line of compact JSON (docs/formats.md §4). */
export function credentialProcessJson(creds: RoleCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Expiration: formatAwsTimestamp(creds.expiration),
    AccountId: creds.accountId,
  });
}

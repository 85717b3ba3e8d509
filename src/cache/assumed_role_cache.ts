/**
 * The assumed-role cache shared with the AWS CLI (v1 and v2) in `~/.aws/cli/cache`: one file per
 * AssumeRole, named and laid out exactly as botocore's `AssumeRoleCredentialFetcher` names and
 * writes it, so that what either tool cached the other reuses (docs/role-chaining.md).
 *
 * - Key: the AssumeRole arguments botocore passes (`RoleArn`, and when the profile sets them
 *   `RoleSessionName`, `ExternalId`, `SerialNumber`, `DurationSeconds`), the session name left out
 *   when it was generated, as `sha1(json.dumps(args, sort_keys=True))`, `:` and `/` replaced by
 *   `_`. File: `<key>.json`.
 * - Value: the AssumeRole response as botocore's JSON file cache keeps it: `Credentials` (with the
 *   `Expiration` as an ISO-8601 UTC timestamp and the role's `AccountId`), `AssumedRoleUser`,
 *   `ResponseMetadata`. botocore reuses an entry while 15 minutes or more are left, and so do we.
 *
 * @module
 */
import { readJsonObject, writeFileAtomic } from "../base/atomic_file.ts";
import { sha1Hex } from "./cache_keys.ts";
import { credentialsFromJson, type RoleCredentials } from "./credential_cache.ts";
import { pythonJsonDumps } from "../base/python_json.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";
import { joinPath } from "../base/paths.ts";
import type { RoleChain, RoleHop } from "../config/role_chain.ts";

/** AssumeRole's arguments as botocore names them, for the cache key. */
export interface AssumeRoleKeyArgs {
  RoleArn: string;
  /** Only when the profile sets `role_session_name` (a generated name is not in the key). */
  RoleSessionName?: string;
  ExternalId?: string;
  SerialNumber?: string;
  DurationSeconds?: number;
}

/** The text whose SHA-1 is the key: Python's `json.dumps(args, sort_keys=True)`. */
export function assumedRoleKeyText(args: AssumeRoleKeyArgs): string {
  return pythonJsonDumps(args, { sortKeys: true });
}

/** The cache key botocore's AssumeRole fetcher uses for these arguments. */
export async function assumedRoleCacheKey(args: AssumeRoleKeyArgs): Promise<string> {
  // botocore's `_make_file_safe` (a hex digest has nothing to replace; kept as botocore has it).
  return (await sha1Hex(assumedRoleKeyText(args))).replace(/[:/\\]/g, "_");
}

/** The cache file of these arguments in `cliCacheDir`. */
export async function assumedRoleCachePath(
  cliCacheDir: string,
  args: AssumeRoleKeyArgs,
): Promise<string> {
  return joinPath(cliCacheDir, `${await assumedRoleCacheKey(args)}.json`);
}

/** The cache key arguments of a hop: botocore's, the configured values only. */
export function assumeRoleKeyArgs(hop: RoleHop): AssumeRoleKeyArgs {
  return {
    RoleArn: hop.roleArn,
    RoleSessionName: hop.roleSessionName,
    ExternalId: hop.externalId,
    SerialNumber: hop.mfaSerial,
    DurationSeconds: hop.durationSeconds,
  };
}

/** The cache files of a chain's hops, in the order of `chain.hops`. */
export function chainCachePaths(chain: RoleChain, cliCacheDir: string): Promise<string[]> {
  return Promise.all(
    chain.hops.map((h) => assumedRoleCachePath(cliCacheDir, assumeRoleKeyArgs(h))),
  );
}

/** A cached AssumeRole result. */
export interface CachedAssumedRole {
  credentials: RoleCredentials;
  /** The assumed role's session ARN (`arn:aws:sts::…:assumed-role/…`), when the file names it. */
  arn?: string;
}

/** Reads a cache entry; a missing, corrupt or incomplete file is undefined. */
export async function readAssumedRole(path: string): Promise<CachedAssumedRole | undefined> {
  const raw = await readJsonObject(path);
  const credentials = raw && credentialsFromJson(raw);
  if (!credentials) return undefined;
  const user = raw.AssumedRoleUser as Record<string, unknown> | undefined;
  const arn = typeof user?.Arn === "string" && user.Arn !== "" ? user.Arn : undefined;
  return { credentials, arn };
}

/** What AssumeRole returned (`sts/sts_api.ts`), as botocore keeps it in this cache. */
export interface AssumedRole {
  /** The credentials; `accountId` is the role's account, from the assumed role's ARN. */
  credentials: RoleCredentials;
  assumedRoleUser: { assumedRoleId: string; arn: string };
  packedPolicySize?: number;
  sourceIdentity?: string;
  requestId?: string;
  /** The response headers botocore keeps (`ResponseMetadata.HTTPHeaders`), names lower-case. */
  httpHeaders: Record<string, string>;
}

/**
 * Writes the entry in botocore's layout (key order as botocore's parser gives it), atomically,
 * mode 0600.
 */
export async function writeAssumedRole(path: string, entry: AssumedRole): Promise<void> {
  const c = entry.credentials;
  await writeFileAtomic(
    path,
    pythonJsonDumps({
      Credentials: {
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        Expiration: formatAwsTimestamp(c.expiration),
        AccountId: c.accountId,
      },
      AssumedRoleUser: {
        AssumedRoleId: entry.assumedRoleUser.assumedRoleId,
        Arn: entry.assumedRoleUser.arn,
      },
      PackedPolicySize: entry.packedPolicySize,
      SourceIdentity: entry.sourceIdentity,
      ResponseMetadata: {
        RequestId: entry.requestId,
        HTTPStatusCode: 200,
        HTTPHeaders: entry.httpHeaders,
      },
    }),
  );
}

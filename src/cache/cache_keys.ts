import { pythonJsonDumps } from "../base/python_json.ts";

/**
 * Cache file names shared with the AWS CLI v2 and botocore (docs/formats.md §1.1, §1.4, §3).
 * All keys are lowercase hex SHA-1 digests of strings built exactly as Python builds them.
 */

/** Lowercase hex SHA-1 of the UTF-8 bytes of `text`. */
export async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The token cache key: SHA-1 of the sso-session name, or of the exact start URL for legacy profiles. */
export function tokenCacheKey(ref: { sessionName?: string; startUrl: string }): Promise<string> {
  return sha1Hex(ref.sessionName ?? ref.startUrl);
}

/** The role-credential cache key botocore's SSOCredentialFetcher uses in `~/.aws/cli/cache`. */
export function roleCredentialCacheKey(args: {
  accountId: string;
  roleName: string;
  sessionName?: string;
  startUrl: string;
}): Promise<string> {
  return sha1Hex(roleCredentialKeyText(args));
}

/** Printable ASCII that Python's `json.dumps` prints as is (no `"`, `\\` or escapes). */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The text whose SHA-1 is {@link roleCredentialCacheKey}: compact, sorted Python JSON. */
export function roleCredentialKeyText(args: {
  accountId: string;
  roleName: string;
  sessionName?: string;
  startUrl: string;
}): string {
  const last = args.sessionName !== undefined
    ? ["sessionName", args.sessionName]
    : ["startUrl", args.startUrl];
  if ([args.accountId, args.roleName, last[1]].every((v) => PLAIN_JSON.test(v))) {
    // The usual case, spelled out (Python's dumps would print exactly this): fast for `status`.
    return `{"accountId":"${args.accountId}","roleName":"${args.roleName}","${last[0]}":"${
      last[1]
    }"}`;
  }
  const input: Record<string, string> = { roleName: args.roleName, accountId: args.accountId };
  if (args.sessionName !== undefined) input.sessionName = args.sessionName;
  else input.startUrl = args.startUrl;
  return pythonJsonDumps(input, { compact: true, sortKeys: true });
}

/** The client-registration cache key of the current AWS CLI v2 (docs/formats.md §1.4). */
export function registrationCacheKey(args: {
  startUrl: string;
  region: string;
  scopes?: string[];
  sessionName?: string;
}): Promise<string> {
  return sha1Hex(pythonJsonDumps({
    tool: "botocore",
    startUrl: args.startUrl,
    region: args.region,
    scopes: args.scopes ?? null,
    session_name: args.sessionName ?? null,
  }, { sortKeys: true }));
}

/**
 * The environment `run-as` gives its child: what to set and what to remove from the inherited
 * environment. Pure: it takes the credentials, the region and the names of the variables to
 * clear, and leaves the process environment to the caller (`child_command.ts`).
 *
 * @module
 */
import type { RoleCredentials } from "../cache/credential_cache.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";

/** The container-credentials variables the SDKs read; a child must not inherit another's. */
export const CONTAINER_VARIABLES: readonly string[] = [
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/** Profile selection and static keys, removed so the SDK takes what we give it. */
const CREDENTIAL_VARIABLES: readonly string[] = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_CREDENTIALS_EXPIRATION",
  "AWS_ACCOUNT_ID",
];

/** What to change in the inherited environment. */
export interface ChildEnvironment {
  /** Variables to set (they win over inherited ones). */
  set: Record<string, string>;
  /** Variables to remove (never also in `set`). */
  unset: string[];
}

/** How the child gets its credentials. */
export type ChildCredentials =
  | { kind: "static"; credentials: RoleCredentials }
  | { kind: "container"; url: string; token: string };

/** The child's environment for `credentials` and `region` (undefined: left as inherited). */
export function childEnvironment(
  credentials: ChildCredentials,
  region: string | undefined,
): ChildEnvironment {
  const set: Record<string, string> = {};
  if (credentials.kind === "static") {
    const c = credentials.credentials;
    const expiration = formatAwsTimestamp(c.expiration);
    set.AWS_ACCESS_KEY_ID = c.accessKeyId;
    set.AWS_SECRET_ACCESS_KEY = c.secretAccessKey;
    set.AWS_SESSION_TOKEN = c.sessionToken;
    set.AWS_CREDENTIAL_EXPIRATION = expiration; // the AWS CLI's name
    set.AWS_CREDENTIALS_EXPIRATION = expiration; // the Python aws-sso-util's name
    if (c.accountId) set.AWS_ACCOUNT_ID = c.accountId;
  } else {
    set.AWS_CONTAINER_CREDENTIALS_FULL_URI = credentials.url;
    set.AWS_CONTAINER_AUTHORIZATION_TOKEN = credentials.token;
  }
  if (region) {
    set.AWS_REGION = region;
    set.AWS_DEFAULT_REGION = region;
  }
  const unset = [...CREDENTIAL_VARIABLES, ...CONTAINER_VARIABLES].filter((n) => !(n in set));
  return { set, unset };
}

/**
 * STS AssumeRole, sent as the AWS SDK for JavaScript v3 sends it: the query protocol (`POST /`,
 * a form body, an XML answer) through our own HTTP client (`../net/aws_json_call.ts`: proxies, CA
 * bundles, retries, user agent and time limits as for every AWS call), signed with SigV4 by the
 * npm library `../net/sigv4.ts` loads, and only when a call is made.
 *
 * @module
 */
import { AwsApiError } from "../base/errors.ts";
import type { AssumedRole } from "../cache/assumed_role_cache.ts";
import { parseAwsTimestamp } from "../base/timestamps.ts";
import { type ApiContext, callAws } from "../net/aws_json_call.ts";
import { queryForm, queryReader, type QueryResponse, xmlChild, xmlText } from "../net/aws_query.ts";
import { loadSigner } from "../net/signing.ts";
import type { SigningCredentials } from "../net/signing_types.ts";
import { isHeaderSafe } from "../base/safe_text.ts";
import { MAX_TIMESTAMP_MS } from "../base/timestamps.ts";

export type { AssumedRole } from "../cache/assumed_role_cache.ts";

/** The API version of STS. */
export const STS_VERSION = "2011-06-15";

/** AssumeRole's parameters (those a profile can set). */
export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  externalId?: string;
  /** The MFA device (`mfa_serial`); `tokenCode` is its current code. */
  serialNumber?: string;
  tokenCode?: string;
}

/** The response headers kept in {@link AssumedRole.httpHeaders}. */
const KEPT_HEADERS = ["x-amzn-requestid", "content-type", "content-length", "date"];

/** The account id of an ARN (`arn:aws:sts::123456789012:assumed-role/…`), if it has one. */
export function arnAccount(arn: string | undefined): string | undefined {
  const account = arn?.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * Calls AssumeRole with `credentials` (the source's) at the context's endpoint, signed for its
 * signing region. Throws AwsApiError with the service's error code (`AccessDenied`,
 * `ExpiredToken`, `ValidationError`, …) or `InvalidResponse`; credentials that cannot be sent in a
 * header (a damaged cache file) are refused before any call as `InvalidClientTokenId`, as STS
 * would refuse them. `label` starts every sentence ("AssumeRole of arn:… (profile deploy)").
 */
export async function assumeRole(
  ctx: ApiContext,
  credentials: SigningCredentials,
  input: AssumeRoleInput,
  label = "AssumeRole",
): Promise<AssumedRole> {
  if (
    !isHeaderSafe(credentials.accessKeyId) ||
    (credentials.sessionToken && !isHeaderSafe(credentials.sessionToken))
  ) {
    throw new AwsApiError(
      `${label}: the credentials to call it with are damaged (a line break, control or non-ASCII character) and cannot be sent.`,
      "InvalidClientTokenId",
    );
  }
  const sign = await loadSigner();
  const body = queryForm("AssumeRole", STS_VERSION, [
    ["RoleArn", input.roleArn],
    ["RoleSessionName", input.roleSessionName],
    ["DurationSeconds", input.durationSeconds],
    ["ExternalId", input.externalId],
    ["SerialNumber", input.serialNumber],
    ["TokenCode", input.tokenCode],
  ]);
  const scope = { service: "sts", region: ctx.endpoint.signingRegion };
  const response = await callAws(ctx, {
    operation: label,
    method: "POST",
    path: "/",
    headers: { "content-length": String(new TextEncoder().encode(body).length) },
    body: { contentType: "application/x-www-form-urlencoded", text: body },
    sign: (request) => sign(request, credentials, scope, ctx.rt.now()),
  }, queryReader("AssumeRole"));
  return assumedRoleOf(response, ctx.rt.now(), label);
}

/** The credentials and role of an `AssumeRoleResponse`; AwsApiError for a value out of range. */
function assumedRoleOf({ root, headers }: QueryResponse, now: number, label: string): AssumedRole {
  const result = xmlChild(root, "AssumeRoleResult");
  const c = xmlChild(result, "Credentials");
  const [accessKeyId, secretAccessKey, sessionToken] = [
    xmlText(c, "AccessKeyId"),
    xmlText(c, "SecretAccessKey"),
    xmlText(c, "SessionToken"),
  ];
  const expiration = parseAwsTimestamp(xmlText(c, "Expiration"));
  if (!accessKeyId || !secretAccessKey || !sessionToken || expiration === undefined) {
    throw new AwsApiError(`${label} returned incomplete credentials.`, "InvalidResponse");
  }
  if (!isHeaderSafe(accessKeyId) || !isHeaderSafe(sessionToken)) {
    throw new AwsApiError(
      `${label} returned credentials that cannot be sent in a header; try again later.`,
      "InvalidResponse",
    );
  }
  if (expiration <= now || expiration > MAX_TIMESTAMP_MS) {
    throw new AwsApiError(
      `${label} returned an invalid credential expiration time; try again later.`,
      "InvalidResponse",
    );
  }
  const arn = xmlText(result, "AssumedRoleUser", "Arn") ?? "";
  const packed = Number(xmlText(result, "PackedPolicySize"));
  const httpHeaders: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name);
    if (value !== null) httpHeaders[name] = value;
  }
  return {
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration,
      accountId: arnAccount(arn),
    },
    assumedRoleUser: {
      assumedRoleId: xmlText(result, "AssumedRoleUser", "AssumedRoleId") ?? "",
      arn,
    },
    packedPolicySize: Number.isInteger(packed) ? packed : undefined,
    sourceIdentity: xmlText(result, "SourceIdentity"),
    requestId: xmlText(root, "ResponseMetadata", "RequestId") ?? headers.get("x-amzn-requestid") ??
      undefined,
    httpHeaders,
  };
}

/**
 * AWS Signature Version 4 for one request, by aws4fetch (npm, pinned in deno.lock): no signing of
 * our own. Loaded lazily, only when a signed request is sent (`signing.ts`).
 *
 * The headers signed are the ones the AWS SDK for JavaScript v3 signs: every header of the request
 * but `user-agent` (the SDKs never sign it), plus `host`, `x-amz-date`, for temporary credentials
 * `x-amz-security-token`, and `x-amz-content-sha256`, the payload's hash, which the SDK's signer
 * adds as well.
 *
 * @module
 */
import { AwsV4Signer } from "npm:aws4fetch@1.0.20";
import type { RequestSigner } from "./signing_types.ts";

/** `YYYYMMDDTHHMMSSZ`, the SigV4 timestamp of epoch ms `now`. */
export function amzDate(now: number): string {
  return new Date(now).toISOString().replace(/[:-]|\.\d{3}/g, "");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The request with its SigV4 headers added (`authorization`, `x-amz-date`,
 * `x-amz-content-sha256`, and `x-amz-security-token` for temporary credentials), signed at `now`
 * (epoch ms).
 */
export const signRequest: RequestSigner = async (request, credentials, scope, now) => {
  const toSign = new Headers(request.headers);
  const userAgent = toSign.get("user-agent");
  toSign.delete("user-agent");
  toSign.delete("authorization");
  if (!toSign.has("x-amz-content-sha256")) {
    toSign.set("x-amz-content-sha256", await sha256Hex(request.body ?? ""));
  }
  const signer = new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers: toSign,
    body: request.body ?? "",
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken || undefined,
    service: scope.service,
    region: scope.region,
    datetime: amzDate(now),
    allHeaders: true,
  });
  const headers: Record<string, string> = userAgent === null ? {} : { "user-agent": userAgent };
  (await signer.sign()).headers.forEach((value, name) => headers[name] = value);
  return { ...request, headers };
};

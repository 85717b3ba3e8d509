/**
 * The federation endpoint's `getSigninToken`: role credentials in, a sign-in token out. The
 * credentials go in the form-encoded body of a POST (never in a URL, where proxies and logs would
 * keep them), as the session JSON `{"sessionId","sessionKey","sessionToken"}`, with an optional
 * `SessionDuration` in seconds (15 minutes to 12 hours).
 *
 * @module
 */
import { AwsApiError, ConfigError } from "../base/errors.ts";
import type { DebugLog } from "../base/debug_log.ts";
import { NetworkFailure } from "../net/http_client.ts";
import type { CaBundle, HttpRequest, Runtime } from "../base/runtime.ts";
import { safeEcho } from "../base/safe_text.ts";

/** The shortest and longest console session, in minutes. */
export const MIN_DURATION_MINUTES = 15;
export const MAX_DURATION_MINUTES = 720;

/** A sign-in token answer is a few kilobytes; anything much larger is not one. */
const MAX_SIGNIN_RESPONSE_BYTES = 64 * 1024;

/** The role credentials a console session is made from. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * A console session duration in whole minutes (15–720) from flag or token text; `source` names
 * it in the message. Checked before anything is sent.
 */
export function parseDuration(value: string | number, source: string): number {
  const text = String(value).trim();
  const minutes = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(minutes >= MIN_DURATION_MINUTES && minutes <= MAX_DURATION_MINUTES)) {
    throw new ConfigError(
      `${source} must be a whole number of minutes from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}, not ${
        safeEcho(text)
      }.`,
    );
  }
  return minutes;
}

/** The getSigninToken request (POST, form-encoded). */
export function signinTokenRequest(
  federationUrl: string,
  credentials: SessionCredentials,
  durationMinutes?: number,
): HttpRequest {
  const form = new URLSearchParams({ Action: "getSigninToken" });
  if (durationMinutes !== undefined) form.set("SessionDuration", String(durationMinutes * 60));
  form.set(
    "Session",
    JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    }),
  );
  return {
    method: "POST",
    url: federationUrl,
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "accept": "application/json",
    },
    body: form.toString(),
  };
}

/** The sign-in token of a getSigninToken answer; anything but a 200 with one is one sentence. */
export function parseSigninTokenResponse(status: number, body: string, host: string): string {
  if (status !== 200) {
    const hint = status === 400 || status === 403
      ? " (the role credentials may have expired, or the duration may exceed what the role allows)"
      : "";
    throw new AwsApiError(
      `The AWS sign-in endpoint ${
        safeEcho(host)
      } refused the sign-in token request with HTTP ${status}${hint}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const token = (json as { SigninToken?: unknown } | undefined)?.SigninToken;
  if (
    typeof json !== "object" || json === null || typeof token !== "string" ||
    !/^[\x21-\x7e]{1,16384}$/.test(token)
  ) {
    throw new AwsApiError(
      `The AWS sign-in endpoint ${safeEcho(host)} answered without a valid sign-in token.`,
    );
  }
  return token;
}

/** Where and how to call getSigninToken. */
export interface SigninTokenCall {
  federationUrl: string;
  credentials: SessionCredentials;
  durationMinutes?: number;
  caBundle?: CaBundle;
  log: DebugLog;
}

/** Calls getSigninToken once over the runtime's HTTP transport (proxies and CA bundles honoured). */
export async function getSigninToken(rt: Runtime, call: SigninTokenCall): Promise<string> {
  const request = signinTokenRequest(call.federationUrl, call.credentials, call.durationMinutes);
  const host = new URL(call.federationUrl).host;
  call.log.log(
    `getSigninToken via ${call.federationUrl}${
      call.durationMinutes === undefined ? "" : ` (SessionDuration ${call.durationMinutes * 60} s)`
    }`,
  );
  const signal = rt.timeout(rt.limits.consoleSigninMs);
  let status: number;
  let body: string;
  try {
    const response = await rt.http(request, {
      signal,
      caBundle: call.caBundle,
      maxBytes: MAX_SIGNIN_RESPONSE_BYTES,
    });
    status = response.status;
    body = response.body;
  } catch (error) {
    if (error instanceof ConfigError) throw error; // a bad CA bundle
    const why = error instanceof NetworkFailure
      ? error.detail
      : signal.aborted
      ? `no answer within ${Math.round(rt.limits.consoleSigninMs / 1000)} seconds`
      : (error as Error)?.message ?? String(error);
    call.log.log(`getSigninToken failed: ${why}`);
    throw new AwsApiError(
      `Could not reach the AWS sign-in endpoint ${safeEcho(host)}: ${safeEcho(why, 200)}.`,
    );
  }
  call.log.log(`getSigninToken answered HTTP ${status} (${body.length} bytes)`);
  return parseSigninTokenResponse(status, body, host);
}

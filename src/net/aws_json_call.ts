/**
 * One call of an AWS rest-json API (the SSO portal and SSO OIDC services are both rest-json and
 * unsigned), with the AWS SDKs' standard retry behaviour: up to {@link MAX_ATTEMPTS} attempts,
 * each abandoned after the runtime's `limits.requestTimeoutMs`; server errors (5xx), throttling (429 and the
 * throttling error codes) and transient network failures are retried with capped exponential
 * backoff and full jitter; nothing runs past the caller's deadline. Every failure becomes an
 * AwsApiError with a one-sentence message.
 *
 * @module
 */
import { AwsApiError } from "../errors.ts";
import type { DebugLog } from "../debug_log.ts";
import { parseJsonObject } from "../json_object.ts";
import { safeEcho } from "../ui/safe_text.ts";
import { type CaBundle, hostOf, type HttpRequest, NetworkFailure } from "./http_client.ts";
import type { Runtime } from "../runtime.ts";

/** Attempts per call, as the AWS SDKs count them (1 + retries). */
export const MAX_ATTEMPTS = 5;
const USER_AGENT = "aws-sso-util-deno";

/** What a call takes from the runtime: the clock, the time limits and the HTTP transport. */
export type CallRuntime = Pick<Runtime, "now" | "sleep" | "limits" | "http">;

/** Where and how long to call. */
export interface ApiContext {
  rt: CallRuntime;
  region: string;
  /** Endpoint URL of the service being called. */
  endpoint: string;
  /** Epoch ms after which the call is abandoned. */
  deadline: number;
  /** Extra CAs to trust (`AWS_CA_BUNDLE` or the profile's `ca_bundle`). */
  caBundle?: CaBundle;
  log?: DebugLog;
}

/** One operation's request. */
export interface AwsRequest {
  operation: string;
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Sent as a JSON body (POST operations). */
  json?: Record<string, unknown>;
}

const THROTTLING_CODES = new Set([
  "ThrottlingException",
  "ThrottledException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
]);

/** Sends the request with retries; resolves with the parsed JSON object of a 2xx response. */
export async function callAwsJson(
  ctx: ApiContext,
  request: AwsRequest,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const url = requestUrl(ctx.endpoint, request);
  const headers: Record<string, string> = { "user-agent": USER_AGENT, ...request.headers };
  if (request.json) headers["content-type"] = "application/json";
  const body = request.json ? JSON.stringify(dropUndefined(request.json)) : undefined;
  if (ctx.caBundle) {
    ctx.log?.log(`${request.operation}: trusting ${ctx.caBundle.path} (${ctx.caBundle.source})`);
  }
  let failure: AwsApiError | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const remaining = ctx.deadline - ctx.rt.now();
    if (remaining <= 0) break;
    const outcome = await attemptOnce(
      ctx,
      request.operation,
      { method: request.method, url, headers, body },
      remaining,
    );
    if (!(outcome instanceof AwsApiError)) {
      ctx.log?.log(
        `${request.operation} -> HTTP ${outcome.status} after ${attempt} attempt(s) in ${
          (performance.now() - started).toFixed(0)
        }ms (${ctx.endpoint})`,
      );
      return outcome.json;
    }
    failure = outcome;
    ctx.log?.log(
      `${request.operation} failed after ${
        (performance.now() - started).toFixed(0)
      }ms: ${failure.errorCode}: ${failure.message}`,
    );
    if (!failure.retryable || attempt === MAX_ATTEMPTS) break;
    const limits = ctx.rt.limits;
    const base = THROTTLING_CODES.has(failure.errorCode) || failure.errorCode === "HTTP429"
      ? limits.throttlingRetryBaseMs
      : limits.retryBaseMs;
    const delay = Math.random() * Math.min(limits.maxRetryDelayMs, base * 2 ** (attempt - 1));
    if (ctx.rt.now() + delay >= ctx.deadline) break;
    await ctx.rt.sleep(delay);
  }
  throw failure ?? timeoutError(request.operation, ctx.endpoint);
}

/**
 * One HTTP attempt, abandoned after `limits.requestTimeoutMs` or at the deadline: the parsed
 * JSON of a 2xx answer, or the AwsApiError it amounts to (`retryable` says whether to try again;
 * a timeout at the deadline itself is final).
 */
async function attemptOnce(
  ctx: ApiContext,
  operation: string,
  request: HttpRequest,
  remaining: number,
): Promise<{ status: number; json: Record<string, unknown> } | AwsApiError> {
  const perAttempt = ctx.rt.limits.requestTimeoutMs;
  const signal = AbortSignal.timeout(Math.min(perAttempt, remaining));
  try {
    const response = await ctx.rt.http(request, { signal, caBundle: ctx.caBundle });
    if (response.status < 200 || response.status >= 300) {
      return errorFromResponse(operation, response.status, response);
    }
    const json = responseObject(response.body);
    return json ? { status: response.status, json } : new AwsApiError(
      `${operation} got a malformed response from ${hostOf(request.url)}.`,
      "InvalidResponse",
    );
  } catch (error) {
    if (error instanceof NetworkFailure) {
      return networkError(operation, ctx.endpoint, error, ctx.caBundle);
    }
    if (signal.aborted && (error === signal.reason || isAbort(error))) {
      const timeout = timeoutError(operation, ctx.endpoint);
      return remaining <= perAttempt
        ? new AwsApiError(timeout.message, timeout.errorCode, false)
        : timeout;
    }
    throw error;
  }
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === "TimeoutError" || name === "AbortError";
}

function requestUrl(endpoint: string, request: AwsRequest): string {
  const base = endpoint.replace(/\/+$/, "");
  const query = Object.entries(request.query ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return `${base}${request.path}${query ? `?${query}` : ""}`;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** A response body as an object; an empty body (Logout) is an empty object. */
function responseObject(text: string): Record<string, unknown> | undefined {
  return text.trim() === "" ? {} : parseJsonObject(text);
}

/** OAuth `error` codes of SSO OIDC and the error shapes the SDKs name them by. */
const OAUTH_ERRORS: Record<string, string> = {
  access_denied: "AccessDeniedException",
  authorization_pending: "AuthorizationPendingException",
  expired_token: "ExpiredTokenException",
  invalid_client: "InvalidClientException",
  invalid_client_metadata: "InvalidClientMetadataException",
  invalid_grant: "InvalidGrantException",
  invalid_redirect_uri: "InvalidRedirectUriException",
  invalid_request: "InvalidRequestException",
  invalid_request_region: "InvalidRequestRegionException",
  invalid_scope: "InvalidScopeException",
  server_error: "InternalServerException",
  slow_down: "SlowDownException",
  unauthorized_client: "UnauthorizedClientException",
  unsupported_grant_type: "UnsupportedGrantTypeException",
};

/**
 * The error of a non-2xx response, named as the AWS SDKs name it: the `x-amzn-ErrorType`
 * header, else the body's `code` or `__type`, else its OAuth `error`; the message is the body's
 * `message` (or OIDC's `error_description`).
 */
export function errorFromResponse(
  operation: string,
  status: number,
  response: { headers: Headers; body: string },
): AwsApiError {
  const body = responseObject(response.body) ?? {};
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const shape = (v: string | undefined) => v?.split(":")[0].split("#").pop()?.trim() || undefined;
  const oauth = str(body.error);
  const name = shape(str(response.headers.get("x-amzn-errortype"))) ?? shape(str(body.code)) ??
    shape(str(body.__type)) ?? (oauth ? OAUTH_ERRORS[oauth] ?? oauth : undefined);
  const message = str(body.message) ?? str(body.Message) ?? str(body.error_description) ?? "";
  const shown = serverText(message).replace(/[.\s]+$/, "");
  const retryable = status >= 500 || status === 429 || THROTTLING_CODES.has(name ?? "");
  const what = name ? `${serverText(name)} (HTTP ${status})` : `HTTP ${status}`;
  return new AwsApiError(
    `${operation} failed with ${what}${shown && shown !== name ? `: ${shown}` : ""}.`,
    name ?? `HTTP${status}`,
    retryable,
  );
}

/** Server-sent text as it may appear in a message: one line, no control characters, bounded. */
function serverText(text: string): string {
  return safeEcho(text.trim(), 200);
}

function timeoutError(operation: string, endpoint: string): AwsApiError {
  return new AwsApiError(
    `${operation} did not succeed before the time limit (endpoint ${endpoint}); check your network and try again.`,
    "Timeout",
    true,
  );
}

/** The sentence for a request that got no response. */
function networkError(
  operation: string,
  endpoint: string,
  failure: NetworkFailure,
  caBundle: CaBundle | undefined,
): AwsApiError {
  switch (failure.kind) {
    case "certificate":
      return new AwsApiError(
        `${operation} could not reach ${failure.host}: its TLS certificate is not trusted (${
          serverText(failure.detail)
        })${
          caBundle ? `, not even with the CA bundle ${caBundle.path} (${caBundle.source})` : ""
        }; if your network inspects TLS, set AWS_CA_BUNDLE or the profile's ca_bundle to your corporate CA bundle.`,
        "CertificateError",
        false,
      );
    case "tooLarge":
      return new AwsApiError(
        `${operation} got a response from ${failure.host} that is too large (${failure.detail}); refusing it.`,
        "ResponseTooLarge",
        false,
      );
    case "proxy":
      return new AwsApiError(
        `${operation} could not reach ${endpoint} through the proxy (${
          serverText(failure.detail)
        }); check HTTPS_PROXY and NO_PROXY.`,
        "ProxyError",
        false,
      );
    default:
      return new AwsApiError(
        `${operation} could not reach ${endpoint} (${
          serverText(failure.detail)
        }); check your network and try again.`,
        "NetworkError",
        true,
      );
  }
}

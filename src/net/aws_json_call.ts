/**
 * One call of an AWS API, retried as the AWS SDKs retry (`retry_policy.ts`: the endpoint's retry
 * mode and `max_attempts`), each attempt abandoned after the runtime's `limits.requestTimeoutMs`,
 * and nothing past the caller's deadline. Requests carry the SDKs' `amz-sdk-invocation-id` and
 * `amz-sdk-request` headers and our user agent. Every failure becomes an AwsApiError with a
 * one-sentence message.
 *
 * {@link callAwsJson} serves the rest-json APIs (the SSO portal and SSO OIDC, unsigned);
 * {@link callAws} takes any body, a signer run before each attempt (SigV4) and a
 * {@link ResponseReader} for the protocol's responses (STS's query protocol: `sts/sts_api.ts`).
 *
 * @module
 */
import { AwsApiError } from "../base/errors.ts";
import type { DebugLog } from "../base/debug_log.ts";
import { parseJsonObject } from "../base/json_object.ts";
import { safeEcho, withoutUrlCredentials } from "../base/safe_text.ts";
import { hostOf, NetworkFailure } from "./http_client.ts";
import type { CaBundle, HttpRequest, HttpResponse, Runtime } from "../base/runtime.ts";
import type { ResolvedEndpoint } from "../config/endpoints.ts";
import { type AttemptFailure, failureKind, Retries, retryAfterMs } from "./retry_policy.ts";
import { userAgent } from "./user_agent.ts";

/** What a call takes from the runtime: the clock, the time limits and the HTTP transport. */
export type CallRuntime = Pick<Runtime, "now" | "sleep" | "timeout" | "limits" | "http">;

/** Where and how long to call. */
export interface ApiContext {
  rt: CallRuntime;
  /** The service's endpoint: URL, CA bundle, retry and user-agent settings. */
  endpoint: ResolvedEndpoint;
  /** Epoch ms after which the call is abandoned. */
  deadline: number;
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
  /** Sent as the body as it is, with its content type (instead of `json`). */
  body?: { contentType: string; text: string };
  /**
   * Signs each attempt just before it is sent (its `amz-sdk-request` header set): the request
   * with its signature headers added.
   */
  sign?: (request: HttpRequest) => Promise<HttpRequest>;
}

/** How a protocol's responses are read. */
export interface ResponseReader<T> {
  /** The value of a 2xx response; undefined when the body is malformed. */
  success(response: HttpResponse): T | undefined;
  /** The error of a non-2xx response, named as the AWS SDKs name it. */
  error(operation: string, status: number, response: HttpResponse): AwsApiError;
}

/** rest-json: the body's JSON object (an empty body is an empty object). */
const REST_JSON: ResponseReader<Record<string, unknown>> = {
  success: (response) => responseObject(response.body),
  error: errorFromResponse,
};

/** A failed call's error, with what the retry decision read of the attempt. */
class AttemptError extends AwsApiError {
  constructor(
    message: string,
    errorCode: string,
    readonly failure: AttemptFailure,
    /** A time-out at the caller's deadline: no attempt may follow. */
    readonly final = false,
    serviceMessage = "",
  ) {
    super(message, errorCode, failureKind(failure) !== "clientError", serviceMessage);
  }
}

/** Sends the request with retries; resolves with the parsed JSON object of a 2xx response. */
export function callAwsJson(
  ctx: ApiContext,
  request: AwsRequest,
): Promise<Record<string, unknown>> {
  return callAws(ctx, request, REST_JSON);
}

/** Sends the request with retries; resolves with what `reader` reads of a 2xx response. */
export async function callAws<T>(
  ctx: ApiContext,
  request: AwsRequest,
  reader: ResponseReader<T>,
): Promise<T> {
  const { endpoint, rt } = ctx;
  const started = performance.now();
  const shownEndpoint = withoutUrlCredentials(endpoint.url);
  const { mode, maxAttempts } = endpoint.client.retry;
  const retries = new Retries(rt, {
    url: endpoint.url,
    service: endpoint.service,
    mode: mode.value,
    maxAttempts: maxAttempts.value,
  });
  const url = requestUrl(endpoint.url, request);
  const headers: Record<string, string> = {
    "user-agent": userAgent(endpoint.client),
    "amz-sdk-invocation-id": crypto.randomUUID(),
    ...request.headers,
  };
  if (request.json) headers["content-type"] = "application/json";
  if (request.body) headers["content-type"] = request.body.contentType;
  const body = request.body?.text ??
    (request.json ? JSON.stringify(dropUndefined(request.json)) : undefined);
  ctx.log?.log(
    `${request.operation}: ${mode.value} retries (${mode.source}), at most ${maxAttempts.value} attempts (${maxAttempts.source})`,
  );
  if (endpoint.caBundle) {
    ctx.log?.log(
      `${request.operation}: trusting ${endpoint.caBundle.path} (${endpoint.caBundle.source})`,
    );
  }
  let failure: AttemptError | undefined;
  for (let attempt = 1;; attempt++) {
    const wait = retries.sendDelayMs();
    if (wait > 0) {
      if (rt.now() + wait >= ctx.deadline) break;
      await rt.sleep(wait);
    }
    const remaining = ctx.deadline - rt.now();
    if (remaining <= 0) break;
    headers["amz-sdk-request"] = `attempt=${attempt}; max=${maxAttempts.value}`;
    const unsigned: HttpRequest = { method: request.method, url, headers: { ...headers }, body };
    const outcome = await attemptOnce(
      ctx,
      request.operation,
      request.sign ? await request.sign(unsigned) : unsigned,
      remaining,
      reader,
    );
    if (!(outcome instanceof AttemptError)) {
      retries.succeeded();
      ctx.log?.log(
        `${request.operation} -> HTTP ${outcome.status} after ${attempt} attempt(s) in ${
          (performance.now() - started).toFixed(0)
        }ms (${shownEndpoint})`,
      );
      return outcome.value;
    }
    failure = outcome;
    ctx.log?.log(
      `${request.operation} attempt ${attempt} of ${maxAttempts.value} failed after ${
        (performance.now() - started).toFixed(0)
      }ms: ${failure.errorCode}: ${failure.message}`,
    );
    const delay = failure.final ? undefined : retries.failed(failure.failure, attempt);
    if (delay === undefined || rt.now() + delay >= ctx.deadline) break;
    await rt.sleep(delay);
  }
  throw failure ?? timeoutError(request.operation, shownEndpoint, true);
}

/**
 * One HTTP attempt, abandoned after `limits.requestTimeoutMs` or at the deadline: what `reader`
 * reads of a 2xx answer, or the AttemptError it amounts to (a time-out at the deadline itself is
 * final).
 */
async function attemptOnce<T>(
  ctx: ApiContext,
  operation: string,
  request: HttpRequest,
  remaining: number,
  reader: ResponseReader<T>,
): Promise<{ status: number; value: T } | AttemptError> {
  const perAttempt = ctx.rt.limits.requestTimeoutMs;
  const signal = ctx.rt.timeout(Math.min(perAttempt, remaining));
  const { caBundle } = ctx.endpoint;
  const shownEndpoint = withoutUrlCredentials(ctx.endpoint.url);
  try {
    const response = await ctx.rt.http(request, { signal, caBundle });
    if (response.status < 200 || response.status >= 300) {
      const error = reader.error(operation, response.status, response);
      return new AttemptError(
        error.message,
        error.errorCode,
        {
          status: response.status,
          code: error.errorCode,
          retryAfterMs: retryAfterMs(response.headers, ctx.rt.now()),
        },
        false,
        error.serviceMessage,
      );
    }
    const value = reader.success(response);
    return value !== undefined ? { status: response.status, value } : new AttemptError(
      `${operation} got a malformed response from ${hostOf(request.url)}.`,
      "InvalidResponse",
      { status: response.status },
    );
  } catch (error) {
    if (error instanceof NetworkFailure) {
      return networkError(operation, shownEndpoint, error, caBundle);
    }
    if (signal.aborted && (error === signal.reason || isAbort(error))) {
      return timeoutError(operation, shownEndpoint, remaining <= perAttempt);
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
 * The error of a non-2xx response, named exactly as the AWS SDKs name it (rest-json): the
 * `x-amzn-ErrorType` header, else the body's `code` (any case), else its `__type`, each cut at
 * `,` and `:` and after `#`. Where the SDKs find no name, an OAuth `error` of SSO OIDC is named
 * by its shape, and anything else (an HTML page from a proxy, an empty or broken body) is
 * `HTTP<status>`. The message is the body's `message` (or `Message`, or OIDC's
 * `error_description`).
 */
export function errorFromResponse(
  operation: string,
  status: number,
  response: { headers: Headers; body: string },
): AwsApiError {
  const body = responseObject(response.body) ?? {};
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const oauth = str(body.error);
  const name = sdkErrorCode(response.headers, body) ??
    (oauth ? OAUTH_ERRORS[oauth] ?? oauth : undefined);
  const message = str(body.message) ?? str(body.Message) ?? str(body.error_description) ?? "";
  const shown = serverText(message).replace(/[.\s]+$/, "");
  const what = name ? `${serverText(name)} (HTTP ${status})` : `HTTP ${status}`;
  return new AwsApiError(
    `${operation} failed with ${what}${shown && shown !== name ? `: ${shown}` : ""}.`,
    name ?? `HTTP${status}`,
    failureKind({ status, code: name }) !== "clientError",
    shown,
  );
}

/** The SDKs' `loadRestJsonErrorCode`: the error code a rest-json response names, if any. */
function sdkErrorCode(headers: Headers, body: Record<string, unknown>): string | undefined {
  const sanitize = (raw: unknown): string | undefined => {
    if (typeof raw !== "string" && typeof raw !== "number") return undefined;
    let code = String(raw);
    if (code.includes(",")) code = code.split(",")[0];
    if (code.includes(":")) code = code.split(":")[0];
    if (code.includes("#")) code = code.split("#")[1];
    return code.trim() || undefined;
  };
  const header = headers.get("x-amzn-errortype");
  if (header !== null) return sanitize(header);
  const codeKey = Object.keys(body).find((key) => key.toLowerCase() === "code");
  if (codeKey !== undefined && body[codeKey] !== undefined) return sanitize(body[codeKey]);
  return body.__type !== undefined ? sanitize(body.__type) : undefined;
}

/** Server-sent text as it may appear in a message: one line, no control characters, bounded. */
function serverText(text: string): string {
  return safeEcho(text.trim(), 200);
}

/** No answer in time: retried, unless the caller's deadline itself ran out (`final`). */
function timeoutError(operation: string, shownEndpoint: string, final: boolean): AttemptError {
  return new AttemptError(
    `${operation} did not succeed before the time limit (endpoint ${shownEndpoint}); check your network and try again.`,
    "Timeout",
    { transientNetwork: true },
    final,
  );
}

/** The sentence for a request that got no response. */
function networkError(
  operation: string,
  shownEndpoint: string,
  failure: NetworkFailure,
  caBundle: CaBundle | undefined,
): AttemptError {
  const final = (message: string, code: string) => new AttemptError(message, code, {}, true);
  switch (failure.kind) {
    case "certificate":
      return final(
        `${operation} could not reach ${failure.host}: its TLS certificate is not trusted (${
          serverText(failure.detail)
        })${
          caBundle ? `, not even with the CA bundle ${caBundle.path} (${caBundle.source})` : ""
        }; if your network inspects TLS, set AWS_CA_BUNDLE or the profile's ca_bundle to your corporate CA bundle.`,
        "CertificateError",
      );
    case "tooLarge":
      return final(
        `${operation} got a response from ${failure.host} that is too large (${failure.detail}); refusing it.`,
        "ResponseTooLarge",
      );
    case "proxy":
      return final(
        `${operation} could not reach ${shownEndpoint} through the proxy (${
          serverText(failure.detail)
        }); check HTTPS_PROXY and NO_PROXY.`,
        "ProxyError",
      );
    case "notAllowed":
      return final(
        `${operation} may not connect to ${
          serverText(failure.host)
        }: it is not in the network permissions (--allow-net) this tool runs with, which cover the AWS partitions' hosts and loopback; use an endpoint under an AWS domain, or add the host to --allow-net of your deno run line.`,
        "NotAllowed",
      );
    default:
      return new AttemptError(
        `${operation} could not reach ${shownEndpoint} (${
          serverText(failure.detail)
        }); check your network and try again.`,
        "NetworkError",
        { transientNetwork: true },
      );
  }
}

/**
 * The one way this tool talks HTTP: Deno's own `fetch`. It honours, with no extra permission,
 * `HTTPS_PROXY`/`https_proxy`, `NO_PROXY` (proxy credentials in the URL included),
 * `NODE_EXTRA_CA_CERTS`, `DENO_CERT` and `DENO_TLS_CA_STORE=system`; a CA bundle named by
 * `AWS_CA_BUNDLE` or a profile's `ca_bundle` is added to the trusted roots through
 * `Deno.createHttpClient`, which keeps the proxy settings. A plain-HTTP endpoint (a local fake)
 * is always reached directly, never through `HTTP_PROXY`, so no token crosses a proxy in clear
 * text. Responses are read up to a size limit, so a huge or endless body is refused instead of
 * buffered.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { CaBundle, HttpRequest, HttpResponse, SendOptions } from "../base/runtime.ts";

/** A response larger than this is refused (the largest SSO answer is a page of 100 accounts). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** A CA bundle file larger than this is refused (the system's whole store is about 250 KB). */
const MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024;

/** Why a request got no HTTP response. */
export type NetworkFailureKind =
  | "certificate"
  | "dns"
  | "refused"
  | "reset"
  | "proxy"
  | "timeout"
  | "tooLarge"
  | "notAllowed"
  | "other";

/** A request that got no usable HTTP response; `detail` is one line of the cause. */
export class NetworkFailure extends Error {
  constructor(readonly kind: NetworkFailureKind, readonly detail: string, readonly host: string) {
    super(detail);
    this.name = "NetworkFailure";
  }

  /** Whether another attempt may succeed (a bad certificate or DNS name will not). */
  get transient(): boolean {
    return this.kind === "refused" || this.kind === "reset" || this.kind === "timeout" ||
      this.kind === "other";
  }
}

const clients = new Map<string, Deno.HttpClient>();

/** The Deno HTTP client that trusts `bundle` on top of the default roots (one per file, reused). */
function clientFor(bundle: CaBundle): Deno.HttpClient {
  let client = clients.get(bundle.path);
  if (!client) {
    const pem = readCaBundle(bundle);
    try {
      client = Deno.createHttpClient({ caCerts: [pem] });
    } catch (error) {
      throw new ConfigError(
        `The CA bundle ${safeEcho(bundle.path)} (${bundle.source}) is not a valid PEM file: ${
          firstLine(error)
        }.`,
      );
    }
    clients.set(bundle.path, client);
  }
  return client;
}

/**
 * The client that reaches a plain-HTTP endpoint (a local fake or emulator) directly, never
 * through `HTTP_PROXY`: a bearer token or client secret must not cross a proxy in clear text.
 */
function directClient(url: URL): Deno.HttpClient {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return Deno.createHttpClient({
    proxy: { transport: "tcp", hostname, port: Number(url.port || 80) },
  });
}

/** Closes the clients made for CA bundles (tests call it; a CLI run simply exits). */
export function closeHttpClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}

/**
 * Deno's read permission does not cover the bundle (a `deno run` or `deno install` line narrowed
 * to `~/.aws`): the sentence names the flag to give.
 */
function notPermitted(bundle: CaBundle): ConfigError {
  const path = safeEcho(bundle.path);
  return new ConfigError(
    `Deno may not read the CA bundle ${path} (${bundle.source}): add it to the read permission of the deno run or deno install line, as --allow-read=$HOME/.aws,${path} (see docs/corporate-networks.md).`,
  );
}

function readCaBundle(bundle: CaBundle): string {
  const shown = `${safeEcho(bundle.path)} (${bundle.source})`;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(bundle.path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw notPermitted(bundle);
    const why = error instanceof Deno.errors.NotFound ? "it does not exist" : firstLine(error);
    throw new ConfigError(`Cannot read the CA bundle ${shown}: ${why}.`);
  }
  if (!info.isFile) throw new ConfigError(`The CA bundle ${shown} is not a regular file.`);
  if (info.size > MAX_CA_BUNDLE_BYTES) {
    throw new ConfigError(`The CA bundle ${shown} is larger than 16 MiB.`);
  }
  let pem: string;
  try {
    pem = Deno.readTextFileSync(bundle.path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw notPermitted(bundle);
    throw new ConfigError(`Cannot read the CA bundle ${shown}: ${firstLine(error)}.`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(`The CA bundle ${shown} holds no PEM certificate.`);
  }
  return pem;
}

/**
 * Sends one request and reads the whole response (at most `maxBytes`). Throws NetworkFailure
 * when no response arrives, `signal`'s reason when it aborts, ConfigError for a bad CA bundle.
 */
export async function sendHttp(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const host = hostOf(request.url);
  if (!mayConnect(request.url)) {
    // Refused before fetch, which would look the name up in DNS before refusing it.
    throw new NetworkFailure("notAllowed", "not in --allow-net", host);
  }
  using direct = request.url.startsWith("http:") ? directClient(new URL(request.url)) : undefined;
  const client = direct ?? (options.caBundle ? clientFor(options.caBundle) : undefined);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: options.signal,
      redirect: "manual",
      ...(client ? { client } : {}),
    });
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    throw classify(error, host);
  }
  const body = await readLimited(response, options.maxBytes ?? MAX_RESPONSE_BYTES, host, options);
  return { status: response.status, headers: response.headers, body };
}

/**
 * Whether Deno's network permission lets this process connect to the URL's host: granted, or
 * still to be asked on a terminal (a `deno run` without `--allow-net` for it).
 */
function mayConnect(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return true; // fetch gives the sentence for a malformed URL
  }
  const { state } = Deno.permissions.querySync({ name: "net", host });
  return state === "granted" || (state === "prompt" && Deno.stdin.isTerminal());
}

async function readLimited(
  response: Response,
  maxBytes: number,
  host: string,
  options: SendOptions,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(host, maxBytes);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(host, maxBytes);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    if (error instanceof NetworkFailure) throw error;
    if (options.signal.aborted) throw options.signal.reason;
    throw classify(error, host);
  }
  return text + decoder.decode();
}

function tooLarge(host: string, maxBytes: number): NetworkFailure {
  return new NetworkFailure(
    "tooLarge",
    `the response is larger than ${maxBytes / 1024 / 1024} MiB`,
    host,
  );
}

/** Sorts a fetch error by its cause's text (Deno gives no error codes). */
export function classify(error: unknown, host: string): NetworkFailure {
  if (error instanceof Deno.errors.NotCapable) {
    return new NetworkFailure("notAllowed", "not in --allow-net", host);
  }
  const text = causeText(error);
  const lower = text.toLowerCase();
  const kind: NetworkFailureKind =
    /certificate|unknownissuer|notvalidforname|tls handshake|badsignature|invalidcertificate/
        .test(lower)
      ? "certificate"
      : /dns error|failed to lookup|name or service not known|nodename nor servname|no such host/
          .test(lower)
      ? "dns"
      : /proxy|tunnel/.test(lower)
      ? "proxy"
      : /connection refused|os error 111|os error 10061/.test(lower)
      ? "refused"
      : /reset|broken pipe|connection closed|unexpected eof|incomplete message|connection error|os error 104|hyper::error\(incompletemessage/
          .test(lower)
      ? "reset"
      : /timed out|timeout/.test(lower)
      ? "timeout"
      : "other";
  return new NetworkFailure(kind, text, host);
}

/** The innermost useful line of an error chain, without the request URL Deno repeats. */
function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && message) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  const text = parts.length ? parts[parts.length - 1] : String(error);
  return text.split("\n")[0]
    .replace(/^error sending request for url \([^)]*\): /, "")
    .replace(/^client error \(Connect\): /, "")
    .slice(0, 300);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]
    .replace(/[.\s]+$/, "");
}

/** Host (and port, when not the default) of a URL, for messages. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

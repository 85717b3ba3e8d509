/**
 * A loopback credential endpoint speaking the ECS container-credentials protocol, which every
 * AWS SDK's container provider reads through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN` (`run-as --container-credentials`, `serve`).
 *
 * It listens on 127.0.0.1 only, answers a GET of its path whose `Authorization` header equals
 * the token exactly, and never answers anything else with credentials. Credentials come from
 * `getCredentials` (the tool's one credential path) and are kept in memory until less than
 * `refreshAheadMs` is left, so SDKs that cache them until shortly before expiry always get
 * fresh ones.
 *
 * @module
 */
import type { RoleCredentials } from "../cache/credential_cache.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";
import { describeFailure } from "../base/errors.ts";

/** What the endpoint needs. */
export interface CredentialEndpointOptions {
  /** The credentials to serve (called again once those held are within `refreshAheadMs`). */
  getCredentials: () => Promise<RoleCredentials>;
  /** The exact `Authorization` header value; default a random 256-bit token. */
  token?: string;
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Epoch milliseconds. */
  now: () => number;
  /** Fetch new credentials once fewer than this many milliseconds are left. */
  refreshAheadMs: number;
  /** Called with the one-sentence message of a failed fetch (the client gets a 500). */
  onError?: (message: string) => void;
}

/** A random authorization token: 32 bytes from the system's CSPRNG, base64url. */
export function randomEndpointToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Equal without an early exit, so the time taken tells nothing about the token. */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The response body SDKs expect from a container credentials endpoint. */
export function containerCredentialsJson(creds: RoleCredentials): string {
  return JSON.stringify({
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken,
    Expiration: formatAwsTimestamp(creds.expiration),
    ...(creds.accountId ? { AccountId: creds.accountId } : {}),
  });
}

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

/** A running endpoint. Stop it with {@link CredentialEndpoint.close} (or `await using`). */
export class CredentialEndpoint implements AsyncDisposable {
  /** `http://127.0.0.1:PORT/PATH`, the value of `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly url: string;
  /** The value of `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  readonly token: string;
  readonly port: number;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #path: string;
  #held: RoleCredentials | undefined;
  #pending: Promise<RoleCredentials> | undefined;
  #options: CredentialEndpointOptions;

  private constructor(options: CredentialEndpointOptions) {
    this.#options = options;
    this.token = options.token ?? randomEndpointToken();
    this.#path = "/credentials";
    this.#server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen() {},
      onError: () => new Response("{}", { status: 500, headers: JSON_HEADERS }),
    }, (request) => this.#handle(request));
    this.port = this.#server.addr.port;
    this.url = `http://127.0.0.1:${this.port}${this.#path}`;
  }

  /** Starts listening (a port in use throws `Deno.errors.AddrInUse`). */
  static start(options: CredentialEndpointOptions): CredentialEndpoint {
    return new CredentialEndpoint(options);
  }

  /** The credentials to serve: those held while fresh, else one shared fetch. */
  credentials(): Promise<RoleCredentials> {
    const held = this.#held;
    if (held && held.expiration - this.#options.now() > this.#options.refreshAheadMs) {
      return Promise.resolve(held);
    }
    this.#pending ??= this.#options.getCredentials().then((creds) => {
      this.#held = creds;
      return creds;
    }).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path !== this.#path) return errorResponse(404, "Not found.");
    if (request.method !== "GET") return errorResponse(405, "Only GET is allowed.");
    const given = request.headers.get("authorization");
    if (given === null || !sameText(given, this.token)) {
      return errorResponse(401, "The Authorization header does not match the token.");
    }
    try {
      return new Response(containerCredentialsJson(await this.credentials()), {
        status: 200,
        headers: JSON_HEADERS,
      });
    } catch (error) {
      const { message } = describeFailure(error);
      this.#options.onError?.(message);
      return errorResponse(500, message);
    }
  }

  /** Stops listening and waits for open requests to finish. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  /** Resolves when the server has stopped. */
  get finished(): Promise<void> {
    return this.#server.finished;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function errorResponse(status: number, message: string): Response {
  return new Response(JSON.stringify({ code: String(status), message }), {
    status,
    headers: JSON_HEADERS,
  });
}

/**
 * A raw HTTP/1.1 server on loopback that answers each request from a script: the n-th request
 * of a case gets the n-th scripted response (the last one repeats), or a dropped connection.
 * The case is the request's `role_name` query value (GetRoleCredentials), so the SDK, botocore
 * and our client can run the same fault sequences side by side. One connection per request
 * (`Connection: close`), so a drop is seen as a connection reset by every client.
 *
 * @module
 */

/** One scripted answer: a response, or `"reset"` (the connection closes without one). */
export type ScriptedResponse =
  | { status: number; headers?: Record<string, string>; body?: string }
  | "reset";

/** What a test reads of one received request. */
export interface ScriptedRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
}

/** A server answering from scripts; closed by `await using`. */
export class ScriptedServer implements AsyncDisposable {
  readonly #listener: Deno.Listener;
  readonly #scripts: Record<string, ScriptedResponse[]>;
  readonly #seen = new Map<string, ScriptedRequest[]>();
  readonly #accepting: Promise<void>;
  readonly #handlers = new Set<Promise<void>>();

  private constructor(scripts: Record<string, ScriptedResponse[]>) {
    this.#scripts = scripts;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** Starts a server for the given cases (case name → responses in order). */
  static start(scripts: Record<string, ScriptedResponse[]>): ScriptedServer {
    return new ScriptedServer(scripts);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#listener.addr as Deno.NetAddr).port}`;
  }

  /** The requests received for a case, in order. */
  requests(caseName: string): ScriptedRequest[] {
    return this.#seen.get(caseName) ?? [];
  }

  /** Forgets the requests received so far (the scripts start again). */
  clear(): void {
    this.#seen.clear();
  }

  async #accept(): Promise<void> {
    for await (const conn of this.#listener) {
      const handler = this.#handle(conn).catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch { /* closed already */ }
      });
      this.#handlers.add(handler);
      handler.finally(() => this.#handlers.delete(handler));
    }
  }

  async #handle(conn: Deno.Conn): Promise<void> {
    const request = await readRequest(conn);
    if (!request) return;
    const name = new URL(request.target, "http://x").searchParams.get("role_name") ?? "";
    const seen = this.#seen.get(name) ?? [];
    seen.push(request);
    this.#seen.set(name, seen);
    const script = this.#scripts[name] ?? [{ status: 404, body: "{}" }];
    const answer = script[Math.min(seen.length - 1, script.length - 1)];
    if (answer === "reset") return;
    const body = new TextEncoder().encode(answer.body ?? "");
    const head = [
      `HTTP/1.1 ${answer.status} Scripted`,
      `content-length: ${body.byteLength}`,
      "connection: close",
      ...Object.entries(answer.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ].join("\r\n") + "\r\n\r\n";
    await writeAll(conn, new TextEncoder().encode(head));
    await writeAll(conn, body);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    await this.#accepting.catch(() => {});
    await Promise.all([...this.#handlers]);
  }
}

/** Reads one request's head and body; undefined when the peer closed first. */
async function readRequest(conn: Deno.Conn): Promise<ScriptedRequest | undefined> {
  const buffer = new Uint8Array(64 * 1024);
  let length = 0;
  let headEnd = -1;
  while (headEnd < 0) {
    const n = await conn.read(buffer.subarray(length));
    if (n === null) return undefined;
    length += n;
    headEnd = new TextDecoder().decode(buffer.subarray(0, length)).indexOf("\r\n\r\n");
    if (length === buffer.length) return undefined;
  }
  const [line, ...fields] = new TextDecoder().decode(buffer.subarray(0, headEnd)).split("\r\n");
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(":");
    if (colon > 0) {
      headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
    }
  }
  let body = length - (headEnd + 4);
  const want = Number(headers["content-length"] ?? 0);
  while (body < want) {
    const n = await conn.read(buffer);
    if (n === null) break;
    body += n;
  }
  const [method, target] = line.split(" ");
  return { method, target, headers };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written));
}

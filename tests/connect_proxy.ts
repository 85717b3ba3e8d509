/**
 * A small HTTP proxy for tests: answers `CONNECT host:port` by tunnelling to a local port, as a
 * corporate proxy would, and logs each target and the `Proxy-Authorization` header it saw.
 * Every `CONNECT` to an AWS host on port 443 (any partition's DNS suffix, plain or dual-stack)
 * goes to one upstream port (the TLS fake), so a client that uses the default AWS host names
 * reaches the fake. Plain-HTTP absolute-form requests
 * (`GET http://host:port/path`) are forwarded too, with the same routing.
 *
 * On Linux it listens on 127.0.0.2, which is not on the CLI's `--allow-net` list: a CLI that
 * works through it proves that the proxy host needs no net permission.
 *
 * @module
 */

import { partitionDnsSuffixes } from "../src/config/partitions.ts";

const AWS_SUFFIXES = partitionDnsSuffixes();

/** One request the proxy received. */
export interface ProxyLogEntry {
  /** `CONNECT`, or the method of a plain-HTTP request. */
  method: string;
  /** `host:port` of a CONNECT, or the absolute URL of a plain-HTTP request. */
  target: string;
  /** The `Proxy-Authorization` header, if any. */
  proxyAuthorization: string | undefined;
  /** The status the proxy answered (200 for a tunnel it opened, 407, 502, …). */
  status: number;
}

/** Options of {@link ConnectProxy.start}. */
export interface ConnectProxyOptions {
  /** Where AWS hosts' port 443 is tunnelled to, on 127.0.0.1. */
  upstreamPort: number;
  /** AWS host names (lower case) whose port 443 goes to another port on 127.0.0.1 (a fake STS). */
  hostPorts?: Record<string, number>;
  /** Require these basic credentials (407 otherwise). */
  credentials?: { username: string; password: string };
  /** Listen address (default: 127.0.0.2 on Linux, else 127.0.0.1). */
  hostname?: string;
}

/**
 * The loopback address the proxy listens on by default: 127.0.0.2 on Linux when this test
 * process may listen there (`--allow-net=…,127.0.0.2`), else 127.0.0.1 (other OSes may not
 * route 127.0.0.2).
 */
export const PROXY_HOST = Deno.build.os === "linux" &&
    Deno.permissions.querySync({ name: "net", host: "127.0.0.2" }).state === "granted"
  ? "127.0.0.2"
  : "127.0.0.1";

const MAX_HEAD_BYTES = 16 * 1024;

/** A CONNECT proxy on an ephemeral port; close with `await using` or {@link close}. */
export class ConnectProxy implements AsyncDisposable {
  /** Every request received, in order. */
  readonly log: ProxyLogEntry[] = [];
  /** The proxy's URL, e.g. `http://127.0.0.2:40123`. */
  readonly url: string;
  readonly hostname: string;
  readonly port: number;

  #listener: Deno.TcpListener;
  #options: ConnectProxyOptions;
  #conns = new Set<Deno.Conn>();
  #handlers = new Set<Promise<void>>();
  #acceptDone: Promise<void>;
  #closed: Promise<void> | undefined;

  private constructor(options: ConnectProxyOptions) {
    this.#options = options;
    this.hostname = options.hostname ?? PROXY_HOST;
    this.#listener = Deno.listen({ hostname: this.hostname, port: 0 });
    this.port = this.#listener.addr.port;
    this.url = `http://${this.hostname}:${this.port}`;
    this.#acceptDone = this.#acceptLoop();
  }

  /** Starts a proxy that tunnels AWS hosts' port 443 to `upstreamPort` on 127.0.0.1. */
  static start(options: ConnectProxyOptions): Promise<ConnectProxy> {
    return Promise.resolve(new ConnectProxy(options));
  }

  /** The `host:port` targets of the CONNECTs seen so far. */
  connectTargets(): string[] {
    return this.log.filter((e) => e.method === "CONNECT").map((e) => e.target);
  }

  /** Where a target goes: the upstream port for AWS host names, loopback as is, else nowhere. */
  route(host: string, port: number): { hostname: string; port: number } | undefined {
    const name = host.toLowerCase();
    if (AWS_SUFFIXES.some((suffix) => name.endsWith(`.${suffix}`)) && port === 443) {
      const own = this.#options.hostPorts?.[name];
      return { hostname: "127.0.0.1", port: own ?? this.#options.upstreamPort };
    }
    if (name === "127.0.0.1" || name === "localhost") return { hostname: "127.0.0.1", port };
    return undefined;
  }

  /** Stops listening, closes every connection and waits for the handlers to end. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#listener.close();
      await this.#acceptDone;
      for (const conn of this.#conns) closeQuietly(conn);
      while (this.#handlers.size > 0) await Promise.all([...this.#handlers]);
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #acceptLoop(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#track(conn);
        const handler = this.#handle(conn).catch(() => {}).finally(() => {
          this.#untrack(conn);
          this.#handlers.delete(handler);
        });
        this.#handlers.add(handler);
      }
    } catch {
      // Listener closed.
    }
  }

  #track(conn: Deno.Conn): void {
    this.#conns.add(conn);
  }

  #untrack(conn: Deno.Conn): void {
    this.#conns.delete(conn);
    closeQuietly(conn);
  }

  async #handle(client: Deno.Conn): Promise<void> {
    const head = await readHead(client);
    if (!head) return;
    const { method, target, headers, rest } = head;
    const proxyAuthorization = headers.get("proxy-authorization");
    const entry: ProxyLogEntry = { method, target, proxyAuthorization, status: 0 };
    this.log.push(entry);
    const reply = async (status: number, reason: string, extra = "") => {
      entry.status = status;
      await writeAll(
        client,
        `HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`,
      );
    };
    const creds = this.#options.credentials;
    if (creds && proxyAuthorization !== `Basic ${btoa(`${creds.username}:${creds.password}`)}`) {
      await reply(
        407,
        "Proxy Authentication Required",
        'Proxy-Authenticate: Basic realm="test"\r\n',
      );
      return;
    }
    let dest: { hostname: string; port: number } | undefined;
    let firstBytes: Uint8Array = rest;
    if (method === "CONNECT") {
      const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(target);
      if (match) dest = this.route(match[1], Number(match[2]));
    } else {
      let url: URL | undefined;
      try {
        url = new URL(target);
      } catch { /* not absolute-form */ }
      if (url?.protocol === "http:") {
        dest = this.route(url.hostname, Number(url.port || "80"));
        const lines = head.text.split("\r\n");
        lines[0] = `${method} ${url.pathname}${url.search} ${head.version}`;
        const kept = lines.filter((l) => !/^proxy-(authorization|connection):/i.test(l));
        firstBytes = concat(new TextEncoder().encode(kept.join("\r\n")), rest);
      }
    }
    if (!dest) {
      await reply(502, "Bad Gateway");
      return;
    }
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect(dest);
    } catch {
      await reply(502, "Bad Gateway");
      return;
    }
    this.#track(upstream);
    try {
      if (method === "CONNECT") {
        entry.status = 200;
        await writeAll(client, "HTTP/1.1 200 Connection Established\r\n\r\n");
      } else {
        entry.status = 200;
      }
      if (firstBytes.byteLength > 0) await writeBytes(upstream, firstBytes);
      await Promise.all([
        pipe(client, upstream).finally(() => closeQuietly(upstream)),
        pipe(upstream, client).finally(() => closeQuietly(client)),
      ]);
    } finally {
      this.#untrack(upstream);
    }
  }
}

interface Head {
  method: string;
  target: string;
  version: string;
  headers: Map<string, string>;
  /** The head up to, and including, the blank line. */
  text: string;
  /** Bytes read after the head. */
  rest: Uint8Array;
}

/** Reads a request head (bounded); undefined when the client closed or sent garbage. */
async function readHead(conn: Deno.Conn): Promise<Head | undefined> {
  let buf: Uint8Array = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  for (;;) {
    const end = indexOfBlankLine(buf);
    if (end >= 0) {
      const text = new TextDecoder().decode(buf.subarray(0, end + 4));
      const [requestLine, ...headerLines] = text.slice(0, -4).split("\r\n");
      const [method, target, version] = requestLine.split(" ");
      if (!method || !target || !version) return undefined;
      const headers = new Map<string, string>();
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        if (colon > 0) {
          headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
      }
      return { method, target, version, headers, text, rest: buf.slice(end + 4) };
    }
    if (buf.byteLength > MAX_HEAD_BYTES) return undefined;
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch {
      return undefined;
    }
    if (n === null) return undefined;
    buf = concat(buf, chunk.subarray(0, n));
  }
}

function indexOfBlankLine(buf: Uint8Array): number {
  for (let i = 0; i + 3 < buf.byteLength; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

async function writeBytes(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.byteLength) off += await conn.write(bytes.subarray(off));
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  try {
    await writeBytes(conn, new TextEncoder().encode(text));
  } catch { /* the client went away */ }
}

async function pipe(src: Deno.Conn, dst: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await src.read(buf);
      if (n === null) return;
      await writeBytes(dst, buf.subarray(0, n));
    }
  } catch {
    // Closed or reset.
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/**
 * A TCP (or TLS-terminating) relay on a loopback port in front of the fake's internal HTTP
 * server. Relaying each connection lets the fake drop one before any response byte is sent, so
 * clients see a genuine network error; with TLS the relay terminates it, so drops work the same
 * in both modes.
 *
 * @module
 */

import type { FakeTlsOptions } from "./types.ts";

/** One relayed TCP connection: the client side and the connection to the internal server. */
class RelayPair {
  #closed = false;
  constructor(readonly client: Deno.Conn, readonly backend: Deno.Conn) {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of [this.client, this.backend]) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }
}

async function pump(src: Deno.Conn, dst: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await src.read(buf);
      if (n === null) return;
      let off = 0;
      while (off < n) off += await dst.write(buf.subarray(off, n));
    }
  } catch {
    // Connection closed or reset.
  }
}

/** Accepts connections on an ephemeral loopback port and relays them to `backendPort`. */
export class Relay {
  /** `http://127.0.0.1:<port>`, or `https://…` with TLS (no trailing slash). */
  readonly url: string;
  #listener: Deno.Listener<Deno.TcpConn | Deno.TlsConn, Deno.NetAddr>;
  #acceptDone: Promise<void>;
  #relays = new Set<Promise<void>>();
  #pairs = new Map<number, RelayPair>();
  #closing = false;

  constructor(readonly backendPort: number, tls?: FakeTlsOptions) {
    this.#listener = tls
      ? Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: tls.cert, key: tls.key })
      : Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${this.#listener.addr.port}`;
    this.#acceptDone = this.#acceptLoop();
  }

  /**
   * Drops the relayed connection whose backend side has this local port (the port the internal
   * server sees as the request's remote port).
   */
  drop(backendLocalPort: number): void {
    this.#pairs.get(backendLocalPort)?.close();
  }

  /** Stops accepting and waits until the accept loop has ended. */
  async stopAccepting(): Promise<void> {
    this.#closing = true;
    this.#listener.close();
    await this.#acceptDone;
  }

  /** Drops every open connection and waits for all relays to finish. */
  async dropAll(): Promise<void> {
    for (const pair of this.#pairs.values()) pair.close();
    while (this.#relays.size > 0) await Promise.all([...this.#relays]);
  }

  async #acceptLoop(): Promise<void> {
    for await (const client of this.#listener) {
      const relay = this.#relay(client);
      this.#relays.add(relay);
      relay.finally(() => this.#relays.delete(relay));
    }
  }

  async #relay(client: Deno.Conn): Promise<void> {
    let backend: Deno.TcpConn;
    try {
      backend = await Deno.connect({ hostname: "127.0.0.1", port: this.backendPort });
    } catch {
      client.close();
      return;
    }
    const pair = new RelayPair(client, backend);
    if (this.#closing) {
      pair.close();
      return;
    }
    const key = backend.localAddr.port;
    this.#pairs.set(key, pair);
    await Promise.all([
      pump(client, backend).finally(() => pair.close()),
      pump(backend, client).finally(() => pair.close()),
    ]);
    this.#pairs.delete(key);
  }
}

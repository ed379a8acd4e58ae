import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface StartServerOptions {
  /** 0 picks a free port. @defaultValue 5005 */
  port?: number;
  /** @defaultValue `0.0.0.0` */
  host?: string;
  /** A client must send all its headers within this. @defaultValue 10_000 */
  headersTimeoutMs?: number;
  /** A client must send its whole request (not receive the answer) within this. @defaultValue 30_000 */
  requestTimeoutMs?: number;
  /**
   * A kept-alive connection with no request in flight is closed after this (a fresh connection
   * that sends nothing is bounded by `headersTimeoutMs`). @defaultValue 5_000 (Node's own)
   */
  keepAliveTimeoutMs?: number;
}

export interface RunningServer {
  server: Server;
  /** `http://host:port`, with 127.0.0.1 for a wildcard host. */
  url: string;
  port: number;
  /** Stops accepting connections and resolves once open ones have ended. */
  close(): Promise<void>;
}

/** Anything with a fetch handler: a Hono app. */
export interface FetchApp {
  fetch: Parameters<typeof serve>[0]['fetch'];
}

/** How often Node looks for clients past their headers or request timeout: a tenth of the shorter one, 100 ms to 1 s. */
export function connectionsCheckingInterval(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const shorter = Math.min(...[headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0), 10_000);
  return Math.min(1_000, Math.max(100, Math.round(shorter / 10)));
}

/**
 * Serves a Hono app over node:http, with timeouts that bound slow clients: headers, the whole
 * request, and idle kept-alive connections. Every HTTP port of the gateway (the API's and the
 * supervisor's) goes through here, so a slowloris finds the same limits on each.
 */
export function startServer(app: FetchApp, options: StartServerOptions = {}): Promise<RunningServer> {
  const { port = 5005, host = '0.0.0.0', headersTimeoutMs = 10_000, requestTimeoutMs = 30_000, keepAliveTimeoutMs = 5_000 } = options;
  return new Promise((resolve, reject) => {
    // Node checks these timeouts only every `connectionsCheckingInterval` (30 s by default), so a
    // slow client was cut after 30-60 s instead of 10/30 s: check often enough to honour them.
    const serverOptions = {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingInterval(headersTimeoutMs, requestTimeoutMs),
    };
    const server = serve({ fetch: app.fetch, port, hostname: host, serverOptions }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve({
        server,
        url: `http://${urlHost}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

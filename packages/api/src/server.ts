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
}

export interface RunningServer {
  server: Server;
  /** `http://host:port`, with 127.0.0.1 for a wildcard host. */
  url: string;
  port: number;
  /** Stops accepting connections and resolves once open ones have ended. */
  close(): Promise<void>;
}

/** Serves a Hono app over node:http, with timeouts that bound slow clients. */
/** Anything with a fetch handler: a Hono app. */
export interface FetchApp {
  fetch: Parameters<typeof serve>[0]['fetch'];
}

export function startServer(app: FetchApp, options: StartServerOptions = {}): Promise<RunningServer> {
  const { port = 5005, host = '0.0.0.0', headersTimeoutMs = 10_000, requestTimeoutMs = 30_000 } = options;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }) as Server;
    server.headersTimeout = headersTimeoutMs;
    server.requestTimeout = requestTimeoutMs;
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

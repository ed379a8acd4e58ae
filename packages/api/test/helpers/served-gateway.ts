import OpenAI from 'openai';
import type { Gateway } from '../../src/gateway.ts';
import { startServer, type RunningServer } from '@llm-gateway/shared';
import { inProcessGateway, type GatewayFactory } from './test-gateway.ts';

/** A gateway listening on a real socket, and the official `openai` client pointed at it. */
export interface ServedGateway {
  gateway: Gateway;
  server: RunningServer;
  /** `http://127.0.0.1:PORT` */
  url: string;
  client: OpenAI;
  /** Closes the server, then the gateway. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** @defaultValue the embedded gateway */
  factory?: GatewayFactory;
  /** The tenant's key the client sends. @defaultValue `tenant-key` */
  apiKey?: string;
}

/** What tenants run: the official client over a socket, no retries, a 10 s timeout. */
export async function serveGateway(env: Record<string, string>, options: ServeOptions = {}): Promise<ServedGateway> {
  const gateway = await (options.factory ?? inProcessGateway)(env);
  const server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: options.apiKey ?? 'tenant-key', maxRetries: 0, timeout: 10_000 });
  return {
    gateway,
    server,
    url: server.url,
    client,
    close: async () => {
      await server.close();
      await gateway.close();
    },
  };
}

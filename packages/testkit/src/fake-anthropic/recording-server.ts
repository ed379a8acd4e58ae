import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake upstream received, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: any;
  /** True once the client closed the connection before the answer was complete. */
  disconnected: boolean;
  /** The client's port: equal ports on consecutive requests mean a reused keep-alive connection. */
  remotePort: number | undefined;
}

/** A local HTTP server that records every request and notices clients that hang up early. */
export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  waitForDisconnect(): Promise<RecordedRequest>;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

export type RecordedHandler = (recorded: RecordedRequest, response: ServerResponse) => Promise<void> | void;

/** Starts a recording server on 127.0.0.1 (port 0 = a free port). */
export async function startRecordingServer(port: number, handler: RecordedHandler): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let disconnectWaiters: Array<(request: RecordedRequest) => void> = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: request.headers,
      body: parseBody(raw),
      disconnected: false,
      remotePort: request.socket.remotePort,
    };
    requests.push(recorded);
    response.on('close', () => {
      if (response.writableFinished) return;
      recorded.disconnected = true;
      const waiters = disconnectWaiters;
      disconnectWaiters = [];
      for (const resolve of waiters) resolve(recorded);
    });
    await handler(recorded, response);
  }

  const server = createServer((request, response) => {
    void Promise.resolve(handle(request, response)).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    waitForDisconnect: () => new Promise((resolve) => disconnectWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Writes SSE frames, pausing `delayMs` after each frame that `pauseAfter` picks; ends unless `end` is false. */
export async function sendSse(
  response: ServerResponse,
  frames: string[],
  options: { delayMs?: number; end?: boolean; pauseAfter?: (index: number) => boolean } = {},
): Promise<void> {
  const { delayMs = 0, end = true, pauseAfter = () => true } = options;
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  if (delayMs === 0) {
    response.write(frames.join(''));
  } else {
    for (const [index, frame] of frames.entries()) {
      if (response.destroyed) return;
      response.write(frame);
      if (pauseAfter(index)) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  if (end && !response.destroyed) response.end();
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

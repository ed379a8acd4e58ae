import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionsCheckingInterval, startServer, type RunningServer } from './start-server.ts';

/** Opens a raw connection, runs `send` on it, and resolves with what came back and when it closed. */
function rawClient(port: number, send: (write: (text: string) => void) => () => void): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let stop: () => void = () => {};
    socket.on('connect', () => (stop = send((text) => socket.write(text))));
    socket.on('data', (chunk) => (reply += chunk.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      stop();
      resolve({ reply, closedAfterMs: Date.now() - started });
    });
  });
}

/** Writes `text` every `ms` until stopped. */
const trickle = (text: string, ms: number) => (write: (text: string) => void) => {
  const timer = setInterval(() => write(text), ms);
  return () => clearInterval(timer);
};

describe('startServer timeouts', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    running?.server.closeAllConnections();
    await running?.close();
    running = undefined;
  });

  it('checks often enough for short timeouts, and at least every second', () => {
    expect(connectionsCheckingInterval(10_000, 30_000)).toBe(1_000);
    expect(connectionsCheckingInterval(500, 2_000)).toBe(100);
    expect(connectionsCheckingInterval(3_000, 0)).toBe(300);
  });

  // Node's default check runs every 30 s: before the fix, both clients below stayed for 30 s.
  it('cuts a client sending headers slowly, and one sending its body slowly, near their timeouts', async () => {
    running = await startServer({ fetch: async (request: Request) => new Response(await request.text()) }, { port: 0, host: '127.0.0.1', headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const port = running.port;
    const [slowHeaders, slowBody] = await Promise.all([
      rawClient(port, (write) => {
        write('POST /x HTTP/1.1\r\nHost: x\r\n');
        return trickle('X-Slow: 1\r\n', 100)(write);
      }),
      rawClient(port, (write) => {
        write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
        return trickle('a', 100)(write);
      }),
    ]);
    expect(slowHeaders.reply).toMatch(/^HTTP\/1.1 408/);
    expect(slowHeaders.closedAfterMs).toBeLessThan(1_500);
    expect(slowBody.reply).toMatch(/^HTTP\/1.1 408/);
    expect(slowBody.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(slowBody.closedAfterMs).toBeLessThan(2_000);
  });

  it('closes a kept-alive connection left idle after its keep-alive timeout', async () => {
    running = await startServer({ fetch: () => new Response('ok') }, { port: 0, host: '127.0.0.1', keepAliveTimeoutMs: 300 });
    const idle = await rawClient(running.port, (write) => {
      write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      return () => {};
    });
    expect(idle.reply).toMatch(/^HTTP\/1.1 200/);
    // Node adds 1 s to the keep-alive timeout before it closes the socket; its default would be 6 s.
    expect(idle.closedAfterMs).toBeLessThan(2_500);
  });
});

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRing, createLogger, createMetrics, loadConfig, type RunningServer } from '@llm-gateway/shared';
import { createSupervisor, type Supervisor } from '../supervisor.ts';
import { createStatusApp } from './status-app.ts';
import { startStatusServer } from './status-server.ts';

const HEADERS_TIMEOUT_MS = 500;

interface RawResult {
  reply: string;
  closedAfterMs: number;
}

/** A raw connection to 127.0.0.1: `send` starts writing, and returns how to stop. */
function rawClient(port: number, send: (write: (text: string) => void) => () => void): Promise<RawResult> {
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

/** A slowloris: a request line, then the headers one byte every 50 ms, never finished. */
const slowHeaders = (write: (text: string) => void) => {
  write('GET /livez HTTP/1.1\r\nHost: x\r\n');
  const bytes = 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n';
  let index = 0;
  const timer = setInterval(() => write(bytes[index++ % bytes.length]!), 50);
  return () => clearInterval(timer);
};

describe("the supervisor's HTTP port", () => {
  let supervisor: Supervisor | undefined;
  let server: RunningServer | undefined;
  afterEach(async () => {
    server?.server.closeAllConnections();
    await server?.close();
    await supervisor?.stop();
    server = undefined;
    supervisor = undefined;
  });

  const serve = async () => {
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LOG_LEVEL: 'silent' });
    supervisor = createSupervisor({ config, log: createLogger({ level: 'silent' }) });
    supervisor.start();
    const app = createStatusApp({
      supervisor,
      consumer: { redisUp: () => true, running: () => 0 },
      metrics: createMetrics(),
      keys: createKeyRing({ keys: [] }),
      stopping: () => false,
    });
    server = await startStatusServer(app, { port: 0, host: '127.0.0.1' }, { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 300 });
    return server;
  };

  it('cuts slowloris clients at the headers timeout and keeps answering /livez meanwhile', async () => {
    const { port, url } = await serve();
    const attackers = Promise.all(Array.from({ length: 20 }, () => rawClient(port, slowHeaders)));
    const probes: number[] = [];
    const probing = (async () => {
      const until = Date.now() + HEADERS_TIMEOUT_MS + 300;
      while (Date.now() < until) {
        const started = Date.now();
        const response = await fetch(`${url}/livez`);
        expect(response.status).toBe(200);
        await response.text();
        probes.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const [cut] = await Promise.all([attackers, probing]);
    for (const attacker of cut) {
      expect(attacker.reply).toMatch(/^HTTP\/1.1 408/);
      // The headers timeout plus Node's check interval (100 ms here), with a margin for a busy host;
      // Node's own defaults (60 s, checked every 30 s) would keep them far longer.
      expect(attacker.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
    }
    expect(probes.length).toBeGreaterThan(3);
    expect(Math.max(...probes)).toBeLessThan(500);
  });

  it('answers a request with a body 413 at once and closes the connection', async () => {
    const { port } = await serve();
    const result = await rawClient(port, (write) => {
      write('GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n');
      const timer = setInterval(() => write('a'), 20);
      return () => clearInterval(timer);
    });
    expect(result.reply).toMatch(/^HTTP\/1.1 413/);
    expect(result.reply).toContain('request_too_large');
    expect(result.closedAfterMs).toBeLessThan(1_000);
  });

  it('closes an idle kept-alive connection', async () => {
    const { port } = await serve();
    const result = await rawClient(port, (write) => {
      write('GET /livez HTTP/1.1\r\nHost: x\r\n\r\n');
      return () => {};
    });
    expect(result.reply).toMatch(/^HTTP\/1.1 200/);
    // Node closes it 1 s after the keep-alive timeout (300 ms here); its default would be 6 s.
    expect(result.closedAfterMs).toBeLessThan(2_500);
  });
});

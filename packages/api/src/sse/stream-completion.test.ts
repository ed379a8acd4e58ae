import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, type Dispatcher, type JobEvent } from '@llm-gateway/shared';
import { createApp } from '../app.ts';
import { createGateway, type Gateway } from '../gateway.ts';
import { startServer } from '@llm-gateway/shared';
import { OVERDUE_GRACE_MS } from './stream-completion.ts';

/**
 * A stream whose job fails before its first part (an error event, or the request timeout) is
 * answered with a plain HTTP error. The job must still be ended: in-process, its pooled session
 * stayed busy for good before, so a pool of one was dead after a single such request.
 */
describe('a stream that fails before its first part', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  const post = (content: string, stream: boolean) =>
    gateway!.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet', stream, messages: [{ role: 'user', content }] }),
    });

  const settled = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const statuses = gateway!.supervisor!.sessions().map((session) => session.status);
      if (statuses.length > 0 && statuses.every((status) => status === 'ready')) return statuses;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return gateway!.supervisor!.sessions().map((session) => session.status);
  };

  it('gives its session back, whether the job failed or timed out', async () => {
    gateway = await createGateway({
      config: loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '0', LLM_REQUEST_TIMEOUT: '0.3', LOG_LEVEL: 'silent' }),
      log: createLogger({ level: 'silent' }),
    });
    for (let index = 0; index < 3; index++) {
      const failed = await post('[mock:error=upstream_error] fail', true);
      expect(failed.status).toBe(502);
      expect(await settled()).toEqual(['ready']);
    }
    const timedOut = await post('[mock:hang] wait', true);
    expect(timedOut.status).toBe(504);
    expect(await settled()).toEqual(['ready']);

    const answered = await post('Hello!', false);
    expect(answered.status).toBe(200);
  });
});

describe('a client that stops reading a stream', () => {
  it('is cut off after the request timeout and its session is given back', async () => {
    const gateway = await createGateway({
      config: loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '0', LLM_REQUEST_TIMEOUT: '0.3', LOG_LEVEL: 'silent' }),
      log: createLogger({ level: 'silent' }),
    });
    const server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
    try {
      // ~15 MB of SSE, more than the socket buffers hold: the gateway's writes back up.
      const body = JSON.stringify({ model: 'claude-sonnet', stream: true, messages: [{ role: 'user', content: '[mock:words=100000] go' }] });
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      const started = Date.now();
      let received = '';
      socket.on('data', (chunk: Buffer) => (received = (received + chunk.toString('latin1')).slice(-64)));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      socket.pause();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(gateway.supervisor!.sessions().map((session) => session.status)).toEqual(['busy']);

      const limit = started + 300 + OVERDUE_GRACE_MS + 1_000;
      while (Date.now() < limit && gateway.supervisor!.sessions().some((session) => session.status !== 'ready')) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(gateway.supervisor!.sessions().map((session) => session.status)).toEqual(['ready']);
      // What was buffered still arrives, then the connection ends without a finished answer.
      socket.resume();
      await closed;
      expect(received).not.toContain('[DONE]');
      const answered = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }] }),
      });
      expect(answered.status).toBe(200);
    } finally {
      server.server.closeAllConnections();
      await server.close();
      await gateway.close();
    }
  });
});

describe('a stream whose first output comes after its deadline', () => {
  it('is answered 504 with an error body, not SSE headers', async () => {
    // A dispatcher that lets the deadline pass, then sends output: as when the first delta comes
    // in the same turn as the deadline, before the job's own timer has ended it.
    let cancelled: unknown;
    const dispatcher: Dispatcher = {
      mode: 'in-process',
      async *run(job, signal): AsyncGenerator<JobEvent> {
        signal.addEventListener('abort', () => (cancelled = signal.reason));
        yield { type: 'job-started', sessionId: 'session-1', supervisor: 'test' };
        await new Promise((resolve) => setTimeout(resolve, job.deadline - Date.now() + 20));
        yield { type: 'text-delta', text: 'late ' };
        yield { type: 'finish', finishReason: 'stop' };
      },
      sessions: async () => [],
      health: async () => ({ ok: true, mode: 'in-process', supervisors: 1, pool: { total: 0, starting: 0, ready: 0, busy: 0, parked: 0, resetting: 0, stopping: 0, failed: 0 } }),
      queueDepth: async () => 0,
      close: async () => {},
    };
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_REQUEST_TIMEOUT: '0.2', LOG_LEVEL: 'silent' });
    const app = createApp({ config, dispatcher, log: createLogger({ level: 'silent' }) });
    const response = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet', stream: true, messages: [{ role: 'user', content: 'Hello!' }] }),
    });
    expect(response.status).toBe(504);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('timeout');
    expect(cancelled).toMatchObject({ code: 'timeout' });
  });
});

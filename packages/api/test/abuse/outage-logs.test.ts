import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '@llm-gateway/shared';
import { eventually, freePort } from '@llm-gateway/testkit';
import { createApp } from '../../src/app.ts';
import { createRedisDispatcher, type RedisDispatcher } from '../../src/dispatch/redis/redis-dispatcher.ts';
import { testConfig } from '../helpers/test-gateway.ts';

interface Line {
  msg: string;
  level: string;
  kind?: string;
  count?: number;
  err?: { stack?: string };
}

/** The API in Redis mode with a Redis nobody answers on: every request is a 503. */
describe('error logs during a Redis outage', () => {
  const lines: Line[] = [];
  let dispatcher: RedisDispatcher;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
        done();
      },
    });
    const log = createLogger({ level: 'warn', destination });
    const config = testConfig();
    dispatcher = createRedisDispatcher({ redisUrl: `redis://127.0.0.1:${await freePort()}`, prefix: 'outage', maxQueueDepth: 100, log });
    app = createApp({ config, dispatcher, log, metrics: createMetrics({ processMetrics: false }) });
  });
  afterAll(() => dispatcher?.close());

  it('writes one line per error kind per second with a count, not one stack trace per request', async () => {
    const body = JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hi' }] });
    const statuses = await Promise.all(
      Array.from({ length: 500 }, async () => {
        const response = await app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        return response.status;
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([503]));
    // The summary of the first second arrives at its end.
    const counted = () => lines.filter((line) => line.msg === 'request failed').reduce((sum, line) => sum + (line.count ?? 0), 0);
    await eventually(async () => (counted() === 500 ? true : undefined), { timeoutMs: 3_000, what: 'the counts of 500 failures' });
    const failures = lines.filter((line) => line.msg === 'request failed');
    expect(failures.length).toBeLessThanOrEqual(3);
    expect(failures.every((line) => line.kind === 'backend_unavailable')).toBe(true);
    expect(lines.length).toBeLessThan(10);
  });
});

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '@llm-gateway/shared';
import { freePort } from '@llm-gateway/testkit';
import { createApp } from '../../src/app.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createTenantGuard, type TenantGuard } from '../../src/tenants/tenant-guard.ts';
import { inProcessGateway, testConfig } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, chat, KEYS } from './tenant-helpers.ts';

/** Limits and cache in a Redis nobody answers on: requests go on without them, and it is logged once. */
describe('limits and cache while their Redis is away', () => {
  let gateway: Gateway;
  let guard: TenantGuard;
  const lines: Array<{ level: string; msg: string }> = [];

  beforeAll(async () => {
    gateway = await inProcessGateway();
    const config = testConfig({ LLM_API_KEYS: API_KEYS, LLM_RATE_LIMIT_RPM: '1', LLM_CACHE_TTL: '60' });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: string; msg: string });
        done();
      },
    });
    const log = createLogger({ level: 'warn', destination });
    guard = createTenantGuard({ config, log, metrics: createMetrics({ processMetrics: false }), redisUrl: `redis://127.0.0.1:${await freePort()}` });
    gateway = Object.assign(gateway, { app: createApp({ config, dispatcher: gateway.dispatcher, log, tenants: guard }) });
  });
  afterAll(async () => {
    await guard?.close();
    await gateway?.close();
  });

  it('serves without limits or cache, warning once a minute rather than once a request', async () => {
    for (let index = 0; index < 3; index++) {
      const response = await chat(gateway.app, ask('Hi', { temperature: 0 }), { key: KEYS.alpha });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
      expect(response.headers.get('x-llm-cache')).toBe('miss');
    }
    const warnings = lines.filter((line) => line.msg.includes('unavailable; serving without it'));
    expect(warnings).toHaveLength(1);
  });
});

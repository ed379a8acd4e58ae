import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type SessionInfo } from '@llm-gateway/shared';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { testConfig } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, bearer, chat, KEYS, metricValue } from './tenant-helpers.ts';

/**
 * Two API replicas on one test Redis, as a deployment runs them: replica A also runs the
 * supervisor (role `all`), replica B only enqueues (role `api`). Limits and the cache live in
 * Redis, so what one replica counts or stores the other sees.
 */
describe('tenants across two API replicas on one Redis', () => {
  const replicas: Gateway[] = [];
  let a: Gateway;
  let b: Gateway;

  beforeAll(async () => {
    const environment = {
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix('tenants'),
      LLM_HEARTBEAT_INTERVAL: '0.5',
      LLM_SHUTDOWN_GRACE: '1',
      LLM_REQUEST_TIMEOUT: '5',
      LLM_API_KEYS: API_KEYS,
      LLM_ADMIN_KEY: KEYS.admin,
      LLM_TENANT_LIMITS: 'alpha:rpm=3',
      LLM_CACHE_TTL: '60',
    };
    const log = createLogger({ level: 'silent' });
    a = await createGateway({ config: testConfig(environment), log, role: 'all' });
    replicas.push(a);
    b = await createGateway({ config: testConfig(environment), log, role: 'api' });
    replicas.push(b);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  it('enforces keys on both replicas', async () => {
    for (const replica of [a, b]) {
      expect((await chat(replica.app, ask('Hi'))).status).toBe(401);
      expect((await chat(replica.app, ask('Hi'), { key: 'sk-unknown-000000' })).status).toBe(401);
      const served = await chat(replica.app, ask('Hi'), { key: KEYS.beta });
      expect(served.status).toBe(200);
      expect(((await served.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(
        'This is a mock response to: Hi',
      );
    }
  });

  it("holds a tenant's limit across replicas, and only that tenant's", async () => {
    const statuses = [];
    for (const [replica, key] of [[a, KEYS.alpha], [b, KEYS.alpha2], [a, KEYS.alpha], [b, KEYS.alpha]] as const) {
      statuses.push((await chat(replica.app, ask('limited'), { key })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await chat(a.app, ask('limited'), { key: KEYS.alpha2 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await chat(b.app, ask('not limited'), { key: KEYS.gamma })).status).toBe(200);
  });

  it('hits the cache across replicas, never across tenants, and counts the hits', async () => {
    const body = ask('Shared answer', { temperature: 0 });
    const miss = await chat(a.app, body, { key: KEYS.beta });
    expect(miss.headers.get('x-llm-cache')).toBe('miss');
    const fresh = (await miss.json()) as { id: string; choices: unknown };
    const hit = await chat(b.app, body, { key: KEYS.beta });
    expect(hit.headers.get('x-llm-cache')).toBe('hit');
    const cached = (await hit.json()) as { id: string; choices: unknown };
    expect(cached.choices).toEqual(fresh.choices);
    expect(cached.id).not.toBe(fresh.id);
    expect((await chat(b.app, body, { key: KEYS.gamma })).headers.get('x-llm-cache')).toBe('miss');
    const streamed = await chat(a.app, { ...body, stream: true }, { key: KEYS.beta });
    expect(streamed.headers.get('x-llm-cache')).toBe('hit');
    expect(await streamed.text()).toContain('This is a mock response to: Shared answer');

    const metricsB = await (await b.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metricsB, 'llm_cache_hits_total', { tenant: 'beta' })).toBe(1);
    expect(metricValue(metricsB, 'llm_cache_hits_total', { tenant: 'gamma' })).toBe(0);
    const metricsA = await (await a.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metricsA, 'llm_cache_hits_total', { tenant: 'beta' })).toBe(1);
  });

  it('guards /sessions on both replicas; the admin sees the sessions of the supervisor', async () => {
    for (const replica of [a, b]) {
      expect((await replica.app.request('/sessions')).status).toBe(401);
      expect((await replica.app.request('/sessions', { headers: bearer(KEYS.alpha) })).status).toBe(403);
      const response = await replica.app.request('/sessions', { headers: bearer(KEYS.admin) });
      expect(response.status).toBe(200);
      const { sessions } = (await response.json()) as { sessions: SessionInfo[] };
      expect(sessions.length).toBeGreaterThan(0);
    }
  });
});

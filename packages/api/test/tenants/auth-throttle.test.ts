import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIErrorSchema } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { API_KEYS, bearer, KEYS } from './tenant-helpers.ts';

/** What @hono/node-server passes as `c.env`: the client address is the socket's peer. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('failed authentications are throttled per client address', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_AUTH_FAILURES_PER_MINUTE: '5' });
  });
  afterAll(() => gateway?.close());

  const models = (key: string | undefined, address: string, headers: Record<string, string> = {}) =>
    gateway.app.request('/v1/models', { headers: { ...(key ? bearer(key) : {}), ...headers } }, from(address));

  it('answers 401 up to the budget, then 429 with retry-after, without slowing valid keys', async () => {
    const statuses = [];
    for (let index = 0; index < 5; index++) statuses.push((await models(`sk-guess-${index}`, '198.51.100.7')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const refused = await models('sk-guess-5', '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(12);
    expect(openAIErrorSchema.parse(await refused.json()).error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
    // A missing key and the admin endpoints count as well.
    expect((await models(undefined, '198.51.100.7')).status).toBe(429);
    expect((await gateway.app.request('/sessions', {}, from('198.51.100.7'))).status).toBe(429);
    // A valid key is accepted from that address as from any other: only failures are refused.
    expect((await models(KEYS.alpha, '198.51.100.7')).status).toBe(200);
    expect((await models(KEYS.beta, '203.0.113.9')).status).toBe(200);
    expect((await gateway.app.request('/sessions', { headers: bearer(KEYS.admin) }, from('198.51.100.7'))).status).toBe(200);
    // Another address has its own budget, and x-forwarded-for does not choose it.
    expect((await models('sk-guess', '203.0.113.9')).status).toBe(401);
    expect((await models('sk-guess', '198.51.100.7', { 'x-forwarded-for': '203.0.113.10' })).status).toBe(429);
  });

  it('does not count a tenant key on an admin endpoint, a valid key with the wrong rights', async () => {
    for (let index = 0; index < 10; index++) {
      expect((await gateway.app.request('/sessions', { headers: bearer(KEYS.alpha) }, from('192.0.2.1'))).status).toBe(403);
    }
    expect((await models('sk-guess', '192.0.2.1')).status).toBe(401);
  });
});

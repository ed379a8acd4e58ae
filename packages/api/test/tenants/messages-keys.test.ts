import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { API_KEYS, bearer, KEYS, metricValue } from './tenant-helpers.ts';

/** `/v1/messages` takes the same tenant keys, as `x-api-key` (Anthropic's clients) or Bearer. */
describe('tenant keys on the Messages API', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_RATE_LIMIT_RPM: '3' });
  });
  afterAll(() => gateway?.close());

  const post = (headers: Record<string, string>, path = '/v1/messages') =>
    gateway.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'claude-sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'Hello!' }] }),
    });

  it("refuses a missing, wrong or admin key with Anthropic's 401", async () => {
    const attempts: Array<Record<string, string>> = [{}, { 'x-api-key': `${KEYS.alpha}x` }, { 'x-api-key': KEYS.admin }];
    for (const headers of attempts) {
      const response = await post(headers);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(body.error.message).not.toContain(KEYS.alpha);
    }
  });

  it('serves x-api-key and Bearer alike, counted and limited for the same tenant', async () => {
    expect((await post({ 'x-api-key': KEYS.beta })).status).toBe(200);
    expect((await post(bearer(KEYS.beta))).status).toBe(200);
    expect((await post({ 'x-api-key': KEYS.beta }, '/v1/messages/count_tokens')).status).toBe(200);
    const limited = await post({ 'x-api-key': KEYS.beta });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_tenant_requests_total', { tenant: 'beta', model: 'claude-sonnet', status: '200' })).toBe(2);
  });
});

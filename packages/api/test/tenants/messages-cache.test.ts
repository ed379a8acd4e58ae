import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { sseEvents } from '../helpers/sse.ts';
import { API_KEYS, bearer, KEYS, metricValue } from './tenant-helpers.ts';

/** The response cache serves Messages requests as it serves chat completions, in Anthropic's shapes. */
describe('the response cache on the Messages API', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_CACHE_TTL: '60' });
  });
  afterAll(() => gateway?.close());

  const post = (body: Record<string, unknown>) =>
    gateway.app.request('/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEYS.gamma },
      body: JSON.stringify({ model: 'claude-sonnet', max_tokens: 64, temperature: 0, messages: [{ role: 'user', content: 'Cache this message' }], ...body }),
    });

  it('answers a repeated temperature-0 request from the cache as a Message and as the same event stream', async () => {
    const first = await post({});
    expect(first.headers.get('x-llm-cache')).toBe('miss');
    const fresh = (await first.json()) as { id: string; content: unknown };
    const second = await post({});
    expect(second.headers.get('x-llm-cache')).toBe('hit');
    const cached = (await second.json()) as { id: string; content: unknown; type: string };
    expect(cached.id).toMatch(/^msg_/);
    expect(cached.id).not.toBe(fresh.id);
    expect(cached.content).toEqual(fresh.content);

    const streamed = await post({ stream: true });
    expect(streamed.headers.get('x-llm-cache')).toBe('hit');
    const names = sseEvents(await streamed.text()).map((event) => event.event);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_cache_hits_total', { tenant: 'gamma' })).toBe(2);
  });
});

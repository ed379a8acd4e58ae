import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIErrorSchema } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, bearer, chat, KEYS, metricValue } from './tenant-helpers.ts';

interface ResponseJson {
  id: string;
  output: Array<{ content?: Array<{ text: string }> }>;
  usage: { output_tokens: number };
}

/**
 * Keys, limits and the cache apply to `POST /v1/responses` as to chat completions: both are
 * front ends of one path, and the cache holds normalized answers, so either dialect can hit it.
 */
describe('tenants on the Responses API (embedded, in memory)', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_CACHE_TTL: '60', LLM_TENANT_LIMITS: 'beta:rpm=2' });
  });
  afterAll(() => gateway?.close());

  const respond = (body: Record<string, unknown>, key?: string) =>
    gateway.app.request('/v1/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? bearer(key) : {}) },
      body: JSON.stringify({ model: 'claude-sonnet', ...body }),
    });
  const text = (body: ResponseJson) => body.output.flatMap((item) => item.content ?? []).map((part) => part.text).join('');

  it('needs a tenant key', async () => {
    const response = await respond({ input: 'who am I' });
    expect(response.status).toBe(401);
    expect(openAIErrorSchema.parse(await response.json()).error.code).toBe('invalid_api_key');
  });

  it('serves a repeated request from the cache under a new resp_ id, and shares the entry with chat completions', async () => {
    const first = await respond({ input: 'Cache me', temperature: 0 }, KEYS.alpha);
    expect(first.headers.get('x-llm-cache')).toBe('miss');
    const fresh = (await first.json()) as ResponseJson;
    const second = await respond({ input: 'Cache me', temperature: 0 }, KEYS.alpha2);
    expect(second.headers.get('x-llm-cache')).toBe('hit');
    const cached = (await second.json()) as ResponseJson;
    expect(cached.id).toMatch(/^resp_/);
    expect(cached.id).not.toBe(fresh.id);
    expect(text(cached)).toBe(text(fresh));
    expect(cached.usage).toEqual(fresh.usage);

    const asChat = await chat(gateway.app, ask('Cache me', { temperature: 0 }), { key: KEYS.alpha });
    expect(asChat.headers.get('x-llm-cache')).toBe('hit');
    expect(((await asChat.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(text(fresh));

    const streamed = await respond({ input: 'Cache me', temperature: 0, stream: true }, KEYS.alpha);
    expect(streamed.headers.get('x-llm-cache')).toBe('hit');
    expect(await streamed.text()).toMatch(/event: response\.completed\n/);
  });

  it("continues a tenant's stored responses for any of its keys, never another tenant's", async () => {
    const first = (await (await respond({ input: 'Remember me' }, KEYS.alpha)).json()) as ResponseJson;
    expect((await respond({ input: 'Who?', previous_response_id: first.id }, KEYS.alpha2)).status).toBe(200);
    const foreign = await respond({ input: 'Who?', previous_response_id: first.id }, KEYS.gamma);
    expect(foreign.status).toBe(400);
    expect(openAIErrorSchema.parse(await foreign.json()).error).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id' });
  });

  it("takes both dialects' requests from one RPM budget", async () => {
    expect((await respond({ input: 'one' }, KEYS.beta)).status).toBe(200);
    expect((await chat(gateway.app, ask('two'), { key: KEYS.beta })).status).toBe(200);
    const refused = await respond({ input: 'three' }, KEYS.beta);
    expect(refused.status).toBe(429);
    expect(openAIErrorSchema.parse(await refused.json()).error.code).toBe('rate_limit_exceeded');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('counts per tenant and dialect, and lists the requests on the status page', async () => {
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_requests_total', { status: '200', dialect: 'responses' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(metrics, 'llm_requests_total', { status: '429', dialect: 'responses' })).toBe(1);
    expect(metricValue(metrics, 'llm_tenant_requests_total', { tenant: 'beta', status: '429' })).toBe(1);
    const status = (await (await gateway.app.request('/status', { headers: bearer(KEYS.admin) })).json()) as Record<string, unknown>;
    const errors = (status as { activity: { clientErrors: Array<Record<string, unknown>> } }).activity.clientErrors;
    expect(errors).toContainEqual(expect.objectContaining({ status: 429, dialect: 'responses', errorCode: 'rate_limit_exceeded' }));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIErrorSchema } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, bearer, chat, KEYS, metricValue } from './tenant-helpers.ts';

/** A chat completion whose body never ends: answered only if the gateway never reads it. */
function endlessRequest(key: string): Request {
  const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"model":"')) });
  return new Request('http://gateway/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(key) },
    body,
    duplex: 'half',
  } as RequestInit);
}

async function errorOf(response: Response) {
  const text = await response.text();
  return { status: response.status, size: text.length, error: openAIErrorSchema.parse(JSON.parse(text)).error };
}

describe('admission order: authenticate, RPM, parse and validate, then TPM', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({
      LLM_API_KEYS: API_KEYS,
      LLM_ADMIN_KEY: KEYS.admin,
      LLM_MAX_BODY_BYTES: String(8 * 1024 * 1024),
      LLM_MAX_PROMPT_CHARS: '2000000',
      LLM_TENANT_LIMITS: 'alpha:rpm=3,beta:rpm=3',
    });
  });
  afterAll(() => gateway?.close());

  it('refuses a 4 MB model with a small 400 naming the param, kept out of the status page', async () => {
    const huge = 'm'.repeat(4 * 1024 * 1024);
    const refused = await errorOf(await chat(gateway.app, ask('Hi', { model: huge }), { key: KEYS.gamma }));
    expect(refused).toMatchObject({ status: 400, error: { code: 'string_above_max_length', param: 'model' } });
    expect(refused.size).toBeLessThan(300);
    const unknown = await errorOf(await chat(gateway.app, ask('Hi', { model: 'n'.repeat(256) }), { key: KEYS.gamma }));
    expect(unknown).toMatchObject({ status: 404, error: { code: 'model_not_found', param: null } });
    expect(unknown.size).toBeLessThan(300);
    const status = await (await gateway.app.request('/status', { headers: bearer(KEYS.admin) })).text();
    expect(status).not.toContain('m'.repeat(300));
    expect(status.length).toBeLessThan(64 * 1024);
  });

  it('counts requests that end in a 4xx against the RPM', async () => {
    const badJson = await gateway.app.request('/v1/chat/completions', { method: 'POST', headers: bearer(KEYS.alpha), body: '{not json' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect((await chat(gateway.app, ask('Hi', { model: 'no-such-model' }), { key: KEYS.alpha })).status).toBe(404);
    expect((await chat(gateway.app, ask('Hi', { temperature: 7 }), { key: KEYS.alpha })).status).toBe(400);
    const refused = await errorOf(await chat(gateway.app, ask('Hi'), { key: KEYS.alpha }));
    expect(refused).toMatchObject({ status: 429, error: { code: 'rate_limit_exceeded' } });
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_rate_limited_total', { tenant: 'alpha', limit: 'requests' })).toBe(1);
  });

  it('refuses a tenant over its RPM before reading the body: invalid JSON, a 900k prompt and an endless body all get 429', async () => {
    for (let index = 0; index < 3; index++) expect((await chat(gateway.app, ask('Hi'), { key: KEYS.beta })).status).toBe(200);
    const invalid = await gateway.app.request('/v1/chat/completions', { method: 'POST', headers: bearer(KEYS.beta), body: '{not json' });
    expect(invalid.status).toBe(429);
    expect(Number(invalid.headers.get('retry-after'))).toBeGreaterThan(0);
    const large = await chat(gateway.app, ask('x'.repeat(900_000)), { key: KEYS.beta });
    expect(large.status).toBe(429);
    // The body below never ends: had the gateway waited for it, this would time out.
    const endless = await gateway.app.request(endlessRequest(KEYS.beta));
    expect((await errorOf(endless)).status).toBe(429);
  });

  it('authenticates before limiting: a wrong key is a 401 and takes nothing from any budget', async () => {
    const wrong = await gateway.app.request(endlessRequest('sk-wrong'));
    expect(wrong.status).toBe(401);
    const gamma = await chat(gateway.app, ask('Hi'), { key: KEYS.gamma });
    expect(gamma.status).toBe(200);
  });
});

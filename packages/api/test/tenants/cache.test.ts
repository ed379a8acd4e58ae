import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIChatChunkSchema, openAIChatCompletionSchema } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { sseData } from '../helpers/sse.ts';
import { API_KEYS, ask, bearer, chat, KEYS, metricValue } from './tenant-helpers.ts';

const completion = async (response: Response) => openAIChatCompletionSchema.parse(await response.json());

/** A stream's chunks without what differs between two answers (id, created). */
async function streamShape(response: Response) {
  const events = sseData(await response.text());
  expect(events.at(-1)).toBe('[DONE]');
  return events.slice(0, -1).map((data) => {
    const { id: _id, created: _created, ...rest } = openAIChatChunkSchema.parse(data);
    return rest;
  });
}

describe('the response cache (embedded, in memory)', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_CACHE_TTL: '60' });
  });
  afterAll(() => gateway?.close());

  it('serves a repeated temperature-0 request from the cache, under a new id, counting the hit', async () => {
    const body = ask('Cache me', { temperature: 0 });
    const first = await chat(gateway.app, body, { key: KEYS.alpha });
    expect(first.headers.get('x-llm-cache')).toBe('miss');
    const fresh = await completion(first);
    const second = await chat(gateway.app, body, { key: KEYS.alpha2 });
    expect(second.headers.get('x-llm-cache')).toBe('hit');
    const cached = await completion(second);
    expect(cached.id).not.toBe(fresh.id);
    expect(cached.choices).toEqual(fresh.choices);
    expect(cached.usage).toEqual(fresh.usage);
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_cache_hits_total', { tenant: 'alpha' })).toBe(1);
    expect(metricValue(metrics, 'llm_cache_misses_total', { tenant: 'alpha' })).toBe(1);
    // A hit used no backend tokens: only the fresh answer's are counted.
    expect(metricValue(metrics, 'llm_tokens_total', { tenant: 'alpha', kind: 'completion' })).toBe(fresh.usage.completion_tokens);
  });

  it("never serves one tenant's answer to another", async () => {
    const body = ask('Private to alpha', { temperature: 0 });
    expect((await chat(gateway.app, body, { key: KEYS.alpha })).headers.get('x-llm-cache')).toBe('miss');
    expect((await chat(gateway.app, body, { key: KEYS.beta })).headers.get('x-llm-cache')).toBe('miss');
    expect((await chat(gateway.app, body, { key: KEYS.beta })).headers.get('x-llm-cache')).toBe('hit');
  });

  it('serves a cached answer as the same SSE stream a fresh one gets, either way round', async () => {
    const body = ask('Stream me from the cache', { temperature: 0, stream: true, stream_options: { include_usage: true } });
    const first = await chat(gateway.app, body, { key: KEYS.gamma });
    expect(first.headers.get('x-llm-cache')).toBe('miss');
    const freshShape = await streamShape(first);
    const second = await chat(gateway.app, body, { key: KEYS.gamma });
    expect(second.headers.get('x-llm-cache')).toBe('hit');
    expect(second.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const cachedShape = await streamShape(second);
    const text = (shape: typeof freshShape) => shape.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text(cachedShape)).toBe(text(freshShape));
    expect(cachedShape[0]).toEqual(freshShape[0]);
    expect(cachedShape.slice(-2)).toEqual(freshShape.slice(-2));
    // Stored from a stream, served as JSON.
    const json = await chat(gateway.app, { ...body, stream: false }, { key: KEYS.gamma });
    expect(json.headers.get('x-llm-cache')).toBe('hit');
    expect((await completion(json)).choices[0]!.message.content).toBe('This is a mock response to: Stream me from the cache');
  });

  it('bypasses sampled requests unless asked, and obeys x-llm-cache: bypass', async () => {
    const sampled = ask('Sampled', { temperature: 0.7 });
    expect((await chat(gateway.app, sampled, { key: KEYS.alpha })).headers.get('x-llm-cache')).toBe('bypass');
    expect((await chat(gateway.app, sampled, { key: KEYS.alpha })).headers.get('x-llm-cache')).toBe('bypass');
    const optIn = { key: KEYS.alpha, headers: { 'x-llm-cache': 'use' } };
    expect((await chat(gateway.app, sampled, optIn)).headers.get('x-llm-cache')).toBe('miss');
    expect((await chat(gateway.app, sampled, optIn)).headers.get('x-llm-cache')).toBe('hit');
    const deterministic = ask('Sampled', { temperature: 0 });
    expect((await chat(gateway.app, deterministic, { key: KEYS.alpha })).headers.get('x-llm-cache')).toBe('miss');
    expect((await chat(gateway.app, deterministic, { key: KEYS.alpha, headers: { 'x-llm-cache': 'bypass' } })).headers.get('x-llm-cache')).toBe(
      'bypass',
    );
  });

  it('caches only finished, successful answers', async () => {
    for (const prompt of ['[mock:error=upstream_error] fail', '[mock:fail-after=2] fail midway']) {
      for (const stream of [false, true]) {
        const body = ask(prompt, { temperature: 0, stream });
        const first = await chat(gateway.app, body, { key: KEYS.beta });
        await first.text();
        expect(first.headers.get('x-llm-cache')).toBe('miss');
        const again = await chat(gateway.app, body, { key: KEYS.beta });
        await again.text();
        expect(again.headers.get('x-llm-cache'), `${prompt} stream=${stream}`).toBe('miss');
      }
    }
  });
});

describe('with the cache off (LLM_CACHE_TTL=0)', () => {
  it('says bypass on every chat completion, errors included', async () => {
    const gateway = await inProcessGateway();
    try {
      for (const body of [ask('Hi', { temperature: 0 }), ask('Hi', { model: 'no-such-model' }), ask('[mock:error=overloaded] x')]) {
        const response = await chat(gateway.app, body, { headers: { 'x-llm-cache': 'use' } });
        expect(response.headers.get('x-llm-cache')).toBe('bypass');
      }
    } finally {
      await gateway.close();
    }
  });
});

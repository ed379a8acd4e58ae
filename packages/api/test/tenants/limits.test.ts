import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPromptTokens } from '@llm-gateway/backends';
import { openAIErrorSchema, parseChatRequest } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, bearer, chat, KEYS, metricValue } from './tenant-helpers.ts';

async function expectError(response: Response, status: number, code: string, param: string | null = null) {
  expect(response.status).toBe(status);
  const body = openAIErrorSchema.parse(await response.json());
  expect(body.error.code).toBe(code);
  expect(body.error.param).toBe(param);
  return body.error.message;
}

describe('per-tenant rate limits (embedded, in memory)', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({
      LLM_API_KEYS: API_KEYS,
      LLM_ADMIN_KEY: KEYS.admin,
      LLM_RATE_LIMIT_RPM: '100',
      LLM_TENANT_LIMITS: 'alpha:rpm=2,gamma:rpm=0:tpm=60',
    });
  });
  afterAll(() => gateway?.close());

  it('refuses the request over the limit with 429, retry-after and the x-ratelimit headers', async () => {
    const first = await chat(gateway.app, ask('one'), { key: KEYS.alpha });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-requests')).toBe('30s');
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBeNull();
    expect((await chat(gateway.app, ask('two'), { key: KEYS.alpha2 })).status).toBe(200);
    const refused = await chat(gateway.app, ask('three'), { key: KEYS.alpha });
    expect(await expectError(refused, 429, 'rate_limit_exceeded')).toMatch(/requests per min \(RPM\): Limit 2/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it("never limits another tenant with one tenant's use", async () => {
    const response = await chat(gateway.app, ask('beta is fine'), { key: KEYS.beta });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('100');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('99');
  });

  it('limits tokens per minute by the estimate, corrected with actual usage', async () => {
    // gamma: 60 tokens a minute. "Hi" is ~8 prompt tokens and the mock answers with ~8 more.
    const first = await chat(gateway.app, ask('Hi'), { key: KEYS.gamma });
    expect(first.status).toBe(200);
    const used = ((await first.clone().json()) as { usage: { prompt_tokens: number; total_tokens: number } }).usage;
    expect(Number(first.headers.get('x-ratelimit-remaining-tokens'))).toBe(60 - used.prompt_tokens);
    // The next request sees the completion tokens taken as well (a little refilled meanwhile).
    const second = await chat(gateway.app, ask('Hi'), { key: KEYS.gamma });
    const remaining = Number(second.headers.get('x-ratelimit-remaining-tokens'));
    expect(remaining).toBeGreaterThanOrEqual(60 - used.total_tokens - used.prompt_tokens);
    expect(remaining).toBeLessThanOrEqual(60 - used.total_tokens - used.prompt_tokens + 1);
    const large = await chat(gateway.app, ask('word '.repeat(100)), { key: KEYS.gamma });
    expect(await expectError(large, 429, 'rate_limit_exceeded')).toMatch(/Request too large .* Limit 60, Requested \d+/);
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_rate_limited_total', { tenant: 'gamma', limit: 'tokens' })).toBe(1);
    expect(metricValue(metrics, 'llm_rate_limited_total', { tenant: 'alpha', limit: 'requests' })).toBe(1);
    expect(metricValue(metrics, 'llm_tenant_requests_total', { tenant: 'alpha', status: '429' })).toBe(1);
  });
});

describe('token limits on streams (embedded)', () => {
  it('corrects the estimate with the usage a stream reports, and keeps it charged when a job fails', async () => {
    const gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_RATE_LIMIT_TPM: '6000' });
    try {
      const streamed = await chat(gateway.app, ask('Stream and count', { stream: true }), { key: KEYS.beta });
      const text = await streamed.text();
      expect(text).toContain('[DONE]');
      const failing = ask('[mock:error=upstream_error]');
      const failed = await chat(gateway.app, failing, { key: KEYS.beta });
      expect(failed.status).toBe(502);
      const afterFailure = Number(failed.headers.get('x-ratelimit-remaining-tokens'));
      const next = await chat(gateway.app, ask('Stream and count'), { key: KEYS.beta });
      // The same prompt as the stream: the same usage.
      const usage = ((await next.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
      const failedEstimate = countPromptTokens(parseChatRequest({ model: 'claude-sonnet', ...failing }).request);
      // 100 tokens refill per second: allow for a few while the test runs.
      const near = (actual: number, expected: number) => {
        expect(actual).toBeGreaterThanOrEqual(expected);
        expect(actual).toBeLessThanOrEqual(expected + 10);
      };
      near(afterFailure, 6_000 - usage.prompt_tokens - usage.completion_tokens - failedEstimate);
      near(Number(next.headers.get('x-ratelimit-remaining-tokens')), afterFailure - usage.prompt_tokens);
    } finally {
      await gateway.close();
    }
  });
});

describe('prompt caps and the context window', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_MAX_MESSAGES: '3', LLM_MAX_PROMPT_CHARS: '2000', LLM_CONTEXT_WINDOW: '300' });
  });
  afterAll(() => gateway?.close());

  it('refuses too many messages and too long a prompt on messages', async () => {
    const four = { messages: Array.from({ length: 4 }, (_, index) => ({ role: 'user', content: `m${index}` })) };
    expect(await expectError(await chat(gateway.app, four), 400, 'invalid_value', 'messages')).toMatch(/maximum length 3, but got an array with length 4/);
    expect(await expectError(await chat(gateway.app, ask('x'.repeat(2001))), 400, 'invalid_value', 'messages')).toMatch(/2001 characters/);
  });

  it("refuses a prompt and completion over the model's context window, as OpenAI words it", async () => {
    const words = 'lorem ipsum dolor sit amet '.repeat(60); // ~300 tokens
    const refused = await chat(gateway.app, ask(words));
    expect(await expectError(refused, 400, 'context_length_exceeded', 'messages')).toMatch(/maximum context length is 300 tokens/);
    expect(refused.headers.get('x-llm-cache')).toBe('bypass');
    const withCompletion = await chat(gateway.app, ask('lorem ipsum '.repeat(50), { max_tokens: 250 }));
    expect(await expectError(withCompletion, 400, 'context_length_exceeded', 'messages')).toMatch(/in the messages, 250 in the completion/);
    expect((await chat(gateway.app, ask('lorem ipsum '.repeat(50)))).status).toBe(200);
  });
});

describe('context windows per model (LLM_CONTEXT_WINDOWS)', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({
      LLM_MODELS: 'local-small=mock,local-big=mock,local-*=mock',
      LLM_CONTEXT_WINDOWS: 'local-small=100,local-*=1000,claude-haiku=0',
      LLM_CONTEXT_WINDOW: '300',
    });
  });
  afterAll(() => gateway?.close());

  const prompt = ask('lorem ipsum dolor sit amet '.repeat(40)); // ~200 tokens

  it('checks each model against its own window: an exact entry, then the longest prefix, then LLM_CONTEXT_WINDOW', async () => {
    const small = await chat(gateway.app, { ...prompt, model: 'local-small' });
    expect(await expectError(small, 400, 'context_length_exceeded', 'messages')).toMatch(/maximum context length is 100 tokens/);
    expect((await chat(gateway.app, { ...prompt, model: 'local-big' })).status).toBe(200);
    const long = ask('lorem ipsum dolor sit amet '.repeat(300)); // ~1,500 tokens
    expect(await expectError(await chat(gateway.app, { ...long, model: 'local-big' }), 400, 'context_length_exceeded', 'messages')).toMatch(
      /maximum context length is 1000 tokens/,
    );
    expect(await expectError(await chat(gateway.app, { ...long, model: 'claude-sonnet' }), 400, 'context_length_exceeded', 'messages')).toMatch(
      /maximum context length is 300 tokens/,
    );
  });

  it('leaves a model with a window of 0 unchecked', async () => {
    expect((await chat(gateway.app, { ...ask('lorem ipsum dolor sit amet '.repeat(300)), model: 'claude-haiku' })).status).toBe(200);
  });
});

import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';

const MOCK_ANSWER = /^This is a mock response to: /;
/** Tells the fake's 5xx apart from one the api backend would retry by itself. */
const NO_RETRY = { 'x-should-retry': 'false' };

/**
 * One gateway, two backends: the official openai client → the gateway over a socket → the mock
 * pool (size 1, no overflow) or the api backend → a fake Anthropic API over a socket.
 */
describe.each([
  ['embedded', inProcessGateway],
  ['redis', redisGateway],
])('routing by model (%s)', (mode, factory) => {
  let fake: FakeAnthropic;
  let served: ServedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway(
      {
        LLM_BACKEND: 'mock',
        LLM_POOL_SIZE: '1',
        LLM_MAX_OVERFLOW: '0',
        LLM_REQUEST_TIMEOUT: '5',
        LLM_MODELS: 'claude-haiku=api,claude-sonnet=mock|api,claude-opus=api|mock,local-model=mock',
        ANTHROPIC_API_KEY: 'sk-ant-routing',
        ANTHROPIC_BASE_URL: fake.url,
      },
      { factory },
    );
    client = served.client;
    await waitForReadySession(served.url);
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });
  beforeEach(async () => {
    fake.requests.length = 0;
    await waitForReadySession(served.url);
  });

  const ask = (model: string, content: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

  it('serves two models on two backends and lists every routed model with its owner', async () => {
    const [fromMock, fromApi] = await Promise.all([ask('local-model', 'one'), ask('claude-haiku', 'two')]);
    expect(fromMock.choices[0]!.message.content).toMatch(MOCK_ANSWER);
    expect(fromMock.model).toBe('local-model');
    expect(fromApi.choices[0]!.message.content).toBe('echo: two');
    expect(fake.requests).toHaveLength(1);
    // A client that does not stream gets its answer fetched as one JSON message (the stream hint).
    expect(fake.requests[0]!.body).toMatchObject({ model: 'claude-haiku-5-5', stream: false });

    const models = await client.models.list();
    expect(models.data.map((model) => [model.id, model.owned_by])).toEqual([
      ['claude-sonnet', 'llm-gateway'],
      ['claude-haiku', 'anthropic'],
      ['claude-opus', 'anthropic'],
      ['local-model', 'llm-gateway'],
    ]);
    await expect(ask('gpt-4o', 'x')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('keeps /health and /sessions working with the pool of the pooled backend', async () => {
    const health = await fetch(`${served.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', pool: { ready: 1, total: 1 } });
    const { sessions } = (await (await fetch(`${served.url}/sessions`)).json()) as { sessions: Array<{ backend: string }> };
    expect(sessions.map((session) => session.backend)).toEqual(['mock']);
  });

  it('falls back to the api backend while the only mock session is busy (pool and overflow exhausted)', async () => {
    const holding = ask('local-model', '[mock:delay=600] hold the session');
    await waitForBusySession(served.url);
    const started = Date.now();
    const [fallback, streamed] = await Promise.all([
      ask('claude-sonnet', 'need an answer now'),
      collectStream(client, 'claude-sonnet', 'streamed too'),
    ]);
    expect(Date.now() - started).toBeLessThan(500); // neither waited for the busy session
    expect(fallback.choices[0]!.message.content).toBe('echo: need an answer now');
    expect(streamed).toBe('echo: streamed too');
    expect(fake.requests.map((request) => request.body.stream).sort()).toEqual([false, true]);
    expect((await holding).choices[0]!.message.content).toMatch(MOCK_ANSWER);
    expect(fake.requests).toHaveLength(2);
  });

  it('uses the first backend when it is free', async () => {
    const answer = await ask('claude-sonnet', 'hello');
    expect(answer.choices[0]!.message.content).toMatch(MOCK_ANSWER);
    expect(fake.requests).toHaveLength(0);
  });

  it('falls back after a retryable upstream error before any output', async () => {
    fake.enqueue({ kind: 'error', status: 503, headers: NO_RETRY }, { kind: 'error', status: 500, headers: NO_RETRY });
    const answer = await ask('claude-opus', 'upstream is down');
    expect(answer.choices[0]!.message.content).toMatch(MOCK_ANSWER);
    expect(await collectStream(client, 'claude-opus', 'streamed')).toMatch(MOCK_ANSWER);
    expect(fake.requests).toHaveLength(2);
  });

  it('falls back from the mock failing before output to the api backend', async () => {
    expect(await collectStream(client, 'claude-sonnet', '[mock:error=upstream_error] try')).toBe('echo: [mock:error=upstream_error] try');
    // The request is counted for the backend that answered, not the one first tried.
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_requests_total\{[^}]*status="200"[^}]*model="claude-sonnet"[^}]*backend="api"/);
  });

  it('does not fall back on an error the request causes', async () => {
    fake.enqueue({ kind: 'error', status: 400, message: 'bad field' });
    const error = await ask('claude-opus', 'invalid').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 400 });
  });

  it('reports the last error when every backend fails', async () => {
    const error = await ask('claude-sonnet', '[mock:error=overloaded]').catch((caught: unknown) => caught);
    // The api backend answered instead: the directive means nothing to the fake.
    expect(error).toMatchObject({ choices: [{ message: { content: 'echo: [mock:error=overloaded]' } }] });
    fake.enqueue({ kind: 'error', status: 503, headers: NO_RETRY });
    const bothDown = await ask('claude-opus', '[mock:error=overloaded]').catch((caught: unknown) => caught);
    expect(bothDown).toMatchObject({ status: 503, code: 'overloaded' });
  });

  it('does not fall back once output has started', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: '[mock:fail-after=2] a long answer' }],
      stream: true,
    });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    expect(text.length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(0);
  });
});

async function collectStream(client: OpenAI, model: string, content: string): Promise<string> {
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content }], stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

async function sessionStatuses(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/sessions`)).json()) as { sessions: Array<{ status: string }> };
  return body.sessions.map((session) => session.status);
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A failed mock session is replaced at once; the next test starts with it ready. */
const waitForReadySession = (url: string) => waitFor(async () => (await sessionStatuses(url)).includes('ready'), 'a ready session');
const waitForBusySession = (url: string) => waitFor(async () => (await sessionStatuses(url)).includes('busy'), 'a busy session');

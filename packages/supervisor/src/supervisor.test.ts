import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, type BackendName, type CompletionJob, type JobEvent } from '@llm-gateway/shared';
import { startFakeOpenAI, type FakeOpenAI } from '@llm-gateway/testkit';
import { createSupervisor, type Supervisor } from './supervisor.ts';

const log = createLogger({ level: 'silent' });

function job(backend: BackendName, text: string): CompletionJob {
  const now = Date.now();
  return {
    id: `chatcmpl-${backend}`,
    requestId: 'request',
    tenant: 'anonymous',
    backend,
    request: { model: 'some-model', messages: [{ role: 'user', content: [{ type: 'text', text }] }] },
    stream: false,
    deadline: now + 5_000,
    acceptedAt: now,
  };
}

async function run(supervisor: Supervisor, backend: BackendName, text: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const event of supervisor.run(job(backend, text), new AbortController().signal)) events.push(event);
  return events;
}

const textOf = (events: JobEvent[]) => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

describe('createSupervisor with a routing table', () => {
  let supervisor: Supervisor | undefined;
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await supervisor?.stop();
    await fake?.close();
    supervisor = undefined;
    fake = undefined;
  });

  it('hosts every backend the table names and runs each job on its backend', async () => {
    fake = await startFakeOpenAI();
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '0', LLM_MODELS: 'gpt-4o=openai', OPENAI_BASE_URL: fake.url });
    supervisor = createSupervisor({ config, log, id: 'sup' });
    supervisor.start();
    expect(supervisor.backendName).toBe('mock');
    expect(supervisor.backendNames).toEqual(['mock', 'openai']);

    expect(textOf(await run(supervisor, 'mock', 'to the pool'))).toMatch(/^This is a mock response to: to the pool/);
    expect(textOf(await run(supervisor, 'openai', 'to the upstream'))).toBe('echo: to the upstream');
    expect(fake.requests).toHaveLength(1);

    // A backend this supervisor does not host (another configuration) is refused, not guessed.
    expect((await run(supervisor, 'cli', 'nobody')).at(-1)).toMatchObject({ type: 'error', error: { code: 'backend_unavailable' } });
    expect(supervisor.sessions().map((session) => session.backend)).toEqual(['mock']);
    expect(supervisor.health()).toMatchObject({ ok: true, pool: { total: 1 } });
  });

  it('runs every job on its only backend when there is no table, as before routing', async () => {
    supervisor = createSupervisor({ config: loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1' }), log, id: 'sup' });
    supervisor.start();
    expect(supervisor.backendNames).toEqual(['mock']);
    expect(textOf(await run(supervisor, 'api', 'hello'))).toMatch(/^This is a mock response to: hello/);
  });

  it('stops start-up when a routed backend lacks its settings', () => {
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_MODELS: 'claude-haiku=api' });
    expect(() => createSupervisor({ config, log, id: 'sup' })).toThrow(/ANTHROPIC_API_KEY: is required for the api backend LLM_MODELS names/);
  });
});

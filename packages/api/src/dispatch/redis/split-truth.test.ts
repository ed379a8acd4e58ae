import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger, completionId, loadConfig, type CompletionJob, type JobEvent } from '@llm-gateway/shared';
import { redisKeys, type SupervisorRecord } from '@llm-gateway/shared/redis';
import { createSupervisor, startQueueConsumer, type QueueConsumer, type Supervisor } from '@llm-gateway/supervisor';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createGateway, type Gateway } from '../../gateway.ts';
import { createRedisDispatcher, type RedisDispatcher } from './redis-dispatcher.ts';

const log = createLogger({ level: 'silent' });

function makeJob(messages: CompletionJob['request']['messages'], overrides: Partial<CompletionJob> = {}): CompletionJob {
  const now = Date.now();
  return {
    id: completionId(),
    requestId: 'req_test',
    tenant: 'default',
    backend: 'cli',
    request: { model: 'claude-sonnet', messages },
    stream: false,
    deadline: now + 10_000,
    acceptedAt: now,
    ...overrides,
  };
}

const user = (text: string): CompletionJob['request']['messages'][number] => ({ role: 'user', content: [{ type: 'text', text }] });

async function collect(events: AsyncIterable<JobEvent>): Promise<JobEvent[]> {
  const all: JobEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A mock supervisor consuming from `prefix` (its default backend is mock, whatever the API's is). */
async function startSupervisor(prefix: string, id: string, heartbeatIntervalMs = 200): Promise<{ supervisor: Supervisor; consumer: QueueConsumer; close(): Promise<void> }> {
  const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '1', LOG_LEVEL: 'silent' });
  const supervisor = createSupervisor({ config, log, id });
  supervisor.start();
  const consumer = await startQueueConsumer({ supervisor, redisUrl: testRedisUrl(), prefix, concurrency: 2, heartbeatIntervalMs, log });
  await consumer.heartbeat();
  return {
    supervisor,
    consumer,
    close: async () => {
      await consumer.close(100);
      await supervisor.stop();
    },
  };
}

describe('split mode says what is true', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const dispatcher = async (prefix: string, options: { noSupervisorGraceMs?: number } = {}): Promise<RedisDispatcher> => {
    const created = createRedisDispatcher({ redisUrl: testRedisUrl(), prefix, maxQueueDepth: 100, log, registrySampleIntervalMs: 50, ...options });
    cleanups.push(() => created.close());
    expect(await created.waitUntilReady(5_000)).toBe(true);
    return created;
  };

  it('with no supervisor alive, answers 503 with the reason once the grace has run out, not at the timeout', async () => {
    const api = await dispatcher(uniquePrefix('grace'), { noSupervisorGraceMs: 400 });
    const startedAt = Date.now();
    const events = await collect(api.run(makeJob([user('anyone there?')]), new AbortController().signal));
    const waited = Date.now() - startedAt;
    expect(events).toEqual([
      { type: 'error', error: expect.objectContaining({ code: 'backend_unavailable', message: expect.stringMatching(/^No supervisor is alive/) }) },
    ]);
    // It waited for the grace, far from the job's 10 s deadline.
    expect(waited).toBeGreaterThanOrEqual(350);
    expect(waited).toBeLessThan(5_000);
    // Past the grace, a new request is refused at once.
    const refused = await collect(api.run(makeJob([user('still nobody?')]), new AbortController().signal));
    expect(refused[0]).toMatchObject({ type: 'error', error: { code: 'backend_unavailable' } });
  });

  it('serves a request made while no supervisor is alive when one starts within the grace', async () => {
    const prefix = uniquePrefix('grace-restart');
    const api = await dispatcher(prefix, { noSupervisorGraceMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the watch has seen nobody
    const pending = collect(api.run(makeJob([user('Hello!')]), new AbortController().signal));
    const node = await startSupervisor(prefix, 'late');
    cleanups.push(() => node.close());
    const events = await pending;
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('reports the backends, pools, version and start time of the live supervisors, not the API’s LLM_BACKEND', async () => {
    const prefix = uniquePrefix('truth');
    const node = await startSupervisor(prefix, 'sup-mock');
    cleanups.push(() => node.close());
    // The API process left at the default backend (cli), as a compose file might.
    const gateway: Gateway = await createGateway({
      config: loadConfig({ LLM_ROLE: 'api', REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' }),
      log,
    });
    cleanups.push(() => gateway.close());
    // The API's Redis connection may still be opening on a loaded machine: wait for it, then look.
    const readHealth = async () => (await (await gateway.app.request('/health')).json()) as { status: string; backend: string; backends: string[] };
    await expect.poll(async () => (await readHealth()).status, { timeout: 10_000 }).toBe('ok');
    const health = await readHealth();
    expect(health).toMatchObject({ backend: 'mock', backends: ['mock'] });
    const status = (await (await gateway.app.request('/status')).json()) as { backend: string; supervisorRecords: Array<Partial<SupervisorRecord>> };
    expect(status.backend).toBe('mock');
    expect(status.supervisorRecords).toEqual([
      expect.objectContaining({ id: 'sup-mock', backends: ['mock'], pool: [{ backend: 'mock', size: 1, maxOverflow: 1 }], version: expect.stringMatching(/^\d+\.\d+\.\d+/) }),
    ]);
    expect(typeof status.supervisorRecords[0]!.startedAt).toBe('number');
    expect(Math.abs(Date.now() - status.supervisorRecords[0]!.startedAt!)).toBeLessThan(60_000);
    // A request routed to cli by this API is answered by the mock supervisor: the metrics say so.
    const answer = await gateway.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(answer.status).toBe(200);
    const metrics = await (await gateway.app.request('/metrics')).text();
    expect(metrics).toMatch(/llm_requests_total\{[^}]*backend="mock"[^}]*\} 1/);
    expect(metrics).not.toMatch(/llm_requests_total\{[^}]*backend="cli"/);
    expect(metrics).toMatch(/llm_backend_supervisors\{[^}]*backend="mock"[^}]*\} 1/);
    expect(metrics).not.toMatch(/llm_backend_supervisors\{[^}]*backend="cli"/);
  });

  it('lists a session busy in the API’s /sessions while its stream runs, well before the next heartbeat', async () => {
    const prefix = uniquePrefix('no-lag');
    const api = await dispatcher(prefix);
    // A 30 s heartbeat: only the republish on a status change can show the session busy in time.
    const node = await startSupervisor(prefix, 'slow-beat', 30_000);
    cleanups.push(() => node.close());
    await until(async () => ((await api.sessions()).some((session) => session.status === 'ready') ? true : undefined));
    const controller = new AbortController();
    const iterator = api.run(makeJob([user('[mock:hang]')], { stream: true, backend: 'mock' }), controller.signal)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'job-started' });
    await until(async () => ((await api.sessions()).some((session) => session.status === 'busy') ? true : undefined), 5_000);
    controller.abort();
    await iterator.next();
  });

  it('takes a follow-up back from the list of a holder that died and serves it on the shared queue', async () => {
    const prefix = uniquePrefix('dead-holder');
    const keys = redisKeys(prefix);
    const redis = new Redis(testRedisUrl());
    cleanups.push(async () => redis.disconnect());
    // A holder that parked call_1 and then died: its record expires soon, nobody reads its list.
    const ghost = { id: 'ghost', backend: 'cli', backends: ['cli'], pool: [], version: '0', host: 'h', pid: 1, startedAt: 0, heartbeatAt: '', ok: true, running: 0, accepting: true, concurrency: 1, sessions: [] };
    await redis.multi().set(keys.supervisorRecord('ghost'), JSON.stringify(ghost), 'PX', 600).sadd(keys.supervisors, 'ghost').set(keys.parkedCall('call_1'), 'ghost', 'PX', 60_000).exec();
    const node = await startSupervisor(prefix, 'survivor');
    cleanups.push(() => node.close());
    const api = await dispatcher(prefix);
    await until(async () => ((await api.health()).supervisors === 2 ? true : undefined));
    const job = makeJob([
      user('Weather in Paris?'),
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
    ]);
    const pending = collect(api.run(job, new AbortController().signal));
    // It went to the holder's own list first.
    await until(async () => ((await redis.llen(keys.directQueue('ghost'))) === 1 ? true : undefined), 2_000);
    const events = await pending;
    expect(events[0]).toMatchObject({ type: 'job-started', supervisor: 'survivor' });
    expect(events.at(-1), JSON.stringify(events.at(-1))).toMatchObject({ type: 'finish' });
    expect(events.some((event) => event.type === 'error')).toBe(false);
    expect(await redis.llen(keys.directQueue('ghost'))).toBe(0);
  });
});

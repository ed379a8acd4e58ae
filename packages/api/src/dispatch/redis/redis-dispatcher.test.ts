import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger, completionId, loadConfig, type CompletionJob, type JobEvent } from '@llm-gateway/shared';
import type { SessionBackend } from '@llm-gateway/backends';
import { createSupervisor, startQueueConsumer, type QueueConsumer, type Supervisor } from '@llm-gateway/supervisor';
import { startRedisServer, testRedisUrl, uniquePrefix, type RedisServer } from '@llm-gateway/testkit';
import { createRedisDispatcher, type RedisDispatcher } from './redis-dispatcher.ts';

const log = createLogger({ level: 'silent' });

function makeJob(text: string, overrides: Partial<CompletionJob> = {}): CompletionJob {
  const now = Date.now();
  return {
    id: completionId(),
    requestId: 'req_test',
    tenant: 'default',
    backend: 'mock',
    request: { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text }] }] },
    stream: true,
    deadline: now + 5_000,
    acceptedAt: now,
    ...overrides,
  };
}

async function collect(events: AsyncIterable<JobEvent>): Promise<JobEvent[]> {
  const all: JobEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Node {
  dispatcher: RedisDispatcher;
  supervisor: Supervisor;
  consumer: QueueConsumer;
  close(): Promise<void>;
}

/** A dispatcher and one supervisor consuming from it, on its own prefix. */
async function startNode(redisUrl: string, prefix = uniquePrefix(), maxQueueDepth = 100): Promise<Node> {
  const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '2', LLM_MAX_OVERFLOW: '0', LOG_LEVEL: 'silent' });
  const dispatcher = createRedisDispatcher({ redisUrl, prefix, maxQueueDepth, log });
  const supervisor = createSupervisor({ config, log, id: `sup-${prefix}` });
  supervisor.start();
  const consumer = await startQueueConsumer({ supervisor, redisUrl, prefix, concurrency: 2, heartbeatIntervalMs: 200, log });
  expect(await dispatcher.waitUntilReady(5_000)).toBe(true);
  await consumer.heartbeat();
  return {
    dispatcher,
    supervisor,
    consumer,
    close: async () => {
      await consumer.close(100);
      await supervisor.stop();
      await dispatcher.close();
    },
  };
}

const busySessions = (supervisor: Supervisor) => supervisor.sessions().filter((session) => session.status === 'busy').length;

describe('Redis dispatcher with a supervisor consuming from Redis', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(testRedisUrl());
  });
  afterAll(async () => node?.close());

  it('runs a job and brings its events back in order', async () => {
    const events = await collect(node.dispatcher.run(makeJob('Hello!'), new AbortController().signal));
    expect(events[0]).toMatchObject({ type: 'job-started', supervisor: node.supervisor.id });
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('This is a mock response to: Hello!');
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('batches a long streamed answer into few Redis messages, losing nothing', async () => {
    const observer = new Redis(testRedisUrl());
    let messages = 0;
    await observer.psubscribe('*:reply:*');
    observer.on('pmessage', () => (messages += 1));
    try {
      const events = await collect(node.dispatcher.run(makeJob('[mock:words=300] [mock:chunk-delay=1]'), new AbortController().signal));
      const words = events.flatMap((event) => (event.type === 'text-delta' ? [event.text.trim()] : []));
      expect(words).toEqual(Array.from({ length: 300 }, (_, index) => `word${index}`));
      expect(events.at(-1)?.type).toBe('finish');
      // 302 events; one Redis message every few milliseconds instead of one per token.
      expect(messages).toBeGreaterThan(1);
      expect(messages).toBeLessThan(150);
    } finally {
      observer.disconnect();
    }
  });

  it('reports a backend failure as the terminal error event', async () => {
    const events = await collect(node.dispatcher.run(makeJob('[mock:error=upstream_error]'), new AbortController().signal));
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });
  });

  it('cancels the job on the supervisor when the client goes away, freeing its session', async () => {
    const controller = new AbortController();
    const iterator = node.dispatcher.run(makeJob('[mock:hang]'), controller.signal)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'job-started' });
    expect(busySessions(node.supervisor)).toBe(1);
    const abortedAt = Date.now();
    controller.abort();
    expect((await iterator.next()).value).toMatchObject({ type: 'error', error: { code: 'client_closed' } });
    expect((await iterator.next()).done).toBe(true);
    await until(() => busySessions(node.supervisor) === 0 && node.consumer.running() === 0, 1_000);
    expect(Date.now() - abortedAt).toBeLessThan(500);
  });

  it('ends a job at its deadline with timeout, on both sides', async () => {
    const startedAt = Date.now();
    const events = await collect(node.dispatcher.run(makeJob('[mock:hang]', { deadline: startedAt + 300 }), new AbortController().signal));
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'timeout' } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(Date.now() - startedAt).toBeLessThan(1_500);
    await until(() => node.consumer.running() === 0, 1_000);
  });

  it('lists the supervisor and its sessions from the registry', async () => {
    const sessions = await node.dispatcher.sessions();
    expect(sessions.length).toBe(2);
    expect(sessions.every((session) => session.supervisor === node.supervisor.id)).toBe(true);
    const health = await node.dispatcher.health();
    expect(health).toMatchObject({ ok: true, mode: 'redis', supervisors: 1, redis: 'up' });
    expect(health.pool.total).toBe(2);
  });
});

/** A mock backend whose sessions never start, as a CLI that is not logged in. */
const brokenBackend: SessionBackend = {
  name: 'mock',
  models: () => ['claude-sonnet'],
  createSession: () => ({
    pid: null,
    model: null,
    start: async () => {
      throw new Error('the CLI is not logged in');
    },
    run: () => {
      throw new Error('never started');
    },
    reset: async () => {},
    ping: async () => {},
    stop: async () => {},
    onExit: () => () => {},
  }),
};

describe('Redis dispatcher with a supervisor whose backend cannot start', () => {
  const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '2', LLM_MAX_OVERFLOW: '0', LOG_LEVEL: 'silent' });
  const prefix = uniquePrefix();
  let dispatcher: RedisDispatcher;
  let broken: { supervisor: Supervisor; consumer: QueueConsumer };
  beforeAll(async () => {
    dispatcher = createRedisDispatcher({ redisUrl: testRedisUrl(), prefix, maxQueueDepth: 100, log });
    const supervisor = createSupervisor({ config, log, id: `broken-${prefix}`, backend: { kind: 'pooled', backend: brokenBackend } });
    supervisor.start();
    const consumer = await startQueueConsumer({ supervisor, redisUrl: testRedisUrl(), prefix, concurrency: 2, heartbeatIntervalMs: 200, log });
    broken = { supervisor, consumer };
    expect(await dispatcher.waitUntilReady(5_000)).toBe(true);
  });
  afterAll(async () => {
    await broken?.consumer.close(100);
    await broken?.supervisor.stop();
    await dispatcher?.close();
  });

  it('stops taking jobs, so the API answers 503 at once with its reason rather than letting jobs wait', async () => {
    await until(async () => (await dispatcher.health()).supervisors === 1 && !broken.supervisor.canTakeJobs(), 5_000);
    // The watch samples the registry every second; until then a job waits in the queue (briefly here).
    await until(async () => {
      const [event] = await collect(dispatcher.run(makeJob('Hello!', { deadline: Date.now() + 200 }), new AbortController().signal));
      return event?.type === 'error' && event.error.message.includes('No supervisor can take jobs');
    }, 5_000);
    const startedAt = Date.now();
    const events = await collect(dispatcher.run(makeJob('Hello!'), new AbortController().signal));
    expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'backend_unavailable', retryAfter: 5 }) }]);
    expect((events[0] as { error: { message: string } }).error.message).toMatch(/broken-.*no working session: the CLI is not logged in/);
    expect(Date.now() - startedAt).toBeLessThan(100);
  });

  it('leaves every job to a healthy supervisor instead of failing a share of them', async () => {
    const healthy = createSupervisor({ config, log, id: `healthy-${prefix}` });
    healthy.start();
    const consumer = await startQueueConsumer({ supervisor: healthy, redisUrl: testRedisUrl(), prefix, concurrency: 2, heartbeatIntervalMs: 200, log });
    try {
      await consumer.heartbeat();
      await until(async () => {
        const events = await collect(dispatcher.run(makeJob('Hello!'), new AbortController().signal));
        return events.at(-1)?.type === 'finish';
      }, 5_000);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => collect(dispatcher.run(makeJob(`job ${index}`), new AbortController().signal))));
      expect(answers.map((events) => events.at(-1)?.type)).toEqual(Array.from({ length: 20 }, () => 'finish'));
      expect(answers.every((events) => events[0]?.type === 'job-started' && events[0].supervisor === healthy.id)).toBe(true);
    } finally {
      await consumer.close(100);
      await healthy.stop();
    }
  });
});

describe('Redis dispatcher without a supervisor', () => {
  let dispatcher: RedisDispatcher | undefined;
  afterEach(async () => dispatcher?.close());

  it('bounds the queue with 429 queue_full and retry-after, and removes cancelled queued jobs', async () => {
    dispatcher = createRedisDispatcher({ redisUrl: testRedisUrl(), prefix: uniquePrefix(), maxQueueDepth: 2, log, depthSampleIntervalMs: 20 });
    expect(await dispatcher.waitUntilReady(5_000)).toBe(true);
    const controllers = [new AbortController(), new AbortController()];
    const queued = controllers.map((controller) => collect(dispatcher!.run(makeJob('queued'), controller.signal)));
    await until(async () => (await dispatcher!.queueDepth()) === 2);
    const refused = await collect(dispatcher.run(makeJob('one too many'), new AbortController().signal));
    expect(refused).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'queue_full', retryAfter: 1 }) }]);
    for (const controller of controllers) controller.abort();
    for (const events of await Promise.all(queued)) expect(events.at(-1)).toMatchObject({ error: { code: 'client_closed' } });
    await until(async () => (await dispatcher!.queueDepth()) === 0);
  });

  it('reports no live supervisor as unhealthy', async () => {
    dispatcher = createRedisDispatcher({ redisUrl: testRedisUrl(), prefix: uniquePrefix(), maxQueueDepth: 10, log });
    expect(await dispatcher.waitUntilReady(5_000)).toBe(true);
    expect(await dispatcher.health()).toMatchObject({ ok: false, supervisors: 0, redis: 'up', reason: 'No supervisor is alive.' });
    expect(await dispatcher.sessions()).toEqual([]);
  });
});

describe('Redis dispatcher when Redis goes away', () => {
  let server: RedisServer;
  let node: Node | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await node?.close();
    await server?.stop();
  });

  it('fails in-flight and new requests fast with 503, then recovers by itself', async () => {
    node = await startNode(server.url);
    const inflight = collect(node.dispatcher.run(makeJob('[mock:hang]'), new AbortController().signal));
    await until(() => node!.consumer.running() === 1);
    await server.stop();
    expect((await inflight).at(-1)).toMatchObject({ type: 'error', error: { code: 'backend_unavailable' } });
    const refusedAt = Date.now();
    const refused = await collect(node.dispatcher.run(makeJob('Hello!'), new AbortController().signal));
    expect(refused).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'backend_unavailable' }) }]);
    expect(Date.now() - refusedAt).toBeLessThan(100);
    expect(await node.dispatcher.health()).toMatchObject({ ok: false, redis: 'down' });
    await expect(node.dispatcher.sessions()).rejects.toMatchObject({ code: 'backend_unavailable' });

    await server.start();
    expect(await node.dispatcher.waitUntilReady(5_000)).toBe(true);
    await until(async () => (await node!.dispatcher.health()).ok, 5_000);
    // The supervisor's worker reconnects too; the hung job was cancelled, its session freed.
    const events = await collect(node.dispatcher.run(makeJob('Hello again'), new AbortController().signal));
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    await until(() => node!.consumer.running() === 0, 3_000);
  });
});

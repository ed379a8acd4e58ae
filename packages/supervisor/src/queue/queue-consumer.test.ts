import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { completionId, createLogger, loadConfig, type CompletionJob, type JobEvent } from '@llm-gateway/shared';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createSupervisor, type Supervisor } from '../supervisor.ts';
import { decodeReplyMessage, QUEUE_NAME, readSupervisorRecords, redisKeys, startRegistryHeartbeat } from '@llm-gateway/shared/redis';
import { splitConcurrency, startQueueConsumer, type QueueConsumer } from './queue-consumer.ts';

const log = createLogger({ level: 'silent' });

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function completionJob(text: string): CompletionJob {
  const now = Date.now();
  return {
    id: completionId(),
    requestId: 'req_worker_test',
    tenant: 'default',
    backend: 'mock',
    request: { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text }] }] },
    stream: false,
    deadline: now + 5_000,
    acceptedAt: now,
  };
}

describe('splitConcurrency', () => {
  it('shares the jobs among at most the given workers, evenly and without an empty one', () => {
    expect(splitConcurrency(32, 4)).toEqual([8, 8, 8, 8]);
    expect(splitConcurrency(6, 4)).toEqual([2, 2, 1, 1]);
    expect(splitConcurrency(2, 4)).toEqual([1, 1]);
    expect(splitConcurrency(1, 4)).toEqual([1]);
  });
});

describe('the supervisor’s queue consumer', () => {
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);
  let supervisor: Supervisor;
  let consumer: QueueConsumer;
  let queue: Queue;
  let connection: Redis;
  let subscriber: Redis;
  const replies = new Map<string, JobEvent[]>();

  beforeAll(async () => {
    supervisor = createSupervisor({ config: loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '0' }), log, id: 'sup-test' });
    supervisor.start();
    consumer = await startQueueConsumer({ supervisor, redisUrl: testRedisUrl(), prefix, concurrency: 1, heartbeatIntervalMs: 200, log });
    connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAME, { connection, prefix });
    subscriber = new Redis(testRedisUrl());
    await subscriber.subscribe(keys.replyChannel('test'));
    subscriber.on('message', (_channel: string, message: string) => {
      for (const batch of decodeReplyMessage(message)) replies.set(batch.job, [...(replies.get(batch.job) ?? []), ...batch.events]);
    });
  });
  afterAll(async () => {
    await consumer?.close(100);
    await supervisor?.stop();
    await queue?.close();
    connection?.disconnect();
    subscriber?.disconnect();
  });

  it('runs a queued completion job and publishes its events to the reply channel named by the job', async () => {
    const job = completionJob('Hello!');
    await queue.add(keys.replyChannel('test'), job, { jobId: job.id, removeOnComplete: true });
    const events = await until(async () => {
      const received = replies.get(job.id);
      return received?.at(-1)?.type === 'finish' ? received : undefined;
    });
    expect(events[0]).toMatchObject({ type: 'job-started', supervisor: 'sup-test' });
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe('This is a mock response to: Hello!');
    expect(events.slice(-2).map((event) => event.type)).toEqual(['usage', 'finish']);
  });

  it('fails a job that is not a completion job, or whose input can never succeed, without retrying it', async () => {
    const bogus = await queue.add('nowhere', { not: 'a completion job' }, { attempts: 3 });
    const refused = completionJob('[mock:error=invalid_value]');
    await queue.add(keys.replyChannel('test'), refused, { jobId: refused.id, attempts: 3 });
    for (const id of [bogus.id!, refused.id]) {
      await until(async () => ((await queue.getJobState(id)) === 'failed' ? true : undefined));
      const failed = (await queue.getJob(id))!;
      // UnrecoverableError: one attempt although three were allowed.
      expect(failed.attemptsMade).toBe(1);
    }
    expect((await queue.getJob(bogus.id!))!.failedReason).toMatch(/not a completion job/);
    expect(replies.get(refused.id)?.at(-1)).toMatchObject({ type: 'error', error: { code: 'invalid_value' } });
  });

  it('registers the supervisor and its sessions, and leaves the registry on close', async () => {
    await consumer.heartbeat();
    const records = await readSupervisorRecords(connection, keys);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: 'sup-test', backend: 'mock', ok: true, concurrency: 1 });
    expect(records[0]!.sessions.map((session) => session.supervisor)).toEqual(['sup-test']);
    await consumer.close(100);
    expect(await readSupervisorRecords(connection, keys)).toEqual([]);
  });
});

describe('the supervisor registry', () => {
  it('forgets a supervisor that stops beating within 3 heartbeats', async () => {
    const keys = redisKeys(uniquePrefix());
    const reader = new Redis(testRedisUrl());
    const dying = new Redis(testRedisUrl());
    try {
      await dying.ping();
      const heartbeat = startRegistryHeartbeat({
        redis: dying,
        keys,
        intervalMs: 100,
        record: () => ({ id: 'dying', backend: 'mock', backends: ['mock'], pool: [], version: '0', host: 'h', pid: 1, startedAt: 0, heartbeatAt: '', ok: true, running: 0, accepting: true, concurrency: 1, sessions: [] }),
      });
      await heartbeat.beat();
      expect((await readSupervisorRecords(reader, keys)).map((record) => record.id)).toEqual(['dying']);
      // A crash: the connection goes away without the record being removed.
      dying.disconnect();
      const goneAfter = Date.now();
      await until(async () => ((await readSupervisorRecords(reader, keys)).length === 0 ? true : undefined), 2_000);
      expect(Date.now() - goneAfter).toBeLessThan(1_000);
      // The id is pruned from the set on the way.
      await until(async () => ((await reader.scard(keys.supervisors)) === 0 ? true : undefined), 1_000);
      await heartbeat.stop();
    } finally {
      reader.disconnect();
      dying.disconnect();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { completionId, createLogger, loadConfig, type CompletionJob } from '@llm-gateway/shared';
import { decodeReplyMessage, encodeDirectedJob, redisKeys } from '@llm-gateway/shared/redis';
import type { SessionBackend } from '@llm-gateway/backends';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createFakeSessionBackend } from '../pool/fake-session-backend.ts';
import { createSupervisor } from '../supervisor.ts';
import { startQueueConsumer } from './queue-consumer.ts';

const log = createLogger({ level: 'silent' });

/** Fake sessions whose every answer leaves the tool call `callId` waiting for its result. */
function parkingBackend(callId: string): SessionBackend {
  const fake = createFakeSessionBackend({ autoStart: 'ok' });
  return {
    ...fake,
    createSession: (options) => {
      const session = fake.createSession(options) as ReturnType<typeof fake.createSession> & { parked: string[] };
      const run = session.run.bind(session);
      session.run = (request, options) => {
        session.parked = [callId];
        return run(request, options);
      };
      return session;
    },
  };
}

describe('a supervisor holding a parked turn, over Redis', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('takes a follow-up from its own list, and names itself as the holder before the answer is published', async () => {
    const prefix = uniquePrefix('parked-registry');
    const keys = redisKeys(prefix);
    const callId = `call_${completionId()}`;
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '0', LLM_TOOL_RESULT_TIMEOUT: '30', LOG_LEVEL: 'silent' });
    const supervisor = createSupervisor({ config, log, id: 'holder', backend: { kind: 'pooled', backend: parkingBackend(callId) } });
    supervisor.start();
    cleanups.push(() => supervisor.stop());
    const consumer = await startQueueConsumer({ supervisor, redisUrl: testRedisUrl(), prefix, concurrency: 1, heartbeatIntervalMs: 500, log });
    cleanups.push(() => consumer.close(100));
    const redis = new Redis(testRedisUrl());
    const subscriber = new Redis(testRedisUrl());
    cleanups.push(() => redis.disconnect(), () => subscriber.disconnect());
    await consumer.heartbeat();

    const channel = keys.replyChannel('test-replica');
    // Read at the very moment the terminal event arrives, as a client's follow-up would.
    const holderWhenFinished = new Promise<string | null>((resolve) => {
      subscriber.on('message', (_channel: string, message: string) => {
        const finished = decodeReplyMessage(message).some((batch) => batch.events.some((event) => event.type === 'finish'));
        if (finished) void redis.get(keys.parkedCall(callId)).then(resolve);
      });
    });
    await subscriber.subscribe(channel);
    const now = Date.now();
    const job: CompletionJob = {
      id: completionId(),
      requestId: 'req_test',
      tenant: 'default',
      backend: 'mock',
      request: { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }] },
      stream: false,
      deadline: now + 10_000,
      acceptedAt: now,
    };
    await redis.lpush(keys.directQueue('holder'), encodeDirectedJob({ channel, job }));

    expect(await holderWhenFinished).toBe('holder');
    expect(await redis.llen(keys.directQueue('holder'))).toBe(0);
    const ttl = await redis.pttl(keys.parkedCall(callId));
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await expect.poll(() => supervisor.sessions().map((session) => session.status)).toEqual(['parked']);
    // Leaving the cluster, it forgets the turns it held: their follow-ups go anywhere, from history.
    await consumer.close(100);
    expect(await redis.exists(keys.parkedCall(callId))).toBe(0);
  });
});

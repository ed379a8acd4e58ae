import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '@llm-gateway/api';
import { createLogger, loadConfig, startServer, type RunningServer } from '@llm-gateway/shared';
import { startRedisServer, uniquePrefix, type RedisServer } from '@llm-gateway/testkit';
import { queueCounts } from '../harness/cluster.ts';
import { requestCompletion, type Outcome } from '../harness/completion-client.ts';
import { describeBad, runLoad, tally } from '../harness/load.ts';
import { activeResources, resourceGrowth, settledMemory } from '../harness/memory.ts';
import { mib, ms, printFigures } from '../harness/report.ts';
import { eventually, sleep } from '@llm-gateway/testkit';

const CLIENTS = 1_000;
const CONCURRENCY = 100;
const POOL = { LLM_POOL_SIZE: '16', LLM_MAX_OVERFLOW: '16' };

/**
 * Case 4: 1,000 streaming clients hang up mid-answer, 100 at a time (one in ten before the first
 * byte, the rest right after the first piece of text). The gateway runs in this process, on a real
 * socket, so its handles and heap can be inspected: afterwards nothing may be left busy, queued or
 * open, and memory must be back near where it was.
 */
describe.each(['in-process', 'redis'] as const)('1,000 clients abort mid-stream (%s dispatcher, gateway in this process)', (mode) => {
  let gateway: Gateway | undefined;
  let server: RunningServer | undefined;
  let redis: RedisServer | undefined;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

  afterEach(async () => {
    process.off('warning', onWarning);
    server?.server.closeAllConnections();
    await server?.close();
    await gateway?.close();
    await redis?.stop();
  });

  it('leaves no busy session, queued job, open handle or grown heap behind', async () => {
    process.on('warning', onWarning);
    redis = mode === 'redis' ? await startRedisServer() : undefined;
    const prefix = uniquePrefix('aborts');
    gateway = await createGateway({
      config: loadConfig({
        LLM_BACKEND: 'mock',
        ...POOL,
        LLM_REQUEST_TIMEOUT: '10',
        LLM_HEARTBEAT_INTERVAL: '0.5',
        LLM_SHUTDOWN_GRACE: '1',
        LOG_LEVEL: 'silent',
        ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: prefix } : {}),
      }),
      log: createLogger({ level: 'silent' }),
    });
    server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
    const url = server.url;
    const live = gateway;
    await eventually(async () => ((await live.dispatcher.health()).pool.ready >= 16 ? true : undefined), { timeoutMs: 20_000, what: 'a warm pool' });

    // No keep-alive: every client's socket closes with it, so open handles can be compared.
    const agent = new Agent({ keepAlive: false, maxSockets: CONCURRENCY });
    const stream = (index: number, abort: boolean): Promise<Outcome> =>
      requestCompletion(url, {
        content: `[mock:chunk-delay=15] [mock:words=200] client ${index}`,
        stream: true,
        deadlineMs: 20_000,
        agent,
        ...(abort && index % 10 === 0 ? { abortAfterMs: 5 } : {}),
        ...(abort && index % 10 !== 0 ? { abortAfterFirstContent: true } : {}),
      });
    const settled = async () =>
      eventually(
        async () => {
          const sessions = live.supervisor!.sessions();
          const idle = live.lifecycle.inflight === 0 && sessions.every((session) => session.status === 'ready');
          const queue = redis ? await queueCounts(redis.url, prefix) : undefined;
          const empty = !queue || queue.wait + queue.active + queue.delayed + queue.prioritized === 0;
          return idle && empty ? { sessions: sessions.length, queue } : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'the gateway to settle' },
      );

    // Warm up (JIT, pools, sockets), then take the baseline.
    await runLoad({ concurrency: CONCURRENCY, maxRequests: 200, durationMs: 30_000, send: (index) => stream(index, true) });
    await runLoad({ concurrency: 8, maxRequests: 16, durationMs: 30_000, send: (index) => requestCompletion(url, { content: `warm ${index}`, deadlineMs: 10_000, agent }) });
    await settled();
    await sleep(300);
    const baseMemory = await settledMemory();
    const baseResources = activeResources();

    const started = performance.now();
    const outcomes = await runLoad({ concurrency: CONCURRENCY, maxRequests: CLIENTS, durationMs: 120_000, send: (index) => stream(index, true) });
    const elapsed = performance.now() - started;
    const settledAt = performance.now();
    const after = await settled();
    const settleMs = performance.now() - settledAt;
    await sleep(300);
    const afterMemory = await settledMemory();
    const afterResources = activeResources();
    const growth = resourceGrowth(baseResources, afterResources);
    const check = await requestCompletion(url, { content: 'still there?', deadlineMs: 10_000, agent });
    agent.destroy();

    const counts = tally(outcomes);
    const heapGrowth = afterMemory.heapUsed - baseMemory.heapUsed;
    printFigures(`Case 4: ${CLIENTS} clients abort mid-stream (${mode} dispatcher)`, [
      ['clients (100 at a time; 1 in 10 before the first byte)', counts.total],
      ['aborted by the client as planned', counts.kinds.aborted],
      ['other outcomes', JSON.stringify(counts.errors)],
      ['run time', ms(elapsed)],
      ['settled (no request in flight, every session ready, queue empty) after', ms(settleMs)],
      ['sessions afterwards (all ready)', after.sessions],
      ['jobs in the queue afterwards', after.queue ? JSON.stringify(after.queue) : 'n/a (no queue)'],
      ['heap after GC: before / after', `${mib(baseMemory.heapUsed)} / ${mib(afterMemory.heapUsed)} (${heapGrowth >= 0 ? '+' : ''}${mib(heapGrowth)})`],
      ['RSS: before / after', `${mib(baseMemory.rss)} / ${mib(afterMemory.rss)}`],
      ['active handles before', JSON.stringify(baseResources)],
      ['active handles after', JSON.stringify(afterResources)],
      ['listener-leak warnings', warnings.length === 0 ? 'none' : warnings.join('; ')],
      ['a request afterwards', check.kind],
    ]);

    expect(counts.kinds.aborted, describeBad(outcomes)).toBe(CLIENTS);
    expect(after.sessions).toBeLessThanOrEqual(32);
    expect(growth).toEqual({});
    expect(warnings).toEqual([]);
    expect(heapGrowth).toBeLessThan(8 * 2 ** 20);
    expect(check.kind).toBe('ok');
  });
});

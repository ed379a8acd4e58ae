import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSplitCluster, type ApiHealth, type SplitCluster } from '../harness/cluster.ts';
import { requestCompletion, type Outcome } from '../harness/completion-client.ts';
import { describeBad, runLoad, tally } from '../harness/load.ts';
import { ms, printFigures } from '../harness/report.ts';
import { spawnRole, type RoleProcess } from '@llm-gateway/testkit';
import { eventually, getJson, sleep } from '@llm-gateway/testkit';

const REQUEST_TIMEOUT_S = 10;
/** The client gives up this long after the gateway should have answered: past it, a request hung. */
const CLIENT_DEADLINE_MS = REQUEST_TIMEOUT_S * 1000 + 5_000;

/**
 * Case 1: a supervisor process dies (SIGKILL) while 2 API replicas send it work. Every request must
 * end before its timeout with an answer or an OpenAI-shaped error; none may hang.
 */
describe('SIGKILL a supervisor under load (2 API + 2 supervisor processes, private Redis)', () => {
  let cluster: SplitCluster;
  let replacement: RoleProcess | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  beforeAll(async () => {
    cluster = await startSplitCluster({
      apis: 2,
      supervisors: [{ name: 'sup-a' }, { name: 'sup-b' }],
      env: {
        LLM_BACKEND: 'mock',
        LLM_POOL_SIZE: '3',
        LLM_MAX_OVERFLOW: '0',
        LLM_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S),
        LLM_HEARTBEAT_INTERVAL: '0.25',
        LLM_SHUTDOWN_GRACE: '1',
      },
      minReadySessions: 6,
    });
  });

  afterAll(async () => {
    agent.destroy();
    await replacement?.stop(3_000);
    await cluster?.stop();
  });

  it('ends every request with an answer or a clean error, and the survivor keeps serving', async () => {
    const [apiOne, apiTwo] = cluster.apis as [RoleProcess, RoleProcess];
    const [victim, survivor] = cluster.supervisors as [RoleProcess, RoleProcess];
    const send = (index: number): Promise<Outcome> =>
      requestCompletion(index % 2 === 0 ? apiOne.url : apiTwo.url, {
        // Half plain answers after a delay, half streams of 10 words 30 ms apart (~300 ms each).
        content: index % 4 < 2 ? `[mock:delay=200] request ${index}` : `[mock:chunk-delay=30] [mock:words=10] request ${index}`,
        stream: index % 2 === 1,
        deadlineMs: CLIENT_DEADLINE_MS,
        agent,
      });

    const loadStarted = Date.now();
    const load = runLoad({ concurrency: 16, maxRequests: 5_000, durationMs: 7_000, send });
    await sleep(2_500);
    const killedAt = Date.now();
    await victim.kill();
    // The cluster notices: the dead supervisor's record expires (3 heartbeats), nothing stays queued.
    const forgotten = await eventually(
      async () => {
        const { body } = await getJson<ApiHealth>(`${apiOne.url}/health`);
        return body.supervisors === 1 ? Date.now() - killedAt : undefined;
      },
      { timeoutMs: 10_000, what: 'the API to forget the dead supervisor' },
    );
    const outcomes = await load;
    const queue = await eventually(
      async () => {
        const counts = await cluster.queueCounts();
        return counts.wait + counts.active + counts.delayed + counts.prioritized === 0 ? counts : undefined;
      },
      { timeoutMs: 10_000, what: 'an empty queue' },
    );

    // A new supervisor joins and takes work again.
    const joinStarted = Date.now();
    replacement = await spawnRole('supervisor', 'sup-c', {
      LLM_BACKEND: 'mock',
      LLM_POOL_SIZE: '3',
      LLM_MAX_OVERFLOW: '0',
      LLM_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S),
      LLM_HEARTBEAT_INTERVAL: '0.25',
      REDIS_URL: cluster.redis.url,
      REDIS_PREFIX: cluster.prefix,
      LLM_SUPERVISOR_ID: 'sup-c',
    });
    const joinedAfter = await eventually(
      async () => {
        const { body } = await getJson<ApiHealth>(`${apiTwo.url}/health`);
        return body.supervisors === 2 ? Date.now() - joinStarted : undefined;
      },
      { timeoutMs: 30_000, what: 'the new supervisor to join' },
    );
    const afterJoin = await Promise.all(Array.from({ length: 8 }, (_, index) => send(index)));

    const counts = tally(outcomes);
    const straddling = outcomes.filter((outcome) => outcome.startedAt < killedAt && outcome.startedAt + outcome.latencyMs > killedAt);
    const straddled = tally(straddling);
    const servedAfterKill = outcomes.filter((outcome) => outcome.startedAt > killedAt + 1_000 && outcome.kind === 'ok').length;
    printFigures('Case 1: SIGKILL a supervisor under load', [
      ['load', `16 clients, 2 API replicas, 2 supervisors × 3 mock sessions, ${Math.round((Date.now() - loadStarted) / 1000)} s`],
      ['requests sent', counts.total],
      ['completed (200, full answer)', counts.kinds.ok],
      ['failed cleanly (OpenAI-shaped error)', counts.kinds['clean-error']],
      ['hung (no end within timeout + 5 s)', counts.kinds.hung],
      ['broken (reset, truncated, not OpenAI-shaped)', counts.kinds.broken],
      ['errors by code', JSON.stringify(counts.errors)],
      ['in flight at the kill: completed / clean errors', `${straddled.kinds.ok} / ${straddled.kinds['clean-error']} of ${straddled.total}`],
      ['slowest request in flight at the kill', ms(straddled.maxMs)],
      ['completed after the kill (+1 s)', servedAfterKill],
      ['latency p50 / p99 / max', `${ms(counts.p50Ms)} / ${ms(counts.p99Ms)} / ${ms(counts.maxMs)}`],
      ['dead supervisor gone from /health after', ms(forgotten)],
      ['jobs left in the queue', JSON.stringify(queue)],
      ['new supervisor in /health after spawn', ms(joinedAfter)],
      ['requests after it joined: completed', `${afterJoin.filter((outcome) => outcome.kind === 'ok').length} of ${afterJoin.length}`],
    ]);

    expect(counts.kinds.hung, describeBad(outcomes)).toBe(0);
    expect(counts.kinds.broken, describeBad(outcomes)).toBe(0);
    expect(straddled.total).toBeGreaterThan(0);
    expect(servedAfterKill).toBeGreaterThan(0);
    // A stream already under way keeps its 200 and ends with the error event.
    for (const key of Object.keys(counts.errors)) expect(key).toMatch(/^clean-error (502|200) job_interrupted$|^clean-error 503 backend_unavailable$/);
    expect(afterJoin.every((outcome) => outcome.kind === 'ok')).toBe(true);
    expect([apiOne, apiTwo, survivor].every((process) => process.alive())).toBe(true);
  });
});

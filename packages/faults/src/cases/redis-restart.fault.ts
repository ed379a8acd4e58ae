import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSplitCluster, type ApiHealth, type SplitCluster } from '../harness/cluster.ts';
import { requestCompletion, type Outcome } from '../harness/completion-client.ts';
import { describeBad, runLoad, tally } from '../harness/load.ts';
import { ms, printFigures } from '../harness/report.ts';
import type { RoleProcess } from '@llm-gateway/testkit';
import { eventually, getJson, sleep } from '@llm-gateway/testkit';

const REQUEST_TIMEOUT_S = 10;
const CLIENT_DEADLINE_MS = REQUEST_TIMEOUT_S * 1000 + 5_000;
/** How long Redis stays down. */
const OUTAGE_MS = 1_500;

/**
 * Case 2: Redis goes away for 1.5 s and comes back empty (no persistence) while clients keep
 * sending. Requests fail fast and cleanly meanwhile, none hangs, no process crashes, and service
 * returns by itself.
 */
describe('restart Redis under load (1 API + 2 supervisor processes)', () => {
  let cluster: SplitCluster;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  beforeAll(async () => {
    cluster = await startSplitCluster({
      apis: 1,
      supervisors: [{ name: 'sup-a' }, { name: 'sup-b' }],
      env: {
        LLM_BACKEND: 'mock',
        LLM_POOL_SIZE: '2',
        LLM_MAX_OVERFLOW: '0',
        LLM_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S),
        LLM_HEARTBEAT_INTERVAL: '0.25',
        LLM_SHUTDOWN_GRACE: '1',
      },
      minReadySessions: 4,
    });
  });

  afterAll(async () => {
    agent.destroy();
    await cluster?.stop();
  });

  it('fails fast and cleanly while Redis is down, recovers by itself, and nothing crashes', async () => {
    const api = cluster.apis[0] as RoleProcess;
    const send = (index: number): Promise<Outcome> =>
      requestCompletion(api.url, {
        content: index % 2 === 0 ? `[mock:delay=100] request ${index}` : `[mock:chunk-delay=20] [mock:words=8] request ${index}`,
        stream: index % 2 === 1,
        deadlineMs: CLIENT_DEADLINE_MS,
        agent,
      });

    const load = runLoad({ concurrency: 8, maxRequests: 20_000, durationMs: 9_000, send, pauseMs: 10 });
    await sleep(2_500);
    const downAt = Date.now();
    await cluster.redis.stop();
    await sleep(OUTAGE_MS);
    await cluster.redis.start();
    const backAt = Date.now();
    const healthyAfter = await eventually(
      async () => {
        const { status, body } = await getJson<ApiHealth>(`${api.url}/health`);
        return status === 200 && body.supervisors === 2 ? Date.now() - backAt : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 20, what: '/health to be 200 with both supervisors again' },
    );
    const outcomes = await load;

    const firstSuccess = outcomes
      .filter((outcome) => outcome.kind === 'ok' && outcome.startedAt >= backAt)
      .map((outcome) => outcome.startedAt + outcome.latencyMs - backAt)
      .sort((a, b) => a - b)[0];
    const during = outcomes.filter((outcome) => outcome.startedAt + outcome.latencyMs >= downAt && outcome.startedAt <= backAt);
    const failedDuring = during.filter((outcome) => outcome.kind === 'clean-error');
    const after = outcomes.filter((outcome) => outcome.startedAt >= backAt + healthyAfter + 500);
    const counts = tally(outcomes);
    const crashed = cluster.all().filter((process) => !process.alive());
    const busy = await eventually(
      async () => {
        const { body } = await getJson<{ sessions: Array<{ status: string }> }>(`${api.url}/sessions`);
        const ready = body.sessions.filter((session) => session.status === 'ready').length;
        return ready === 4 ? body.sessions.length - ready : undefined;
      },
      { timeoutMs: 10_000, what: 'all 4 sessions ready again' },
    );
    const queue = await cluster.queueCounts();

    printFigures('Case 2: restart Redis under load', [
      ['load', '8 clients, 1 API replica, 2 supervisors × 2 mock sessions, 9 s'],
      ['Redis down for', ms(OUTAGE_MS)],
      ['requests sent', counts.total],
      ['completed', counts.kinds.ok],
      ['failed cleanly (all)', counts.kinds['clean-error']],
      ['ending while Redis was down: failed cleanly / total', `${failedDuring.length} / ${during.length}`],
      ['slowest failure while down', ms(Math.max(0, ...failedDuring.map((outcome) => outcome.latencyMs)))],
      ['hung', counts.kinds.hung],
      ['broken', counts.kinds.broken],
      ['errors by code', JSON.stringify(counts.errors)],
      ['first success after Redis was back (request started after)', ms(firstSuccess ?? Number.NaN)],
      ['/health 200 with both supervisors after', ms(healthyAfter)],
      ['requests after recovery (+0.5 s): completed', `${after.filter((outcome) => outcome.kind === 'ok').length} of ${after.length}`],
      ['processes crashed', crashed.length],
      ['sessions not ready afterwards', busy],
      ['jobs left in the queue', JSON.stringify(queue)],
    ]);

    expect(crashed.map((process) => process.name)).toEqual([]);
    expect(counts.kinds.hung, describeBad(outcomes)).toBe(0);
    expect(counts.kinds.broken, describeBad(outcomes)).toBe(0);
    expect(firstSuccess).toBeDefined();
    expect(firstSuccess!).toBeLessThan(5_000);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((outcome) => outcome.kind === 'ok'), describeBad(after)).toBe(true);
    // Failures while Redis is away are fast 503s (or a stream cut with an error event), not timeouts.
    for (const outcome of failedDuring) expect(outcome.latencyMs).toBeLessThan(OUTAGE_MS + 3_000);
    expect(queue.wait + queue.active).toBe(0);
  });
});

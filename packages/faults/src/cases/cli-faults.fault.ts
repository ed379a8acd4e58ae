import { afterEach, describe, expect, it } from 'vitest';
import { requestCompletion, type Outcome } from '../harness/completion-client.ts';
import { startFakeCliGateway, startSampler, type FakeCliGateway } from '../harness/fake-cli-gateway.ts';
import { describeBad, tally } from '../harness/load.ts';
import { ms, printFigures } from '../harness/report.ts';
import { isRunning } from '@llm-gateway/testkit';
import { eventually, sleep } from '@llm-gateway/testkit';

/** Pool size 2 + overflow 1 (see startFakeCliGateway). */
const MAX_SESSIONS = 3;
/** Sessions being stopped still count as processes for up to the kill grace (3 s): at most as many again. */
const MAX_PROCESSES = 2 * MAX_SESSIONS;
const REQUEST_TIMEOUT_MS = 3_000;
const ANSWER = 'Fake CLI answer.';

const ask = (gateway: FakeCliGateway, index: number, stream = index % 2 === 1): Promise<Outcome> =>
  requestCompletion(gateway.gateway.url, { content: `question ${index}`, stream, deadlineMs: REQUEST_TIMEOUT_MS + 5_000 });

/** Gaps between consecutive spawns, in ms: growing gaps are the backoff. */
const gaps = (spawns: Array<{ at: number }>) => spawns.slice(1).map((spawn, index) => spawn.at - spawns[index]!.at);

/** Waits for /health 200 and a correct answer; resolves with the time it took from `since`. */
async function recovery(gateway: FakeCliGateway, since: number, timeoutMs = 30_000): Promise<number> {
  return eventually(
    async () => {
      const { status } = await gateway.health();
      if (status !== 200) return undefined;
      const outcome = await ask(gateway, 0, false);
      return outcome.kind === 'ok' && outcome.text === ANSWER ? Date.now() - since : undefined;
    },
    { timeoutMs, intervalMs: 100, what: 'the gateway to answer again' },
  );
}

/**
 * Case 3: the Claude Code CLI misbehaves (a fake CLI speaking its stream-json protocol, switched
 * between modes through a file while the gateway runs). The pool stays bounded, backs off instead
 * of respawning in a hot loop, reports the error in /health and /sessions, ends every request
 * cleanly within its timeout, and recovers once the CLI is healthy again.
 */
describe('a CLI that crashes, hangs or prints garbage (embedded gateway, fake CLI)', () => {
  let current: FakeCliGateway | undefined;
  let orphans = 0;
  const stopCurrent = async () => {
    if (!current) return;
    const stopped = await current.stop();
    orphans += stopped.orphans;
    current = undefined;
    return stopped;
  };
  afterEach(stopCurrent);

  it('crashes at start: bounded, backs off, reports it, recovers', async () => {
    current = await startFakeCliGateway('crash-at-start');
    const gateway = current;
    const started = Date.now();
    const sampler = startSampler(() => gateway.liveCli().length, 100);
    const outcomes: Outcome[] = [];
    for (let index = 0; index < 10; index++) {
      outcomes.push(await ask(gateway, index));
      await sleep(500);
    }
    const window = Date.now() - started;
    const spawnsInWindow = gateway.spawns().length;
    const health = await gateway.health();
    const sessions = await gateway.sessions();
    gateway.setMode('healthy');
    const healedAt = Date.now();
    const recoveredAfter = await recovery(gateway, healedAt);
    const live = sampler.stop();
    const counts = tally(outcomes);
    printFigures('Case 3a: the CLI crashes at start', [
      ['window', ms(window)],
      ['CLI starts in the window (a hot loop would make hundreds)', spawnsInWindow],
      ['gaps between starts', gaps(gateway.spawns()).map(ms).join(', ')],
      ['most CLI processes alive at once', `${live.max} (${live.samples} samples)`],
      ['requests: clean errors / hung / broken', `${counts.kinds['clean-error']} / ${counts.kinds.hung} / ${counts.kinds.broken}`],
      ['errors by code', JSON.stringify(counts.errors)],
      ['slowest request', ms(counts.maxMs)],
      ['/health', `${health.status} ${health.body.reason ?? ''}`],
      ['/sessions errors', sessions.map((session) => `${session.status}: ${session.error ?? ''}`).join(' | ')],
      ['recovered (health 200 + correct answer) after the CLI was fixed', ms(recoveredAfter)],
    ]);
    expect(spawnsInWindow).toBeLessThanOrEqual(10);
    expect(live.max).toBeLessThanOrEqual(MAX_PROCESSES);
    expect(counts.kinds['clean-error'], describeBad(outcomes)).toBe(outcomes.length);
    expect(Object.keys(counts.errors)).toEqual(['clean-error 503 backend_unavailable']);
    expect(counts.maxMs).toBeLessThan(1_000);
    expect(health.status).toBe(503);
    expect(health.body.reason).toContain('simulated crash at start');
    expect(sessions.some((session) => session.status === 'failed' && session.error?.includes('simulated crash at start'))).toBe(true);
    expect(recoveredAfter).toBeLessThan(20_000);
  });

  it('crashes mid-answer: every request ends with a clean error, restarts back off, recovers', async () => {
    current = await startFakeCliGateway('healthy');
    const gateway = current;
    await recovery(gateway, Date.now());
    const before = gateway.spawns().length;
    gateway.setMode('crash-mid-answer');
    const sampler = startSampler(() => gateway.liveCli().length, 100);
    const started = Date.now();
    const outcomes: Outcome[] = [];
    for (let index = 0; index < 8; index++) outcomes.push(await ask(gateway, index));
    const window = Date.now() - started;
    const sessions = await gateway.sessions();
    const crashSpawns = gateway.spawns().slice(before);
    gateway.setMode('healthy');
    const healedAt = Date.now();
    const recoveredAfter = await recovery(gateway, healedAt);
    const live = sampler.stop();
    const counts = tally(outcomes);
    printFigures('Case 3b: the CLI crashes mid-answer', [
      ['requests (alternating JSON and stream)', outcomes.length],
      ['window', ms(window)],
      ['CLI starts in the window', crashSpawns.length],
      ['gaps between starts', gaps(crashSpawns).map(ms).join(', ')],
      ['most CLI processes alive at once', live.max],
      ['requests: clean errors / hung / broken', `${counts.kinds['clean-error']} / ${counts.kinds.hung} / ${counts.kinds.broken}`],
      ['errors by code', JSON.stringify(counts.errors)],
      ['/sessions errors', sessions.filter((session) => session.error).map((session) => session.error).join(' | ')],
      ['recovered after the CLI was fixed', ms(recoveredAfter)],
    ]);
    expect(counts.kinds['clean-error'], describeBad(outcomes)).toBe(outcomes.length);
    for (const key of Object.keys(counts.errors)) expect(key).toMatch(/^clean-error (502 upstream_error|200 upstream_error|503 backend_unavailable)$/);
    expect(crashSpawns.length).toBeLessThanOrEqual(outcomes.length + 2);
    expect(live.max).toBeLessThanOrEqual(MAX_PROCESSES);
    expect(sessions.some((session) => session.error?.includes('simulated crash mid-answer'))).toBe(true);
    expect(recoveredAfter).toBeLessThan(20_000);
  });

  it('hangs mid-answer (ignoring interrupts and SIGTERM): requests end at the timeout, hung processes are killed, recovers', async () => {
    current = await startFakeCliGateway('healthy');
    const gateway = current;
    await recovery(gateway, Date.now());
    gateway.setMode('hang');
    const sampler = startSampler(() => gateway.liveCli().length, 100);
    const asked = [ask(gateway, 1, false), ask(gateway, 2, true), ask(gateway, 3, true)];
    await sleep(500);
    const hungPids = (await gateway.sessions()).filter((session) => session.status === 'busy').map((session) => session.pid!);
    const outcomes = await Promise.all(asked);
    const endedAt = Date.now();
    const killedAfter = await eventually(async () => (hungPids.every((pid) => !isRunning(pid)) ? Date.now() - endedAt : undefined), {
      timeoutMs: 15_000,
      what: 'the hung CLI processes to be killed',
    });
    gateway.setMode('healthy');
    const healedAt = Date.now();
    const recoveredAfter = await recovery(gateway, healedAt);
    const live = sampler.stop();
    const counts = tally(outcomes);
    printFigures('Case 3c: the CLI hangs mid-answer', [
      ['concurrent requests (1 JSON, 2 streams)', outcomes.length],
      ['request timeout', ms(REQUEST_TIMEOUT_MS)],
      ['outcomes', JSON.stringify(counts.errors)],
      ['latency min / max', `${ms(Math.min(...outcomes.map((outcome) => outcome.latencyMs)))} / ${ms(counts.maxMs)}`],
      ['hung CLI processes', hungPids.length],
      ['all of them gone (SIGTERM ignored: SIGKILL after 3 s) after the requests ended', ms(killedAfter)],
      ['most CLI processes alive at once', live.max],
      ['recovered after the CLI was fixed', ms(recoveredAfter)],
    ]);
    expect(counts.kinds.hung + counts.kinds.broken, describeBad(outcomes)).toBe(0);
    expect(Object.keys(counts.errors)).toEqual(['clean-error 504 timeout']);
    for (const outcome of outcomes) expect(outcome.latencyMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(counts.maxMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expect(hungPids.length).toBe(MAX_SESSIONS);
    expect(killedAfter).toBeLessThan(6_000);
    expect(live.max).toBeLessThanOrEqual(MAX_PROCESSES);
    expect(recoveredAfter).toBeLessThan(20_000);
  });

  it('hangs at start: requests still end at their timeout, and shutdown leaves no orphan', async () => {
    current = await startFakeCliGateway('hang-at-start');
    const gateway = current;
    const outcomes = await Promise.all([ask(gateway, 1, false), ask(gateway, 2, true)]);
    const live = gateway.liveCli().length;
    const health = await gateway.health();
    const stopped = await stopCurrent();
    const counts = tally(outcomes);
    printFigures('Case 3d: the CLI hangs at start (never answers initialize, ignores SIGTERM)', [
      ['requests', JSON.stringify(counts.errors)],
      ['latency max', ms(counts.maxMs)],
      ['CLI processes (all stuck starting)', live],
      ['/health while stuck', `${health.status} ${health.body.status}`],
      ['gateway exit code on SIGTERM / orphaned CLI processes', `${stopped?.exitCode} / ${stopped?.orphans}`],
    ]);
    expect(Object.keys(counts.errors)).toEqual(['clean-error 504 timeout']);
    expect(counts.maxMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expect(live).toBeLessThanOrEqual(MAX_SESSIONS);
    expect(stopped?.orphans).toBe(0);
  });

  it('prints garbage around its protocol lines: answers are still exact, nothing crashes', async () => {
    current = await startFakeCliGateway('garbage');
    const gateway = current;
    const ready = await recovery(gateway, Date.now());
    const outcomes: Outcome[] = [];
    for (let index = 0; index < 6; index++) outcomes.push(await ask(gateway, index));
    const counts = tally(outcomes);
    printFigures('Case 3e: the CLI prints garbage (invalid UTF-8, broken JSON, a 256 KiB line)', [
      ['ready and answering after', ms(ready)],
      ['requests: exact answers', `${outcomes.filter((outcome) => outcome.kind === 'ok' && outcome.text === ANSWER).length} of ${outcomes.length}`],
      ['gateway RSS', `${Math.round((gateway.gateway.rss() ?? 0) / 2 ** 20)} MiB`],
      ['gateway alive', String(gateway.gateway.alive())],
    ]);
    expect(outcomes.every((outcome) => outcome.kind === 'ok' && outcome.text === ANSWER), describeBad(outcomes)).toBe(true);
    expect(gateway.gateway.alive()).toBe(true);
    expect(counts.total).toBe(6);
  });

  it('left no CLI process behind', () => {
    expect(orphans).toBe(0);
  });
});

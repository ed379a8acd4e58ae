import { describe, expect, it } from 'vitest';
import type { BackendName, CompletionJob, JobEvent } from '@llm-gateway/shared';
import { START_MARGIN_MS } from './execute-in-time.ts';
import { runJob, type Executor } from './run-job.ts';

const DEADLINE = 1_000_000;

function job(fallbacks?: BackendName[]): CompletionJob {
  return {
    id: 'chatcmpl-test',
    requestId: 'request-test',
    tenant: 'anonymous',
    backend: 'cli',
    ...(fallbacks ? { fallbacks } : {}),
    request: { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] },
    stream: true,
    deadline: DEADLINE,
    acceptedAt: DEADLINE - 5_000,
  };
}

/** An executor that "waits for a session" until the clock reads `grantedAt`, and logs what happens. */
function waitingExecutor(name: string, clock: { now: number }, grantedAt: number, log: string[]): Executor {
  return async () => {
    clock.now = grantedAt;
    log.push(`${name}:granted`);
    return {
      sessionId: `${name}-session`,
      parts: (async function* () {
        log.push(`${name}:ran`);
        yield { type: 'text-delta' as const, text: 'word ' };
        yield { type: 'finish' as const, finishReason: 'stop' as const };
      })(),
      done: (outcome) => log.push(`${name}:${outcome}`),
    };
  };
}

async function collect(events: AsyncIterable<JobEvent>): Promise<JobEvent[]> {
  const all: JobEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('a job granted its session at the end of its time', () => {
  const start = (grantedAt: number, fallbacks?: BackendName[]) => {
    const clock = { now: DEADLINE - 5_000 };
    const log: string[] = [];
    const events = collect(
      runJob(job(fallbacks), new AbortController().signal, {
        executor: waitingExecutor('cli', clock, grantedAt, log),
        executorFor: (name) => waitingExecutor(name, clock, grantedAt, log),
        supervisorId: 'sup',
        now: () => clock.now,
      }),
    );
    return { events, log };
  };

  it('times out before any output and gives the session back untouched', async () => {
    const { events, log } = start(DEADLINE - START_MARGIN_MS + 1);
    const all = await events;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ type: 'error', error: { code: 'timeout' } });
    // Never run, so neither recycled as a suspect nor reset after an interrupt.
    expect(log).toEqual(['cli:granted', 'cli:succeeded']);
  });

  it('does not hand the job to a fallback either', async () => {
    const { events, log } = start(DEADLINE + 10, ['api']);
    expect((await events).map((event) => event.type)).toEqual(['error']);
    expect(log).toEqual(['cli:granted', 'cli:succeeded']);
  });

  it('runs as usual with the margin left', async () => {
    const { events, log } = start(DEADLINE - START_MARGIN_MS);
    expect((await events).map((event) => event.type)).toEqual(['job-started', 'text-delta', 'finish']);
    expect(log).toEqual(['cli:granted', 'cli:ran', 'cli:succeeded']);
  });
});

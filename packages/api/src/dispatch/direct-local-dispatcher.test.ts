import { describe, expect, it } from 'vitest';
import { GatewayError, type BackendName, type CompletionJob, type Dispatcher, type JobEvent } from '@llm-gateway/shared';
import { createDirectLocalDispatcher, type LocalDirectRunner } from './direct-local-dispatcher.ts';

const job = (backend: BackendName, fallbacks?: BackendName[]): CompletionJob =>
  ({ id: 'job-1', requestId: 'req-1', backend, ...(fallbacks ? { fallbacks } : {}), deadline: Date.now() + 10_000, stream: true }) as unknown as CompletionJob;

const collect = async (events: AsyncIterable<JobEvent>) => {
  const seen: JobEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
};

/** A remote that answers every job with one text delta, naming the backend it was given. */
function recordingRemote(): Dispatcher & { jobs: CompletionJob[] } {
  const jobs: CompletionJob[] = [];
  return {
    jobs,
    mode: 'redis',
    async *run(given) {
      jobs.push(given);
      yield { type: 'job-started', sessionId: 's', supervisor: 'remote', backend: given.backend };
      yield { type: 'text-delta', text: `remote ${given.backend}` };
      yield { type: 'finish', finishReason: 'stop' };
    },
    sessions: async () => [],
    health: async () => ({ ok: false, mode: 'redis', supervisors: 0, pool: { starting: 0, ready: 0, busy: 0 } as never }),
    queueDepth: async () => 0,
    close: async () => {},
  };
}

function runner(answer: (given: CompletionJob) => JobEvent[], servesEveryBackend = false): LocalDirectRunner & { jobs: CompletionJob[] } {
  const jobs: CompletionJob[] = [];
  return {
    jobs,
    backends: new Set<BackendName>(['api', 'openai']),
    servesEveryBackend,
    async *run(given) {
      jobs.push(given);
      yield* answer(given);
    },
    close: async () => {},
  };
}

const overloaded: JobEvent[] = [
  { type: 'job-started', sessionId: null, supervisor: 'local', backend: 'api' },
  { type: 'error', error: new GatewayError('overloaded', 'busy').toJSON() },
];
const answered: JobEvent[] = [
  { type: 'job-started', sessionId: null, supervisor: 'local', backend: 'api' },
  { type: 'text-delta', text: 'local' },
  { type: 'finish', finishReason: 'stop' },
];

describe('createDirectLocalDispatcher', () => {
  it('runs a direct job here and a pooled one remotely', async () => {
    const remote = recordingRemote();
    const local = runner(() => answered);
    const dispatcher = createDirectLocalDispatcher({ remote, local, maxRunning: 10 });
    expect(await collect(dispatcher.run(job('api'), new AbortController().signal))).toEqual(answered);
    await collect(dispatcher.run(job('cli', ['api']), new AbortController().signal));
    expect(local.jobs.map((given) => given.backend)).toEqual(['api']);
    expect(remote.jobs.map((given) => [given.backend, given.fallbacks])).toEqual([['cli', ['api']]]);
  });

  it('keeps the direct head of the chain here and hands the rest to the supervisors after a retryable failure', async () => {
    const remote = recordingRemote();
    const local = runner(() => overloaded);
    const dispatcher = createDirectLocalDispatcher({ remote, local, maxRunning: 10 });
    const events = await collect(dispatcher.run(job('api', ['openai', 'cli', 'api']), new AbortController().signal));
    expect(local.jobs[0]!.fallbacks).toEqual(['openai']);
    expect(remote.jobs.map((given) => [given.backend, given.fallbacks])).toEqual([['cli', ['api']]]);
    // The local job-started is never shown: the answer is the supervisors'.
    expect(events.map((event) => event.type)).toEqual(['job-started', 'text-delta', 'finish']);
    expect(events[0]).toMatchObject({ supervisor: 'remote', backend: 'cli' });
  });

  it('does not hand off after output, nor a failure the next backend cannot mend', async () => {
    const remote = recordingRemote();
    const midStream: JobEvent[] = [answered[0]!, answered[1]!, overloaded[1]!];
    const invalid: JobEvent[] = [answered[0]!, { type: 'error', error: new GatewayError('invalid_value', 'bad').toJSON() }];
    for (const events of [midStream, invalid]) {
      const dispatcher = createDirectLocalDispatcher({ remote, local: runner(() => events), maxRunning: 10 });
      expect(await collect(dispatcher.run(job('api', ['cli']), new AbortController().signal))).toEqual(events);
    }
    expect(remote.jobs).toEqual([]);
  });

  it('refuses past LLM_DIRECT_CONCURRENCY with queue_full, and counts finished jobs out', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const local: LocalDirectRunner = {
      backends: new Set<BackendName>(['api']),
      servesEveryBackend: false,
      async *run() {
        await gate;
        yield* answered;
      },
      close: async () => {},
    };
    const dispatcher = createDirectLocalDispatcher({ remote: recordingRemote(), local, maxRunning: 1 });
    const first = collect(dispatcher.run(job('api'), new AbortController().signal));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const refused = await collect(dispatcher.run(job('api'), new AbortController().signal));
    expect(refused).toMatchObject([{ type: 'error', error: { code: 'queue_full' } }]);
    release();
    expect(await first).toEqual(answered);
    expect((await collect(dispatcher.run(job('api'), new AbortController().signal))).at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('is healthy without supervisors only when it runs every backend itself', async () => {
    const remote = recordingRemote();
    expect((await createDirectLocalDispatcher({ remote, local: runner(() => answered, false), maxRunning: 1 }).health()).ok).toBe(false);
    expect((await createDirectLocalDispatcher({ remote, local: runner(() => answered, true), maxRunning: 1 }).health()).ok).toBe(true);
  });
});

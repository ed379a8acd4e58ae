import { describe, expect, it } from 'vitest';
import { GatewayError, type BackendName, type CompletionJob, type JobEvent, type StreamPart } from '@llm-gateway/shared';
import { START_MARGIN_MS } from './execute-in-time.ts';
import { answeredToolCalls, runJob, type ExecuteOptions, type Executor } from './run-job.ts';

function job(fallbacks?: BackendName[]): CompletionJob {
  const now = Date.now();
  return {
    id: 'chatcmpl-test',
    requestId: 'request-test',
    tenant: 'anonymous',
    backend: 'cli',
    fallbacks,
    request: { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] } as CompletionJob['request'],
    stream: true,
    deadline: now + 5_000,
    acceptedAt: now,
  };
}

const answer = (text: string): StreamPart[] => [
  { type: 'text-delta', text },
  { type: 'finish', finishReason: 'stop' },
];
const failure = (code: 'upstream_error' | 'invalid_value' | 'overloaded'): StreamPart => ({ type: 'error', error: new GatewayError(code, code).toJSON() });

/** An executor that records how it was called and how its execution ended. */
function fakeExecutor(name: string, behaviour: StreamPart[] | (() => never), log: string[]): Executor {
  return async (_request, _signal, _log, options?: ExecuteOptions) => {
    log.push(`${name}:start${options?.failFast ? ':fail-fast' : ''}${options?.stream ? ':stream' : ''}`);
    if (typeof behaviour === 'function') behaviour();
    const parts = behaviour as StreamPart[];
    return {
      sessionId: `${name}-session`,
      parts: (async function* () {
        try {
          yield* parts;
        } finally {
          log.push(`${name}:closed`);
        }
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

function run(fallbacks: BackendName[] | undefined, executors: Partial<Record<BackendName, Executor>>) {
  return collect(
    runJob(job(fallbacks), new AbortController().signal, {
      executor: executors.cli!,
      executorFor: (name) => executors[name]!,
      supervisorId: 'sup',
    }),
  );
}

describe('runJob with fallbacks', () => {
  it('runs the first backend alone when there is no fallback, without fail-fast', async () => {
    const log: string[] = [];
    const events = await run(undefined, { cli: fakeExecutor('cli', answer('hi'), log) });
    expect(events).toEqual([{ type: 'job-started', sessionId: 'cli-session', supervisor: 'sup', backend: 'cli' }, ...answer('hi')]);
    expect(log).toEqual(['cli:start:stream', 'cli:closed', 'cli:succeeded']);
  });

  it('moves to the next backend when the pool is exhausted (the executor throws a retryable error)', async () => {
    const log: string[] = [];
    const busy = () => {
      throw new GatewayError('overloaded', 'Every cli session is busy.');
    };
    const events = await run(['api'], { cli: fakeExecutor('cli', busy, log), api: fakeExecutor('api', answer('from api'), log) });
    expect(events).toEqual([{ type: 'job-started', sessionId: 'api-session', supervisor: 'sup', backend: 'api' }, ...answer('from api')]);
    expect(log).toEqual(['cli:start:fail-fast:stream', 'api:start:stream', 'api:closed', 'api:succeeded']);
  });

  it('moves on after a retryable error before any output, releasing the first session as failed', async () => {
    const log: string[] = [];
    const events = await run(['mock', 'api'], {
      cli: fakeExecutor('cli', [failure('upstream_error')], log),
      mock: fakeExecutor('mock', [failure('overloaded')], log),
      api: fakeExecutor('api', answer('third'), log),
    });
    expect(events.map((event) => event.type)).toEqual(['job-started', 'text-delta', 'finish']);
    expect(events[0]).toMatchObject({ sessionId: 'api-session', backend: 'api' });
    expect(log).toEqual([
      'cli:start:fail-fast:stream',
      'cli:closed',
      'cli:failed',
      'mock:start:fail-fast:stream',
      'mock:closed',
      'mock:failed',
      'api:start:stream',
      'api:closed',
      'api:succeeded',
    ]);
  });

  it('reports the last backend’s error when every backend fails', async () => {
    const log: string[] = [];
    const events = await run(['api'], { cli: fakeExecutor('cli', [failure('upstream_error')], log), api: fakeExecutor('api', [failure('overloaded')], log) });
    expect(events).toEqual([{ type: 'job-started', sessionId: 'api-session', supervisor: 'sup', backend: 'api' }, failure('overloaded')]);
  });

  it('does not fall back on an error the request itself causes', async () => {
    const log: string[] = [];
    const events = await run(['api'], { cli: fakeExecutor('cli', [failure('invalid_value')], log), api: fakeExecutor('api', answer('no'), log) });
    expect(events).toEqual([{ type: 'job-started', sessionId: 'cli-session', supervisor: 'sup', backend: 'cli' }, failure('invalid_value')]);
    expect(log).toEqual(['cli:start:fail-fast:stream', 'cli:closed', 'cli:failed']);
  });

  it('does not fall back once output has started', async () => {
    const log: string[] = [];
    const events = await run(['api'], {
      cli: fakeExecutor('cli', [{ type: 'text-delta', text: 'par' }, failure('upstream_error')], log),
      api: fakeExecutor('api', answer('no'), log),
    });
    expect(events).toEqual([
      { type: 'job-started', sessionId: 'cli-session', supervisor: 'sup', backend: 'cli' },
      { type: 'text-delta', text: 'par' },
      failure('upstream_error'),
    ]);
    expect(log).toEqual(['cli:start:fail-fast:stream', 'cli:closed', 'cli:failed']);
  });

  it('ignores fallbacks when the supervisor gives no way to reach them', async () => {
    const log: string[] = [];
    const events = await collect(
      runJob(job(['api']), new AbortController().signal, { executor: fakeExecutor('cli', [failure('upstream_error')], log), supervisorId: 'sup' }),
    );
    expect(events.at(-1)).toEqual(failure('upstream_error'));
    expect(log).toEqual(['cli:start:stream', 'cli:closed', 'cli:failed']);
  });

  it('stops without trying the next backend when the client has gone', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const gone = new GatewayError('client_closed', 'gone');
    const cli: Executor = async (_request, signal) => {
      log.push('cli:start');
      controller.abort(gone);
      throw signal.reason;
    };
    const events = await collect(
      runJob(job(['api']), controller.signal, { executor: cli, executorFor: () => fakeExecutor('api', answer('no'), log), supervisorId: 'sup' }),
    );
    expect(events).toEqual([{ type: 'error', error: gone.toJSON() }]);
    expect(log).toEqual(['cli:start']);
  });
});

describe('runJob with the caller’s controller handed over', () => {
  /** An executor that hands out a backend answering only when its signal aborts, and records the signal. */
  function hangingExecutor(seen: AbortSignal[]): Executor {
    return async (_request, signal) => {
      seen.push(signal);
      return {
        sessionId: 'hang-session',
        parts: (async function* (): AsyncGenerator<StreamPart> {
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        })(),
        done: () => {},
      };
    };
  }

  it('gives the backend the caller’s own signal and ends with the caller’s abort reason', async () => {
    const seen: AbortSignal[] = [];
    const controller = new AbortController();
    const gone = new GatewayError('client_closed', 'gone');
    const events = runJob(job(), controller.signal, { executor: hangingExecutor(seen), supervisorId: 'sup' }, controller);
    expect((await events.next()).value).toMatchObject({ type: 'job-started' });
    const next = events.next();
    controller.abort(gone);
    expect((await next).value).toEqual({ type: 'error', error: gone.toJSON() });
    expect(seen).toEqual([controller.signal]);
  });

  it('aborts the handed controller itself when the deadline passes', async () => {
    const controller = new AbortController();
    const late = { ...job(), deadline: Date.now() + START_MARGIN_MS + 20 };
    const events = await collect(runJob(late, controller.signal, { executor: hangingExecutor([]), supervisorId: 'sup' }, controller));
    expect(events.at(-1)).toEqual({ type: 'error', error: expect.objectContaining({ code: 'timeout' }) });
    expect(controller.signal.reason).toMatchObject({ code: 'timeout' });
  });

  it('derives its own controller when the one handed over is not behind the signal', async () => {
    const seen: AbortSignal[] = [];
    const caller = new AbortController();
    const events = runJob(job(), caller.signal, { executor: hangingExecutor(seen), supervisorId: 'sup' }, new AbortController());
    await events.next();
    const next = events.next();
    caller.abort(new GatewayError('client_closed', 'gone'));
    expect((await next).value).toMatchObject({ type: 'error', error: { code: 'client_closed' } });
    expect(seen[0]).not.toBe(caller.signal);
  });
});

describe('how runJob reports a job’s end to its session', () => {
  /** A backend that answers `before`, then waits for its signal (or ends, or fails) as told. */
  function executor(outcomes: string[], before: StreamPart[], then: 'wait' | 'end' | 'throw'): Executor {
    return async (_request, signal) => ({
      sessionId: 's',
      parts: (async function* (): AsyncGenerator<StreamPart> {
        yield* before;
        if (then === 'end') return;
        if (then === 'throw') throw new Error('the process died');
        if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      })(),
      done: (outcome) => outcomes.push(outcome),
    });
  }

  it('cancelled: the client went away, or stopped reading, while the backend was answering', async () => {
    const outcomes: string[] = [];
    const controller = new AbortController();
    const events = runJob(job(), controller.signal, { executor: executor(outcomes, [{ type: 'text-delta', text: 'a' }], 'wait'), supervisorId: 'sup' });
    await events.next(); // job-started
    await events.next(); // the delta
    const rest = collect(events);
    controller.abort(new GatewayError('client_closed', 'gone'));
    expect((await rest).map((event) => event.type)).toEqual(['error']);
    const early = runJob(job(), new AbortController().signal, { executor: executor(outcomes, [{ type: 'text-delta', text: 'a' }], 'wait'), supervisorId: 'sup' });
    await early.next();
    await early.next();
    await early.return(undefined);
    expect(outcomes).toEqual(['cancelled', 'cancelled']);
  });

  it('failed: the deadline passed while the backend was still answering (a hung upstream or process)', async () => {
    const outcomes: string[] = [];
    const late = { ...job(), deadline: Date.now() + START_MARGIN_MS + 20 };
    await collect(runJob(late, new AbortController().signal, { executor: executor(outcomes, [{ type: 'text-delta', text: 'a' }], 'wait'), supervisorId: 'sup' }));
    // In split mode the API's own timer may cancel first: a cancel at or after the deadline counts the same.
    let clock = Date.now();
    const controller = new AbortController();
    const events = runJob(job(), controller.signal, { executor: executor(outcomes, [{ type: 'text-delta', text: 'a' }], 'wait'), supervisorId: 'sup', now: () => clock });
    await events.next();
    await events.next();
    const rest = collect(events);
    clock = job().deadline + 10;
    controller.abort(new GatewayError('client_closed', 'cancelled by the API at the deadline'));
    await rest;
    expect(outcomes).toEqual(['failed', 'failed']);
  });

  it('stops the backend through its signal before closing it, when the consumer stops reading', async () => {
    let abortedWhenClosed: boolean | undefined;
    const backend: Executor = async (_request, signal) => ({
      sessionId: 's',
      parts: (async function* (): AsyncGenerator<StreamPart> {
        try {
          yield { type: 'text-delta', text: 'a' };
          yield { type: 'text-delta', text: 'b' };
        } finally {
          abortedWhenClosed = signal.aborted;
        }
      })(),
      done: () => {},
    });
    const events = runJob(job(), new AbortController().signal, { executor: backend, supervisorId: 'sup' });
    await events.next();
    await events.next();
    await events.return(undefined);
    expect(abortedWhenClosed).toBe(true);
  });

  it('failed: the backend reported an error, threw, or ended without finishing', async () => {
    const outcomes: string[] = [];
    const signal = new AbortController().signal;
    await collect(runJob(job(), signal, { executor: executor(outcomes, [failure('upstream_error')], 'wait'), supervisorId: 'sup' }));
    await collect(runJob(job(), signal, { executor: executor(outcomes, [{ type: 'text-delta', text: 'a' }], 'throw'), supervisorId: 'sup' }));
    await collect(runJob(job(), signal, { executor: executor(outcomes, [{ type: 'text-delta', text: 'a' }], 'end'), supervisorId: 'sup' }));
    expect(outcomes).toEqual(['failed', 'failed', 'failed']);
  });

  it('succeeded: the answer finished, even if the consumer stops at the finish part', async () => {
    const outcomes: string[] = [];
    const events = runJob(job(), new AbortController().signal, { executor: executor(outcomes, answer('hi'), 'wait'), supervisorId: 'sup' });
    for await (const event of events) if (event.type === 'finish') break;
    expect(outcomes).toEqual(['succeeded']);
  });
});


describe('answeredToolCalls', () => {
  it("lists the calls a request's trailing tool messages answer, in order, and nothing for other requests", () => {
    const user = { role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] };
    const calls = { role: 'assistant' as const, content: '', toolCalls: [{ id: 'a', name: 'f', arguments: '{}' }, { id: 'b', name: 'f', arguments: '{}' }] };
    const tool = (id: string) => ({ role: 'tool' as const, toolCallId: id, content: 'x' });
    expect(answeredToolCalls({ model: 'm', messages: [user, calls, tool('a'), tool('b')] })).toEqual(['a', 'b']);
    expect(answeredToolCalls({ model: 'm', messages: [user, calls, tool('a'), tool('b'), user] })).toEqual([]);
    expect(answeredToolCalls({ model: 'm', messages: [user] })).toEqual([]);
  });
});

import { hostname } from 'node:os';
import {
  ConfigError,
  ERROR_CODES,
  GatewayError,
  isPooledBackend,
  tableBackends,
  type BackendName,
  type CompletionJob,
  type Config,
  type Dispatcher,
  type JobEvent,
  type Logger,
  type RunOptions,
} from '@llm-gateway/shared';
import { START_MARGIN_MS, createBackendFromConfig, hostDirect, hostedJobRunner, type HostedBackend } from '@llm-gateway/supervisor';

/** Runs a job on this process's direct backends; the runner the dispatcher below needs. */
export interface LocalDirectRunner {
  /** The direct backends hosted here. */
  readonly backends: ReadonlySet<BackendName>;
  /** Every backend of the routing table is hosted here: no job needs a supervisor. */
  readonly servesEveryBackend: boolean;
  run(job: CompletionJob, signal: AbortSignal, options?: RunOptions): AsyncIterable<JobEvent>;
  close(): Promise<void>;
}

export interface DirectLocalDispatcherOptions {
  /** Where everything else goes: the Redis dispatcher (supervisors). */
  remote: Dispatcher;
  local: LocalDirectRunner;
  /** `LLM_DIRECT_CONCURRENCY`: local jobs at once; more get 429 `queue_full`. */
  maxRunning: number;
  log?: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * Split mode with `LLM_DIRECT_DISPATCH=local`: a job whose backend is direct (api, openai) and
 * hosted here runs in this API replica, without the Redis round trips per job and per batch of
 * deltas; every other job goes to the supervisors through `remote`.
 *
 * Fallbacks: the local run takes the direct backends at the head of the job's chain. When they
 * all fail retryably before any output and the chain goes on to a pooled backend (cli, mock), the
 * rest of the chain is handed to the supervisors as the same job: the client sees one answer,
 * from the backend that could give it, as it would in embedded mode.
 */
export function createDirectLocalDispatcher(options: DirectLocalDispatcherOptions): Dispatcher {
  const { remote, local, maxRunning, log, now = Date.now } = options;
  let running = 0;

  async function* runLocally(job: CompletionJob, rest: readonly BackendName[], signal: AbortSignal, runOptions?: RunOptions): AsyncGenerator<JobEvent> {
    if (running >= maxRunning) {
      yield { type: 'error', error: new GatewayError('queue_full', 'Too many streams are open on this replica; retry shortly.', { retryAfter: 1 }).toJSON() };
      return;
    }
    running += 1;
    // Held back until the first part: a failure before output may still go to the supervisors.
    let started: JobEvent | undefined;
    let output = false;
    let handOff = false;
    try {
      for await (const event of local.run(job, signal, rest.length > 0 ? undefined : runOptions)) {
        if (event.type === 'job-started') {
          started = event;
          continue;
        }
        if (!output && event.type === 'error' && rest.length > 0 && canHandOff(event.error.code, signal, job, now)) {
          log?.warn({ jobId: job.id, requestId: job.requestId, code: event.error.code, fallback: rest[0] }, 'direct backends failed before any output: the supervisors take the rest of the chain');
          handOff = true;
          break;
        }
        if (!output && started) yield started;
        output = true;
        yield event;
      }
    } finally {
      running -= 1;
    }
    if (handOff) yield* remote.run({ ...job, backend: rest[0]!, fallbacks: rest.slice(1) }, signal, runOptions);
  }

  return {
    mode: remote.mode,
    run(job, signal, runOptions) {
      const chain = [job.backend, ...(job.fallbacks ?? [])];
      const head = leadingLocal(chain, local.backends);
      if (head === 0) return remote.run(job, signal, runOptions);
      const localJob = head === chain.length ? job : { ...job, fallbacks: chain.slice(1, head) };
      return runLocally(localJob, chain.slice(head), signal, runOptions);
    },
    sessions: () => remote.sessions(),
    health: async () => {
      const health = await remote.health();
      // Without a supervisor, a replica that runs every backend of the table itself can still answer.
      if (!health.ok && local.servesEveryBackend) return { ...health, ok: true };
      return health;
    },
    queueDepth: () => remote.queueDepth(),
    close: async () => {
      await remote.close();
      await local.close();
    },
  };
}

/** How many backends at the head of `chain` run here. */
function leadingLocal(chain: readonly BackendName[], local: ReadonlySet<BackendName>): number {
  let count = 0;
  while (count < chain.length && local.has(chain[count]!)) count += 1;
  return count;
}

function canHandOff(code: string, signal: AbortSignal, job: CompletionJob, now: () => number): boolean {
  if (signal.aborted || job.deadline - now() < START_MARGIN_MS) return false;
  return (ERROR_CODES as Record<string, { retryable: boolean } | undefined>)[code]?.retryable === true;
}

/**
 * The direct backends of the routing table that this replica can run: those whose settings
 * (upstream key) it has. A backend it cannot build is left to the supervisors, and said so once.
 * Undefined when there is none.
 */
export function createLocalDirectRunner(config: Config, log: Logger): LocalDirectRunner | undefined {
  const names = tableBackends(config.modelTable, config.backend);
  const hosted = new Map<BackendName, HostedBackend>();
  for (const name of names) {
    // Pooled backends (cli, mock) need sessions, which only supervisors keep.
    if (isPooledBackend(name)) continue;
    try {
      const supervised = createBackendFromConfig(config, log, name);
      if (supervised.kind === 'direct') hosted.set(name, hostDirect(supervised.backend, supervised.close));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log.info({ backend: name, reason: error.message }, 'this replica cannot run the backend itself: its jobs go to the supervisors');
    }
  }
  if (hosted.size === 0) return undefined;
  const runOnHosted = hostedJobRunner([...hosted.values()], `${hostname()}-${process.pid}-api`, log);
  return {
    backends: new Set(hosted.keys()),
    servesEveryBackend: names.every((name) => hosted.has(name)),
    run: (job, signal, options) => runOnHosted(job, signal, options?.controller),
    close: async () => {
      await Promise.all([...hosted.values()].map((backend) => backend.close()));
    },
  };
}

import {
  SESSION_STATUSES,
  summarizeSessions,
  tableBackends,
  type BackendName,
  type CompletionJob,
  type Config,
  type GatewayMetrics,
  type JobEvent,
  type Logger,
  type PoolSummary,
  type RunOptions,
  type SessionInfo,
} from '@llm-gateway/shared';
import { hostname } from 'node:os';
import { createBackendFromConfig, type SupervisedBackend } from './backend-factory.ts';
import { SessionPool } from './pool/session-pool.ts';
import { directExecutor, pooledExecutor, runJob, unavailableExecutor, type Executor, type RunJobOptions } from './run-job.ts';

export interface SupervisorOptions {
  config: Config;
  log: Logger;
  metrics?: GatewayMetrics;
  /** Overrides the backend `config.backend` names (tests). */
  backend?: SupervisedBackend;
  /** @defaultValue `LLM_SUPERVISOR_ID`, else host name and pid */
  id?: string;
}

export interface SupervisorHealth {
  ok: boolean;
  reason?: string;
  pool: PoolSummary;
}

/**
 * Owns the backends (and their session pools) and runs jobs on them: `LLM_BACKEND`'s, and every
 * other backend the routing table (`LLM_MODELS`) names, so any job the API routes can run here.
 */
export interface Supervisor {
  readonly id: string;
  /** The default backend (`LLM_BACKEND`). */
  readonly backendName: BackendName;
  /** Every backend hosted here, the default first. */
  readonly backendNames: readonly BackendName[];
  models(): readonly string[];
  /** Starts the pools' sessions; returns at once. */
  start(): void;
  run(job: CompletionJob, signal: AbortSignal, options?: RunOptions): AsyncIterable<JobEvent>;
  /** The sessions of every pool. */
  sessions(): SessionInfo[];
  /** Not ok when any pool has no working session. */
  health(): SupervisorHealth;
  /**
   * Whether this supervisor should take jobs from a shared queue: some backend here can serve
   * one (a stateless backend, or a pool that {@link SessionPool.canServe}).
   */
  canTakeJobs(): boolean;
  /** Jobs waiting for a session here, in all pools. */
  waiting(): number;
  stop(): Promise<void>;
}

interface HostedBackend {
  name: BackendName;
  supervised: SupervisedBackend;
  pool: SessionPool | undefined;
  executor: Executor;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { config, log, metrics } = options;
  const id = options.id ?? config.supervisorId ?? `${hostname()}-${process.pid}`;
  const hosted = tableBackends(config.modelTable, config.backend).map((name) => {
    const supervised = name === config.backend && options.backend ? options.backend : createBackendFromConfig(config, log, name);
    return hostBackend(name, supervised, config, id, log);
  });
  const pools = hosted.flatMap((backend) => (backend.pool ? [backend.pool] : []));
  const allSessions = () => pools.flatMap((pool) => pool.sessions());
  if (pools.length > 0) {
    // Counted when Prometheus scrapes, not on every status change (that showed up in profiles).
    metrics?.addCollector(() => {
      const summary = summarizeSessions(allSessions());
      for (const status of SESSION_STATUSES) metrics.sessionsTotal.set({ status }, summary[status]);
    });
  }
  const jobLog = log.child({ component: 'job' });
  const executors = new Map(hosted.map((backend) => [backend.name, backend.executor]));
  const executorFor = (name: BackendName): Executor => executors.get(name) ?? unavailableExecutor(name);
  // One options object per backend, shared by its jobs: running a job allocates none.
  const runOptions = new Map<BackendName, RunJobOptions>(
    hosted.map((backend) => [backend.name, { executor: backend.executor, executorFor, supervisorId: id, log: jobLog }]),
  );
  // A lone backend serves every job, whatever backend the API named (as before routing existed).
  const soleOptions = hosted.length === 1 ? runOptions.get(hosted[0]!.name) : undefined;
  const optionsFor = (name: BackendName): RunJobOptions =>
    soleOptions ?? runOptions.get(name) ?? { executor: unavailableExecutor(name), executorFor, supervisorId: id, log: jobLog };

  return {
    id,
    backendName: config.backend,
    backendNames: hosted.map((backend) => backend.name),
    models: () => [...new Set(hosted.flatMap((backend) => backend.supervised.backend.models()))],
    start: () => {
      for (const pool of pools) pool.start();
    },
    run: (job, signal, options) => runJob(job, signal, optionsFor(job.backend), options?.controller),
    sessions: allSessions,
    health: () => {
      const reasons: string[] = [];
      for (const pool of pools) {
        const reason = pool.unavailableReason;
        if (reason !== undefined) reasons.push(reason);
      }
      const pool = summarizeSessions(allSessions());
      return reasons.length === 0 ? { ok: true, pool } : { ok: false, reason: reasons.join(' '), pool };
    },
    canTakeJobs: () => hosted.some((backend) => backend.pool === undefined || backend.pool.canServe),
    waiting: () => pools.reduce((sum, pool) => sum + pool.waiting, 0),
    stop: async () => {
      await Promise.all(
        hosted.map(async (backend) => {
          await backend.pool?.stop();
          if (backend.supervised.kind === 'direct') await backend.supervised.close?.();
        }),
      );
    },
  };
}

function hostBackend(name: BackendName, supervised: SupervisedBackend, config: Config, supervisorId: string, log: Logger): HostedBackend {
  if (supervised.kind === 'direct') return { name, supervised, pool: undefined, executor: directExecutor(supervised.backend) };
  const pool = new SessionPool({
    backend: supervised.backend,
    size: config.poolSize,
    maxOverflow: config.maxOverflow,
    keepAliveIntervalMs: config.keepAliveIntervalMs,
    sessionMaxRequests: config.sessionMaxRequests,
    startTimeoutMs: config.sessionStartTimeoutMs,
    toolResultTimeoutMs: config.toolResultTimeoutMs,
    supervisorId,
    log: log.child({ component: 'pool', backend: name }),
  });
  return { name, supervised, pool, executor: pooledExecutor(pool, supervised.backend) };
}

import {
  SESSION_STATUSES,
  summarizeSessions,
  type BackendName,
  type CompletionJob,
  type Config,
  type GatewayMetrics,
  type JobEvent,
  type Logger,
  type PoolSummary,
  type SessionInfo,
} from '@llm-gateway/shared';
import { hostname } from 'node:os';
import { createBackendFromConfig, type SupervisedBackend } from './backend-factory.ts';
import { SessionPool } from './pool/session-pool.ts';
import { directExecutor, pooledExecutor, runJob, type Executor } from './run-job.ts';

export interface SupervisorOptions {
  config: Config;
  log: Logger;
  metrics?: GatewayMetrics;
  /** Overrides the backend built from `config` (tests). */
  backend?: SupervisedBackend;
  /** @defaultValue `LLM_SUPERVISOR_ID`, else host name and pid */
  id?: string;
}

export interface SupervisorHealth {
  ok: boolean;
  reason?: string;
  pool: PoolSummary;
}

/** Owns one backend (and its session pool, if it has one) and runs jobs on it. */
export interface Supervisor {
  readonly id: string;
  readonly backendName: BackendName;
  models(): readonly string[];
  /** Starts the pool's sessions; returns at once. */
  start(): void;
  run(job: CompletionJob, signal: AbortSignal): AsyncIterable<JobEvent>;
  sessions(): SessionInfo[];
  health(): SupervisorHealth;
  /** Jobs waiting for a session here. */
  waiting(): number;
  stop(): Promise<void>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { config, log, metrics } = options;
  const id = options.id ?? config.supervisorId ?? `${hostname()}-${process.pid}`;
  const supervised = options.backend ?? createBackendFromConfig(config, log);
  let pool: SessionPool | undefined;
  let executor: Executor;
  if (supervised.kind === 'pooled') {
    pool = new SessionPool({
      backend: supervised.backend,
      size: config.poolSize,
      maxOverflow: config.maxOverflow,
      keepAliveIntervalMs: config.keepAliveIntervalMs,
      sessionMaxRequests: config.sessionMaxRequests,
      supervisorId: id,
      log: log.child({ component: 'pool' }),
    });
    const counted = pool;
    // Counted when Prometheus scrapes, not on every status change (that showed up in profiles).
    metrics?.addCollector(() => {
      const summary = summarizeSessions(counted.sessions());
      for (const status of SESSION_STATUSES) metrics.sessionsTotal.set({ status }, summary[status]);
    });
    executor = pooledExecutor(pool, supervised.backend);
  } else {
    executor = directExecutor(supervised.backend);
  }
  const jobLog = log.child({ component: 'job' });
  return {
    id,
    backendName: supervised.backend.name,
    models: () => supervised.backend.models(),
    start: () => pool?.start(),
    run: (job, signal) => runJob(job, signal, { executor, supervisorId: id, log: jobLog }),
    sessions: () => pool?.sessions() ?? [],
    health: () => {
      const sessions = pool?.sessions() ?? [];
      const reason = pool?.unavailableReason;
      return { ok: reason === undefined, ...(reason ? { reason } : {}), pool: summarizeSessions(sessions) };
    },
    waiting: () => pool?.waiting ?? 0,
    stop: async () => {
      await pool?.stop();
    },
  };
}

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
  type SupervisorInfo,
} from '@llm-gateway/shared';
import { GATEWAY_VERSION } from './version.ts';
import { hostname } from 'node:os';
import { createBackendFromConfig, type SupervisedBackend } from './backend-factory.ts';
import { hostDirect, type HostedBackend } from './hosted-backend.ts';
import { hostPooled } from './pool/pooled-backend.ts';
import type { ParkChange } from './pool/session-pool-options.ts';
import { hostedJobRunner } from './hosted-job-runner.ts';

export interface SupervisorOptions {
  config: Config;
  /** The process's logger: the supervisor names its own components (`supervisor`, `pool`, `job`…) under it. */
  log: Logger;
  metrics?: GatewayMetrics;
  /** Overrides the backend `config.backend` names (tests). */
  backend?: SupervisedBackend;
  /** @defaultValue `LLM_SUPERVISOR_ID`, else host name and pid */
  id?: string;
}

/** What a supervisor tells whoever watches it (the queue consumer: the cluster registry, parked-turn routing). */
export interface SupervisorListener {
  /** A session changed status. */
  sessionsChanged?(): void;
  /** A tool turn parked here or stopped being parked. */
  parkChanged?(change: ParkChange): void;
}

/** The configured pool of one pooled backend. */
export interface PoolConfig {
  backend: BackendName;
  size: number;
  maxOverflow: number;
}

/** The fixed part of a supervisor's registry record. */
export type SupervisorIdentity = Pick<SupervisorInfo, 'id' | 'backend' | 'backends' | 'pool' | 'version' | 'host' | 'pid' | 'startedAt'>;

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
   * one ({@link HostedBackend.canServe}).
   */
  canTakeJobs(): boolean;
  /** Jobs waiting for a session here, in all pools. */
  waiting(): number;
  /** What the cluster registry says of this supervisor that does not change while it runs. */
  describe(): SupervisorIdentity;
  /** Starts telling `listener` about changes; returns the function that stops it. */
  watch(listener: SupervisorListener): () => void;
  stop(): Promise<void>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { config, log, metrics } = options;
  const id = options.id ?? config.supervisorId ?? `${hostname()}-${process.pid}`;
  const listeners = new Set<SupervisorListener>();
  const events: SupervisorListener = {
    sessionsChanged: () => {
      for (const listener of listeners) listener.sessionsChanged?.();
    },
    parkChanged: (change) => {
      for (const listener of listeners) listener.parkChanged?.(change);
    },
  };
  const pools: PoolConfig[] = [];
  const hosted = tableBackends(config.modelTable, config.backend).map((name) => {
    const supervised = name === config.backend && options.backend ? options.backend : createBackendFromConfig(config, log, name);
    if (supervised.kind === 'pooled') pools.push({ backend: name, size: config.poolSize, maxOverflow: config.maxOverflow });
    return hostBackend(name, supervised, config, id, log, events);
  });
  const pooled = pools.length > 0;
  const identity: SupervisorIdentity = {
    id,
    backend: config.backend,
    backends: hosted.map((backend) => backend.name),
    pool: pools,
    version: GATEWAY_VERSION,
    host: hostname(),
    pid: process.pid,
    startedAt: Date.now(),
  };
  const allSessions = () => hosted.flatMap((backend) => backend.sessions());
  if (pooled) {
    // Counted when Prometheus scrapes, not on every status change (that showed up in profiles).
    metrics?.addCollector(() => {
      const summary = summarizeSessions(allSessions());
      for (const status of SESSION_STATUSES) metrics.sessionsTotal.set({ status }, summary[status]);
    });
  }
  const runOnHosted = hostedJobRunner(hosted, id, log);

  return {
    id,
    backendName: config.backend,
    backendNames: hosted.map((backend) => backend.name),
    models: () => [...new Set(hosted.flatMap((backend) => backend.models()))],
    start: () => {
      for (const backend of hosted) backend.start();
    },
    run: (job, signal, options) => runOnHosted(job, signal, options?.controller),
    sessions: allSessions,
    health: () => {
      const reasons: string[] = [];
      for (const backend of hosted) {
        const reason = backend.unavailableReason;
        if (reason !== undefined) reasons.push(reason);
      }
      const pool = summarizeSessions(allSessions());
      return reasons.length === 0 ? { ok: true, pool } : { ok: false, reason: reasons.join(' '), pool };
    },
    canTakeJobs: () => hosted.some((backend) => backend.canServe),
    waiting: () => hosted.reduce((sum, backend) => sum + backend.waiting, 0),
    describe: () => identity,
    watch: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: async () => {
      await Promise.all(hosted.map((backend) => backend.close()));
    },
  };
}

/** Hosts one backend: directly, or on a session pool of its own sized by the configuration. */
function hostBackend(name: BackendName, supervised: SupervisedBackend, config: Config, supervisorId: string, log: Logger, events: SupervisorListener): HostedBackend {
  if (supervised.kind === 'direct') return hostDirect(supervised.backend, supervised.close);
  return hostPooled({
    backend: supervised.backend,
    size: config.poolSize,
    maxOverflow: config.maxOverflow,
    keepAliveIntervalMs: config.keepAliveIntervalMs,
    sessionMaxRequests: config.sessionMaxRequests,
    startTimeoutMs: config.sessionStartTimeoutMs,
    toolResultTimeoutMs: config.toolResultTimeoutMs,
    supervisorId,
    log: log.child({ component: 'pool', backend: name }),
    onChange: () => events.sessionsChanged?.(),
    onParkChange: (change) => events.parkChanged?.(change),
  });
}

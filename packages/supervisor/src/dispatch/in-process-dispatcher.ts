import type { Dispatcher } from '@llm-gateway/shared';
import type { Supervisor } from '../supervisor.ts';

/**
 * The dispatcher of `pnpm start` without Redis: jobs run on a supervisor in the same process,
 * carrying the same job and event values the Redis dispatcher does.
 */
export function createInProcessDispatcher(supervisor: Supervisor): Dispatcher {
  return {
    mode: 'in-process',
    run: (job, signal, options) => supervisor.run(job, signal, options),
    sessions: async () => supervisor.sessions(),
    health: async () => {
      const health = supervisor.health();
      const identity = supervisor.describe();
      const capacity = identity.pool.reduce((sum, pool) => sum + pool.size + pool.maxOverflow, 0);
      return {
        ok: health.ok,
        mode: 'in-process',
        supervisors: 1,
        backends: [...identity.backends],
        supervisorRecords: [
          {
            ...identity,
            heartbeatAt: new Date().toISOString(),
            ok: health.ok,
            ...(health.reason ? { reason: health.reason } : {}),
            running: health.pool.busy + supervisor.waiting(),
            accepting: true,
            concurrency: capacity,
          },
        ],
        pool: health.pool,
        ...(health.reason ? { reason: health.reason } : {}),
      };
    },
    queueDepth: async () => supervisor.waiting(),
    close: () => supervisor.stop(),
  };
}

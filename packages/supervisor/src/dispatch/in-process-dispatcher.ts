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
      return {
        ok: health.ok,
        mode: 'in-process',
        supervisors: 1,
        pool: health.pool,
        ...(health.reason ? { reason: health.reason } : {}),
      };
    },
    queueDepth: async () => supervisor.waiting(),
    close: () => supervisor.stop(),
  };
}

import type { Job } from 'bullmq';
import type { Logger } from '@llm-gateway/shared';
import { closeRedisConnection, createRedisConnection, decodeDirectedJob } from '@llm-gateway/shared/redis';

export interface DirectIntakeOptions {
  redisUrl: string;
  /** This supervisor's list (`RedisKeys.directQueue`). */
  key: string;
  /** Runs one job as the shared queue's processor does. */
  process: (job: Pick<Job, 'id' | 'name' | 'data' | 'attemptsStarted'>) => Promise<unknown>;
  /** Connection name, for `CLIENT LIST`. */
  name: string;
  log?: Logger;
}

export interface DirectIntake {
  /** Follow-ups taken and not finished. */
  running(): number;
  /** Stops taking follow-ups; resolves once the running ones have ended. */
  close(): Promise<void>;
}

/**
 * Takes the follow-ups sent to this supervisor because it holds their parked turn, from its own
 * Redis list (BRPOP on a connection of its own), and runs each at once: it claims the session it
 * was parked on, or, that turn gone, runs from its history like any job. Not paused by `JobIntake`:
 * a parked session can answer even while no new session can start.
 *
 * A job popped here and lost with this process is not lost for the client: the API replica that
 * sent it watches this supervisor's registry record and sends the job to the shared queue when
 * the record vanishes before the job produced output.
 */
export function startDirectIntake(options: DirectIntakeOptions): DirectIntake {
  const { redisUrl, key, process, name, log } = options;
  const connection = createRedisConnection(redisUrl, { kind: 'wait', name, log });
  const running = new Set<Promise<unknown>>();
  let closed = false;
  const loop = (async () => {
    while (!closed) {
      let popped: [string, string] | null;
      try {
        // Bounded so a loop on a connection that came back notices `closed` soon.
        popped = await connection.brpop(key, 1);
      } catch {
        if (closed) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (popped === null) continue;
      const directed = decodeDirectedJob(popped[1]);
      if (directed === undefined) {
        log?.error('dropping a directed job that is not a completion job');
        continue;
      }
      const run = process({ id: directed.job.id, name: directed.channel, data: directed.job, attemptsStarted: 1 })
        .catch(() => {}) // reported to the client as events already
        .finally(() => running.delete(run));
      running.add(run);
    }
  })();
  return {
    running: () => running.size,
    close: async () => {
      closed = true;
      await closeRedisConnection(connection);
      await loop;
      await Promise.all(running);
    },
  };
}

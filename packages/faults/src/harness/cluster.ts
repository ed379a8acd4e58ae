import { Redis } from 'ioredis';
import { startRedisServer, uniquePrefix, type RedisServer } from '@llm-gateway/testkit';
import { spawnRole, type RoleProcess } from '@llm-gateway/testkit';
import { eventually, getJson } from '@llm-gateway/testkit';

export interface SplitClusterOptions {
  /** API replicas (`LLM_ROLE=api`). @defaultValue 1 */
  apis?: number;
  /** Supervisor processes (`start:supervisor`), each with its own extra environment. */
  supervisors: Array<{ name: string; env?: Record<string, string> }>;
  /** Environment every process gets (backend, pool size, timeouts…). */
  env: Record<string, string>;
  /** A Redis to use; by default a private one is started (and stopped by `stop`). */
  redis?: RedisServer;
  /** @defaultValue a fresh unique prefix */
  prefix?: string;
  /** Ready sessions the cluster must report before it counts as started. @defaultValue 1 per supervisor */
  minReadySessions?: number;
  /** @defaultValue 60_000 */
  startTimeoutMs?: number;
}

/** API replicas and supervisors on one Redis, as in production's split mode. */
export interface SplitCluster {
  readonly redis: RedisServer;
  readonly prefix: string;
  readonly apis: RoleProcess[];
  readonly supervisors: RoleProcess[];
  all(): RoleProcess[];
  /** Jobs BullMQ holds that are not finished: waiting, running, delayed or prioritized. */
  queueCounts(): Promise<QueueCounts>;
  /** The last lines of every process, for failure messages. */
  outputs(): string;
  /** Stops every process (SIGTERM, then SIGKILL) and the Redis it started. */
  stop(): Promise<void>;
}

export interface QueueCounts {
  wait: number;
  active: number;
  delayed: number;
  prioritized: number;
  failed: number;
}

export interface ApiHealth {
  status: string;
  supervisors: number;
  pool: { ready: number; busy: number; total: number; starting: number; failed: number };
  redis?: string;
  reason?: string;
}

/** Starts the processes in parallel and resolves once every API replica sees every supervisor. */
export async function startSplitCluster(options: SplitClusterOptions): Promise<SplitCluster> {
  const ownRedis = options.redis === undefined;
  const redis = options.redis ?? (await startRedisServer());
  const prefix = options.prefix ?? uniquePrefix('faults');
  const env = { ...options.env, REDIS_URL: redis.url, REDIS_PREFIX: prefix };
  const apis: RoleProcess[] = [];
  const supervisors: RoleProcess[] = [];
  const all = () => [...apis, ...supervisors];
  const outputs = () => all().map((process) => `--- ${process.name} (${process.alive() ? 'alive' : 'exited'})\n${process.output()}`).join('\n');
  const stop = async () => {
    await Promise.all(all().map((process) => process.stop(3_000)));
    if (ownRedis) await redis.stop();
  };
  try {
    const apiCount = options.apis ?? 1;
    const started = await Promise.allSettled([
      ...Array.from({ length: apiCount }, (_, index) => spawnRole('api', `api-${index + 1}`, env).then((process) => apis.push(process))),
      ...options.supervisors.map(({ name, env: own }) =>
        spawnRole('supervisor', name, { ...env, LLM_SUPERVISOR_ID: name, ...own }).then((process) => supervisors.push(process)),
      ),
    ]);
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const minReady = options.minReadySessions ?? options.supervisors.length;
    for (const api of apis) {
      await eventually(
        async () => {
          const { status, body } = await getJson<ApiHealth>(`${api.url}/health`);
          return status === 200 && body.supervisors === options.supervisors.length && body.pool.ready >= minReady ? true : undefined;
        },
        { timeoutMs: options.startTimeoutMs ?? 60_000, what: `${api.name} to see every supervisor ready` },
      );
    }
  } catch (error) {
    const detail = outputs();
    await stop();
    throw new Error(`${(error as Error).message}\n${detail}`);
  }
  sortByName(apis);
  sortByName(supervisors);
  return {
    redis,
    prefix,
    apis,
    supervisors,
    all,
    queueCounts: () => queueCounts(redis.url, prefix),
    outputs,
    stop,
  };
}

function sortByName(processes: RoleProcess[]): void {
  processes.sort((a, b) => a.name.localeCompare(b.name));
}

/** BullMQ's counts for the gateway's queue, read straight from Redis. */
export async function queueCounts(redisUrl: string, prefix: string): Promise<QueueCounts> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    const key = (name: string) => `${prefix}:completions:${name}`;
    const [wait, active, delayed, prioritized, failed] = await Promise.all([
      redis.llen(key('wait')),
      redis.llen(key('active')),
      redis.zcard(key('delayed')),
      redis.zcard(key('prioritized')),
      redis.zcard(key('failed')),
    ]);
    return { wait, active, delayed, prioritized, failed };
  } finally {
    redis.disconnect();
  }
}

/** Redis's own memory figures (`INFO memory`), in bytes. */
export async function redisMemory(redisUrl: string): Promise<{ usedMemory: number; usedMemoryRss: number }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    const info = await redis.info('memory');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    return { usedMemory: field('used_memory'), usedMemoryRss: field('used_memory_rss') };
  } finally {
    redis.disconnect();
  }
}

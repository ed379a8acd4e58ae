import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.ts';
import { TEST_REDIS_URL_VARIABLE } from './test-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the redis-server started for this run (also in `TEST_REDIS_URL`). */
    redisUrl: string;
  }
}

/**
 * Starts ONE private redis-server for the whole vitest run (never the Redis on 6379) and stops
 * it when the run ends. Tests reach it with `testRedisUrl()` and use a `uniquePrefix()` each.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  // Test workers are forked after this runs, so they inherit it.
  process.env[TEST_REDIS_URL_VARIABLE] = server.url;
  return async () => {
    await server.stop();
  };
}

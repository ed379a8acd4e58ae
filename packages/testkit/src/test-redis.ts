/** The environment variable that carries the test Redis URL to test workers and spawned processes. */
export const TEST_REDIS_URL_VARIABLE = 'TEST_REDIS_URL';

/**
 * The URL of the private redis-server the vitest global setup started for this run. It never
 * returns the default local Redis: without the global setup it throws.
 */
export function testRedisUrl(): string {
  const url = process.env[TEST_REDIS_URL_VARIABLE];
  if (!url) throw new Error(`${TEST_REDIS_URL_VARIABLE} is not set: run the tests through vitest (its global setup starts redis-server).`);
  return url;
}

export * from './fake-anthropic/index.ts';
export { freePort, pingRedis, startRedisServer, type RedisServer, type StartRedisServerOptions } from './redis-server.ts';
export { testRedisUrl, TEST_REDIS_URL_VARIABLE } from './test-redis.ts';
export { uniquePrefix } from './unique-prefix.ts';
export * from './fake-openai/index.ts';

export * from './fake-anthropic/index.ts';
export { freePort, pingRedis, startRedisServer, type RedisServer, type StartRedisServerOptions } from './redis-server.ts';
export { testRedisUrl, TEST_REDIS_URL_VARIABLE } from './test-redis.ts';
export { uniquePrefix } from './unique-prefix.ts';
export * from './fake-openai/index.ts';
export { descendants, isRunning, processesMatching, rssBytes, type ProcessEntry } from './processes/proc.ts';
export { REPO_ROOT, spawnRole, type Role, type RoleProcess, type SpawnRoleOptions } from './processes/role-process.ts';
export { eventually, getJson, sleep, type EventuallyOptions } from './processes/wait.ts';

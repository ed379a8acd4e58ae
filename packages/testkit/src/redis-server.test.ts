import { afterAll, describe, expect, it } from 'vitest';
import { pingRedis, startRedisServer, type RedisServer } from './redis-server.ts';
import { testRedisUrl } from './test-redis.ts';
import { uniquePrefix } from './unique-prefix.ts';

describe('startRedisServer', () => {
  let server: RedisServer | undefined;
  afterAll(async () => server?.stop());

  it('starts a private server, restarts it on the same port and stops it', async () => {
    server = await startRedisServer();
    expect(server.port).not.toBe(6379);
    expect(await pingRedis(server.port)).toBe(true);
    const firstPid = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(await pingRedis(server.port)).toBe(true);
    await server.kill();
    expect(server.pid).toBeNull();
    expect(await pingRedis(server.port, 200)).toBe(false);
    await server.start();
    expect(await pingRedis(server.port)).toBe(true);
    await server.stop();
    expect(await pingRedis(server.port, 200)).toBe(false);
  });
});

describe('the global test Redis', () => {
  it('is reachable and is not the default Redis', async () => {
    const url = new URL(testRedisUrl());
    expect(url.port).not.toBe('6379');
    expect(await pingRedis(Number(url.port))).toBe(true);
  });

  it('hands out distinct prefixes', () => {
    expect(uniquePrefix()).not.toBe(uniquePrefix());
  });
});

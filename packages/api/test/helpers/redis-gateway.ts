import { createLogger } from '@llm-gateway/shared';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createGateway } from '../../src/gateway.ts';
import { testConfig, type GatewayFactory } from './test-gateway.ts';

/**
 * The gateway in Redis mode, in one process: the Redis dispatcher plus a supervisor consuming
 * from the same queue (role `all` with REDIS_URL), on the vitest run's private Redis under a
 * fresh key prefix. Jobs really travel through BullMQ and pub/sub, so the contract suite can run
 * against both dispatchers.
 */
export const redisGateway: GatewayFactory = async (overrides = {}) =>
  createGateway({
    config: testConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix('contract'),
      LLM_HEARTBEAT_INTERVAL: '0.5',
      LLM_SHUTDOWN_GRACE: '1',
      ...overrides,
    }),
    log: createLogger({ level: 'silent' }),
  });

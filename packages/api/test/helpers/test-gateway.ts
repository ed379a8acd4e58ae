import { createLogger, loadConfig, type Config } from '@llm-gateway/shared';
import { createGateway, type Gateway } from '../../src/gateway.ts';

/** Environment for a small mock gateway: fast, deterministic, quiet. */
export const TEST_ENV: Record<string, string> = {
  LLM_BACKEND: 'mock',
  LLM_POOL_SIZE: '2',
  LLM_MAX_OVERFLOW: '4',
  LLM_REQUEST_TIMEOUT: '1',
  LLM_MAX_BODY_BYTES: '65536',
  LOG_LEVEL: 'silent',
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...TEST_ENV, ...overrides });
}

/** Builds a gateway for a test; the caller closes it. */
export type GatewayFactory = (overrides?: Record<string, string>) => Promise<Gateway>;

/** The embedded gateway: API and supervisor in one process, in-process dispatcher. */
export const inProcessGateway: GatewayFactory = async (overrides = {}) =>
  createGateway({ config: testConfig(overrides), log: createLogger({ level: 'silent' }) });

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies the spec defaults', () => {
    const config = loadConfig({});
    expect(config.backend).toBe('cli');
    expect(config.poolSize).toBe(2);
    expect(config.keepAliveIntervalMs).toBe(300_000);
    expect(config.requestTimeoutMs).toBe(60_000);
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads and converts values', () => {
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '4', LLM_REQUEST_TIMEOUT: '1.5', PORT: '6000' });
    expect(config).toMatchObject({ backend: 'mock', poolSize: 4, requestTimeoutMs: 1500, port: 6000 });
  });

  it.each([
    ['LLM_POOL_SIZE', 'many'],
    ['LLM_BACKEND', 'gpt'],
    ['LLM_REQUEST_TIMEOUT', '0'],
    ['PORT', '70000'],
    ['REDIS_URL', 'localhost:6379'],
  ])('names %s when its value %j is bad', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}:`));
  });

  it('reads secrets from mounted files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    writeFileSync(join(dir, 'key'), 'sk-ant-file\n');
    expect(loadConfig({ ANTHROPIC_API_KEY_FILE: join(dir, 'key') }).anthropicApiKey).toBe('sk-ant-file');
    expect(() => loadConfig({ ANTHROPIC_API_KEY_FILE: join(dir, 'missing') })).toThrow(/ANTHROPIC_API_KEY_FILE/);
    writeFileSync(join(dir, 'metrics'), 'sk-metrics-file\n');
    expect(loadConfig({ LLM_METRICS_KEY_FILE: join(dir, 'metrics') }).metricsKey).toBe('sk-metrics-file');
    expect(loadConfig({ LLM_METRICS_KEY: 'sk-metrics-env', LLM_METRICS_KEY_FILE: join(dir, 'metrics') }).metricsKey).toBe('sk-metrics-env');
  });
});

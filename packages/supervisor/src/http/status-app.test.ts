import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, createMetrics, keyRingFromConfig, loadConfig } from '@llm-gateway/shared';
import { createSupervisor, type Supervisor } from '../supervisor.ts';
import { createStatusApp } from './status-app.ts';

const KEYS = { tenant: 'sk-acme-4c8e1f0b9d', other: 'sk-globex-7a2d5e3c1b', admin: 'sk-admin-9f1e3d5b7a', metrics: 'sk-metrics-2b4d6f8a0c' };
const API_KEYS = `${KEYS.tenant}:acme,${KEYS.other}:globex`;

describe("the supervisor's /metrics access", () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
  });

  const statusApp = (env: Record<string, string>) => {
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LOG_LEVEL: 'silent', ...env });
    supervisor = createSupervisor({ config, log: createLogger({ level: 'silent' }) });
    supervisor.start();
    return createStatusApp({
      supervisor,
      consumer: { redisUp: () => true, running: () => 0 },
      metrics: createMetrics({ defaultLabels: { role: 'supervisor' } }),
      keys: keyRingFromConfig(config),
      stopping: () => false,
    });
  };

  /** The status `path` answers to each presented key. */
  const statuses = async (app: ReturnType<typeof statusApp>, path: string) => {
    const presented = { none: undefined, unknown: 'sk-nobody-00000000', tenant: KEYS.tenant, admin: KEYS.admin, metrics: KEYS.metrics };
    const result: Record<string, number> = {};
    for (const [name, key] of Object.entries(presented)) {
      result[name] = (await app.request(path, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } })).status;
    }
    return result;
  };

  it('open gateway (no key at all): open', async () => {
    const app = statusApp({});
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('role="supervisor"');
  });

  it('tenant, admin and metrics keys: the admin or the metrics key; tenant keys 403', async () => {
    const app = statusApp({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_METRICS_KEY: KEYS.metrics });
    expect(await statuses(app, '/metrics')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 200, metrics: 200 });
    expect(await statuses(app, '/sessions')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 200, metrics: 403 });
    const refused = (await (await app.request('/metrics', { headers: { authorization: `Bearer ${KEYS.tenant}` } })).json()) as { error: { code: string } };
    expect(refused.error.code).toBe('permission_denied');
  });

  it('tenant keys without an operator key: closed to everyone', async () => {
    const app = statusApp({ LLM_API_KEYS: API_KEYS });
    expect(await statuses(app, '/metrics')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 401, metrics: 401 });
  });

  it('tenant and admin keys: the admin key', async () => {
    const app = statusApp({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin });
    expect(await statuses(app, '/metrics')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 200, metrics: 401 });
  });

  it('keeps /health, /livez and /readyz open, naming no tenant and holding no key', async () => {
    const app = statusApp({ LLM_API_KEYS: API_KEYS, LLM_METRICS_KEY: KEYS.metrics });
    for (const path of ['/health', '/livez', '/readyz']) {
      const response = await app.request(path);
      expect([200, 503], path).toContain(response.status);
      const body = await response.text();
      for (const word of ['acme', 'globex', ...Object.values(KEYS)]) expect(body, path).not.toContain(word);
    }
  });

  it("answers / and other unknown paths as the API answers an unknown route, and a wrong method with 405", async () => {
    const app = statusApp({});
    for (const [method, path] of [['GET', '/'], ['POST', '/v1/chat/completions']] as const) {
      const response = await app.request(path, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
    }
    const wrongMethod = await app.request('/health', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await wrongMethod.json()).toEqual({
      error: { message: 'Invalid URL (DELETE /health): this path takes GET.', type: 'invalid_request_error', param: null, code: null },
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, bearer, chat, KEYS } from './tenant-helpers.ts';

const METRICS_KEY = 'sk-metrics-3b9d0e6a1f';
const TENANTS = ['alpha', 'beta', 'gamma'];

/** The status `path` answers to each presented key. */
async function statuses(gateway: Gateway, path: string): Promise<Record<string, number>> {
  const presented = { none: undefined, unknown: 'sk-nobody-00000000', tenant: KEYS.alpha, admin: KEYS.admin, metrics: METRICS_KEY };
  const result: Record<string, number> = {};
  for (const [name, key] of Object.entries(presented)) {
    result[name] = (await gateway.app.request(path, key === undefined ? {} : { headers: bearer(key) })).status;
  }
  return result;
}

describe("the API's /metrics access", () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('open gateway (no key at all): open', async () => {
    gateway = await inProcessGateway();
    expect((await gateway.app.request('/metrics')).status).toBe(200);
  });

  it('tenant, admin and metrics keys: the admin or the metrics key; tenant keys 403', async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin, LLM_METRICS_KEY: METRICS_KEY });
    expect(await statuses(gateway, '/metrics')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 200, metrics: 200 });
    // The metrics key opens /metrics and nothing else.
    expect(await statuses(gateway, '/sessions')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 200, metrics: 403 });
    expect((await chat(gateway.app, ask('Hi'), { key: METRICS_KEY })).status).toBe(401);
  });

  it('tenant keys without an operator key: closed to everyone', async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS });
    expect(await statuses(gateway, '/metrics')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 401, metrics: 401 });
  });

  it('tenant and admin keys: the admin key', async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin });
    expect(await statuses(gateway, '/metrics')).toEqual({ none: 401, unknown: 401, tenant: 403, admin: 200, metrics: 401 });
  });

  it('names tenants in /metrics only: /health, /livez and /readyz stay open and name none', async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_METRICS_KEY: METRICS_KEY, LLM_RATE_LIMIT_RPM: '1' });
    for (const key of [KEYS.alpha, KEYS.beta, KEYS.gamma]) {
      expect((await chat(gateway.app, ask('Hi'), { key })).status).toBe(200);
      // Over the limit: the limiter holds state for the tenant too.
      expect((await chat(gateway.app, ask('Hi'), { key })).status).toBe(429);
    }
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(METRICS_KEY) })).text();
    for (const tenant of TENANTS) expect(metrics).toContain(`tenant="${tenant}"`);
    for (const path of ['/health', '/livez', '/readyz']) {
      const response = await gateway.app.request(path);
      expect(response.status, path).toBe(200);
      const body = await response.text();
      for (const tenant of TENANTS) expect(body, path).not.toContain(tenant);
    }
  });
});

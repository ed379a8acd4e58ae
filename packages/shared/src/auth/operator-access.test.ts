import { describe, expect, it } from 'vitest';
import { createKeyRing, type CreateKeyRingOptions } from './api-keys.ts';
import { operatorAccessError, operatorEndpointGuarded, type OperatorScope } from './operator-access.ts';

const TENANT = 'sk-tenant-0001';
const ADMIN_KEY = 'sk-admin-0001';
const METRICS_KEY = 'sk-metrics-0001';
const tenants = [{ key: TENANT, tenant: 'acme' }];

/** The status each presented key gets, `-` for allowed. */
function matrix(options: CreateKeyRingOptions, scope: OperatorScope): Record<string, string> {
  const ring = createKeyRing(options);
  const presented = { none: undefined, unknown: 'sk-nobody-0001', tenant: TENANT, admin: ADMIN_KEY, metrics: METRICS_KEY };
  return Object.fromEntries(
    Object.entries(presented).map(([name, key]) => {
      const error = operatorAccessError(ring, key === undefined ? undefined : `Bearer ${key}`, scope);
      return [name, error === undefined ? '-' : `${error.status} ${error.code}`];
    }),
  );
}

describe('operator access', () => {
  it('keeps both scopes open on an open gateway', () => {
    const open = createKeyRing({ keys: [] });
    expect(operatorEndpointGuarded(open, 'admin')).toBe(false);
    expect(operatorEndpointGuarded(open, 'metrics')).toBe(false);
    expect(matrix({ keys: [] }, 'metrics').tenant).toBe('-');
  });

  it('/metrics: the admin or the metrics key; tenant keys 403, missing or unknown keys 401', () => {
    expect(matrix({ keys: tenants, adminKey: ADMIN_KEY, metricsKey: METRICS_KEY }, 'metrics')).toEqual({
      none: '401 invalid_api_key',
      unknown: '401 invalid_api_key',
      tenant: '403 permission_denied',
      admin: '-',
      metrics: '-',
    });
  });

  it('/metrics is closed to tenants even with no operator key configured', () => {
    expect(matrix({ keys: tenants }, 'metrics').tenant).toBe('403 permission_denied');
    expect(operatorAccessError(createKeyRing({ keys: tenants }), `Bearer ${TENANT}`, 'metrics')?.message).toMatch(/neither is configured/);
  });

  it('a metrics key alone guards /metrics but leaves /v1 and /sessions as they were (open)', () => {
    const ring = createKeyRing({ keys: [], metricsKey: METRICS_KEY });
    expect(operatorEndpointGuarded(ring, 'metrics')).toBe(true);
    expect(operatorEndpointGuarded(ring, 'admin')).toBe(false);
    expect(matrix({ keys: [], metricsKey: METRICS_KEY }, 'metrics').none).toBe('401 invalid_api_key');
  });

  it('/sessions: the admin key only; the metrics key is refused with 403', () => {
    expect(matrix({ keys: tenants, adminKey: ADMIN_KEY, metricsKey: METRICS_KEY }, 'admin')).toEqual({
      none: '401 invalid_api_key',
      unknown: '401 invalid_api_key',
      tenant: '403 permission_denied',
      admin: '-',
      metrics: '403 permission_denied',
    });
  });

  it('refuses a metrics key equal to a tenant key or to the admin key', () => {
    expect(() => createKeyRing({ keys: tenants, metricsKey: TENANT })).toThrow(/LLM_METRICS_KEY/);
    expect(() => createKeyRing({ keys: [], adminKey: ADMIN_KEY, metricsKey: ADMIN_KEY })).toThrow(/LLM_METRICS_KEY/);
  });
});

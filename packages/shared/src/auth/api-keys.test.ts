import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { ADMIN, METRICS, bearerToken, createKeyRing, parseApiKeys } from './api-keys.ts';

describe('parseApiKeys', () => {
  it('reads key:tenant pairs from commas and lines, skipping comments and blanks', () => {
    const text = 'sk-alpha-0001:alpha, sk-beta-00002:beta\n# a comment\n\nsk:with:colons-03:gamma\r\nsk-alpha-0004:alpha';
    expect(parseApiKeys(text)).toEqual([
      { key: 'sk-alpha-0001', tenant: 'alpha' },
      { key: 'sk-beta-00002', tenant: 'beta' },
      { key: 'sk:with:colons-03', tenant: 'gamma' },
      { key: 'sk-alpha-0004', tenant: 'alpha' },
    ]);
    expect(parseApiKeys(undefined)).toEqual([]);
  });

  it('keeps a key listed twice for the same tenant once', () => {
    expect(parseApiKeys('sk-alpha-0001:alpha,sk-alpha-0001:alpha')).toHaveLength(1);
  });

  it.each([
    ['sk-without-tenant', /entry 1 is not key:tenant/],
    [':alpha', /entry 1 is not key:tenant/],
    ['sk-alpha-0001:', /entry 1 is not key:tenant/],
    ['sk-ok-000001:ok,sk-bad-00002:bad tenant', /entry 2: a tenant name/],
    ['sk-anon-00001:anonymous', /reserved/],
    ['short:alpha', /at least 8 characters/],
    ['sk-shared-001:alpha,sk-shared-001:beta', /another tenant's key/],
  ])('refuses %j without quoting the key', (text, message) => {
    let thrown: unknown;
    try {
      parseApiKeys(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe('LLM_API_KEYS');
    expect((thrown as Error).message).toMatch(message);
    for (const secret of text.split(/[,:]/).filter((part) => part.startsWith('sk'))) expect((thrown as Error).message).not.toContain(secret);
  });
});

describe('createKeyRing', () => {
  const ring = createKeyRing({
    keys: parseApiKeys('sk-alpha-0001:alpha,sk-alpha-0002:alpha,sk-beta-00001:beta'),
    adminKey: 'sk-admin-0001',
    metricsKey: 'sk-metrics-0001',
  });

  it('names the tenant of each key, the admin and metrics keys, and nothing for anything else', () => {
    expect(ring.enabled).toBe(true);
    expect(ring.hasAdminKey).toBe(true);
    expect(ring.hasMetricsKey).toBe(true);
    expect(ring.identify('sk-metrics-0001')).toBe(METRICS);
    expect(ring.tenants).toEqual(['alpha', 'beta']);
    expect(ring.identify('sk-alpha-0001')).toBe('alpha');
    expect(ring.identify('sk-alpha-0002')).toBe('alpha');
    expect(ring.identify('sk-beta-00001')).toBe('beta');
    expect(ring.identify('sk-admin-0001')).toBe(ADMIN);
    expect(ring.identify('sk-alpha-000')).toBeUndefined();
    expect(ring.identify('sk-alpha-00011')).toBeUndefined();
    expect(ring.identify('')).toBeUndefined();
  });

  it('is disabled without keys and refuses an admin key equal to a tenant key', () => {
    const open = createKeyRing({ keys: [] });
    expect(open.enabled).toBe(false);
    expect(open.hasAdminKey).toBe(false);
    expect(open.hasMetricsKey).toBe(false);
    expect(open.identify('anything')).toBeUndefined();
    expect(() => createKeyRing({ keys: parseApiKeys('sk-alpha-0001:alpha'), adminKey: 'sk-alpha-0001' })).toThrow(/LLM_ADMIN_KEY/);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header in any case, and nothing else', () => {
    expect(bearerToken('Bearer sk-1')).toBe('sk-1');
    expect(bearerToken('bearer  sk-1 ')).toBe('sk-1');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '@llm-gateway/shared';
import { createTenantLimits } from './tenant-limits.ts';

describe('createTenantLimits', () => {
  it('gives every tenant the defaults unless overridden, field by field', () => {
    const table = createTenantLimits({
      defaults: { rpm: 60, tpm: 10_000 },
      overrides: 'acme:rpm=600:tpm=200000, trial:rpm=5,free:tpm=0',
      tenants: ['acme', 'trial', 'free', 'plain'],
    });
    expect(table.active).toBe(true);
    expect(table.limitsFor('acme')).toEqual({ rpm: 600, tpm: 200_000 });
    expect(table.limitsFor('trial')).toEqual({ rpm: 5, tpm: 10_000 });
    expect(table.limitsFor('free')).toEqual({ rpm: 60, tpm: 0 });
    expect(table.limitsFor('plain')).toEqual({ rpm: 60, tpm: 10_000 });
  });

  it('is inactive when nothing is limited, and limits the anonymous tenant of an open gateway', () => {
    expect(createTenantLimits({ defaults: { rpm: 0, tpm: 0 }, tenants: ['a'] }).active).toBe(false);
    expect(createTenantLimits({ defaults: { rpm: 0, tpm: 0 }, overrides: 'a:rpm=0', tenants: ['a'] }).active).toBe(false);
    const open = createTenantLimits({ defaults: { rpm: 0, tpm: 0 }, overrides: 'anonymous:rpm=10', tenants: [] });
    expect(open.active).toBe(true);
    expect(open.limitsFor('anonymous')).toEqual({ rpm: 10, tpm: 0 });
  });

  it.each([
    ['ghost:rpm=1', /'ghost' is not a configured tenant/],
    ['acme:rpm=1,acme:tpm=2', /listed twice/],
    ['acme:rps=1', /not rpm=N or tpm=N/],
  ])('refuses %j', (overrides, message) => {
    expect(() => createTenantLimits({ defaults: { rpm: 0, tpm: 0 }, overrides, tenants: ['acme'] })).toThrow(ConfigError);
    expect(() => createTenantLimits({ defaults: { rpm: 0, tpm: 0 }, overrides, tenants: ['acme'] })).toThrow(message);
  });
});

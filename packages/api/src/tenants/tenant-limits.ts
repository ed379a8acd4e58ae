import { ConfigError } from '@llm-gateway/shared';
import { ANONYMOUS_TENANT } from '@llm-gateway/shared';

/** A tenant's rate limits; 0 means unlimited. */
export interface RateLimits {
  /** Requests per minute. */
  rpm: number;
  /** Tokens per minute: prompt tokens estimated before dispatch, corrected with actual usage after. */
  tpm: number;
}

export const UNLIMITED: RateLimits = Object.freeze({ rpm: 0, tpm: 0 });

export interface TenantLimitTable {
  /** Whether any tenant has a limit: when not, no request pays for limiting. */
  readonly active: boolean;
  limitsFor(tenant: string): RateLimits;
}

export interface TenantLimitOptions {
  /** `LLM_RATE_LIMIT_RPM` / `LLM_RATE_LIMIT_TPM`: every tenant's limits unless overridden. */
  defaults: RateLimits;
  /** `LLM_TENANT_LIMITS`: `tenant:rpm=N:tpm=N` entries separated by commas; a field left out keeps the default. */
  overrides?: string | undefined;
  /** The configured tenants; an override for any other is a typo and stops start-up. Empty: the gateway is open. */
  tenants: readonly string[];
}

/**
 * The limit table: defaults, with per-tenant overrides. `acme:rpm=600:tpm=200000,trial:rpm=10`
 * gives acme its own two limits and trial its own RPM (and the default TPM); `rpm=0` lifts a limit.
 * @throws ConfigError naming `LLM_TENANT_LIMITS`.
 */
export function createTenantLimits(options: TenantLimitOptions): TenantLimitTable {
  const defaults: RateLimits = Object.freeze({ ...options.defaults });
  const known = new Set(options.tenants.length > 0 ? options.tenants : [ANONYMOUS_TENANT]);
  const table = new Map<string, RateLimits>();
  for (const entry of (options.overrides ?? '').split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const [tenant = '', ...fields] = entry.split(':');
    if (!known.has(tenant)) {
      throw new ConfigError('LLM_TENANT_LIMITS', `'${tenant}' is not a configured tenant (${[...known].join(', ')})`);
    }
    if (table.has(tenant)) throw new ConfigError('LLM_TENANT_LIMITS', `'${tenant}' is listed twice`);
    const limits = { ...defaults };
    for (const field of fields) {
      const match = /^(rpm|tpm)=(\d+)$/.exec(field.trim());
      if (!match) throw new ConfigError('LLM_TENANT_LIMITS', `'${field}' for '${tenant}' is not rpm=N or tpm=N`);
      limits[match[1] as keyof RateLimits] = Number(match[2]);
    }
    table.set(tenant, Object.freeze(limits));
  }
  const isLimited = (limits: RateLimits) => limits.rpm > 0 || limits.tpm > 0;
  return {
    active: isLimited(defaults) || [...table.values()].some(isLimited),
    limitsFor: (tenant) => table.get(tenant) ?? defaults,
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, type Config } from '../config.ts';

/** The tenant of every request while no key is configured (the gateway is open). */
export const ANONYMOUS_TENANT = 'anonymous';

/** What {@link KeyRing.identify} answers for the admin key. */
export const ADMIN = Symbol('admin');

/** What {@link KeyRing.identify} answers for the metrics key: it opens `/metrics` and nothing else. */
export const METRICS = Symbol('metrics');

/** Tenant names end up in metric labels, Redis keys and logs: plain and short. */
const TENANT_NAME = /^[\w.-]{1,64}$/;
/** Shorter keys are too easy to guess. */
const MIN_KEY_LENGTH = 8;

export interface TenantKey {
  key: string;
  tenant: string;
}

/**
 * Parses `key:tenant` entries separated by commas or newlines (`LLM_API_KEYS`, or the mounted
 * `LLM_API_KEYS_FILE`, where blank lines and lines starting with `#` are skipped). The tenant is
 * what follows the last colon, so keys may contain colons. Error messages name the entry by its
 * position, never by its text: they end up in logs and the text holds a key.
 * @throws ConfigError naming `LLM_API_KEYS`.
 */
export function parseApiKeys(text: string | undefined, variable = 'LLM_API_KEYS'): TenantKey[] {
  if (text === undefined) return [];
  const entries: TenantKey[] = [];
  const owners = new Map<string, string>();
  const lines = text.split(/[,\r\n]+/).map((line) => line.trim());
  let position = 0;
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    position += 1;
    const colon = line.lastIndexOf(':');
    const key = colon > 0 ? line.slice(0, colon).trim() : '';
    const tenant = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (key === '' || tenant === '') throw new ConfigError(variable, `entry ${position} is not key:tenant`);
    if (!TENANT_NAME.test(tenant)) {
      throw new ConfigError(variable, `entry ${position}: a tenant name is 1-64 letters, digits, '_', '.' or '-'`);
    }
    if (tenant === ANONYMOUS_TENANT) throw new ConfigError(variable, `entry ${position}: the tenant name '${ANONYMOUS_TENANT}' is reserved`);
    if (key.length < MIN_KEY_LENGTH) throw new ConfigError(variable, `entry ${position}: a key needs at least ${MIN_KEY_LENGTH} characters`);
    const owner = owners.get(key);
    if (owner !== undefined && owner !== tenant) throw new ConfigError(variable, `entry ${position} gives another tenant's key to '${tenant}'`);
    if (owner === undefined) {
      owners.set(key, tenant);
      entries.push({ key, tenant });
    }
  }
  return entries;
}

/** The configured keys, held as SHA-256 digests. */
export interface KeyRing {
  /** Whether tenant keys are configured: then every `/v1/*` request needs one. */
  readonly enabled: boolean;
  readonly hasAdminKey: boolean;
  readonly hasMetricsKey: boolean;
  /** Every configured tenant, in configuration order. */
  readonly tenants: readonly string[];
  /**
   * The tenant a presented key belongs to, {@link ADMIN} for the admin key, {@link METRICS} for the
   * metrics key, or undefined. Takes
   * the same time whichever key matches, or none: every digest is compared, with
   * `timingSafeEqual`, and hashing first makes the comparison independent of the key's length.
   */
  identify(presented: string): string | typeof ADMIN | typeof METRICS | undefined;
}

export interface CreateKeyRingOptions {
  keys: readonly TenantKey[];
  /** `LLM_ADMIN_KEY`. @defaultValue none */
  adminKey?: string | undefined;
  /** `LLM_METRICS_KEY`. @defaultValue none */
  metricsKey?: string | undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Builds the key ring once from the configuration (the API and the supervisor hold the same one). */
export function createKeyRing(options: CreateKeyRingOptions): KeyRing {
  const entries = options.keys.map(({ key, tenant }) => ({ digest: digest(key), tenant }));
  const adminDigest = options.adminKey === undefined ? undefined : digest(options.adminKey);
  const metricsDigest = options.metricsKey === undefined ? undefined : digest(options.metricsKey);
  if (adminDigest && entries.some((entry) => timingSafeEqual(entry.digest, adminDigest))) {
    throw new ConfigError('LLM_ADMIN_KEY', 'must differ from every tenant key');
  }
  if (metricsDigest && (entries.some((entry) => timingSafeEqual(entry.digest, metricsDigest)) || (adminDigest && timingSafeEqual(adminDigest, metricsDigest)))) {
    throw new ConfigError('LLM_METRICS_KEY', 'must differ from every tenant key and from the admin key');
  }
  const tenants = [...new Set(entries.map((entry) => entry.tenant))];
  return {
    enabled: entries.length > 0,
    hasAdminKey: adminDigest !== undefined,
    hasMetricsKey: metricsDigest !== undefined,
    tenants,
    identify(presented) {
      const presentedDigest = digest(presented);
      let match: string | typeof ADMIN | typeof METRICS | undefined;
      // No early exit: the time must not tell which entry matched.
      for (const entry of entries) {
        if (timingSafeEqual(entry.digest, presentedDigest)) match = entry.tenant;
      }
      if (adminDigest && timingSafeEqual(adminDigest, presentedDigest)) match = ADMIN;
      if (metricsDigest && timingSafeEqual(metricsDigest, presentedDigest)) match = METRICS;
      return match;
    },
  };
}

/** The key ring of `LLM_API_KEYS` (and its file), `LLM_ADMIN_KEY` and `LLM_METRICS_KEY`. */
export function keyRingFromConfig(config: Pick<Config, 'apiKeys' | 'adminKey' | 'metricsKey'>): KeyRing {
  return createKeyRing({ keys: parseApiKeys(config.apiKeys), adminKey: config.adminKey, metricsKey: config.metricsKey });
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

import { GatewayError } from '../errors/gateway-error.ts';
import { ADMIN, METRICS, bearerToken, type KeyRing } from './api-keys.ts';

/**
 * The two kinds of operator endpoint: `admin` (`/sessions`, `/status`: sessions and recent
 * requests) and `metrics` (`/metrics`: Prometheus series, per-tenant ones among them).
 */
export type OperatorScope = 'admin' | 'metrics';

// The messages never echo what was presented: it may be a real key sent to the wrong place.
/** 401 for a request without a key; `xApiKey` where `x-api-key` is taken too (tenant requests). */
export const missingKeyError = (xApiKey = false) =>
  new GatewayError(
    'invalid_api_key',
    `You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>'${xApiKey ? ' (or in x-api-key)' : ''}.`,
  );
/** 401 for a bearer key that is not configured. */
export const wrongKeyError = () => new GatewayError('invalid_api_key', 'Incorrect API key provided.');

/**
 * Whether an operator endpoint needs a key under this configuration. `admin`: once tenant keys or
 * an admin key exist (with tenant keys but no admin key it is closed to all, not open to every
 * tenant). `metrics`: once any key exists, tenant, admin or metrics. An open gateway (no key at
 * all) keeps both open.
 */
export function operatorEndpointGuarded(keys: KeyRing, scope: OperatorScope): boolean {
  return keys.enabled || keys.hasAdminKey || (scope === 'metrics' && keys.hasMetricsKey);
}

/**
 * Who may call an operator endpoint, decided in one place for the API and the supervisor:
 * undefined when the request may go on, else the error to answer. The admin key opens both
 * scopes, the metrics key only `metrics`; any other known key (a tenant's) gets 403, an unknown
 * or missing one 401.
 */
export function operatorAccessError(keys: KeyRing, authorization: string | undefined, scope: OperatorScope): GatewayError | undefined {
  if (!operatorEndpointGuarded(keys, scope)) return undefined;
  const token = bearerToken(authorization);
  if (token === undefined) return missingKeyError();
  const owner = keys.identify(token);
  if (owner === ADMIN || (scope === 'metrics' && owner === METRICS)) return undefined;
  if (owner === undefined) return wrongKeyError();
  return new GatewayError('permission_denied', deniedMessage(keys, scope, owner === METRICS));
}

function deniedMessage(keys: KeyRing, scope: OperatorScope, metricsKey: boolean): string {
  if (scope === 'admin') {
    if (!keys.hasAdminKey) return 'This endpoint needs the admin key, and none is configured.';
    return metricsKey ? 'This endpoint needs the admin key; the metrics key opens /metrics only.' : 'This endpoint needs the admin key; a tenant key is not enough.';
  }
  return keys.hasAdminKey || keys.hasMetricsKey
    ? 'This endpoint needs the metrics key or the admin key; a tenant key is not enough.'
    : 'This endpoint needs the metrics key (LLM_METRICS_KEY) or the admin key, and neither is configured.';
}

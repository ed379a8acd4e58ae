import { createHash } from 'node:crypto';
import type { ChatRequest } from '@llm-gateway/shared';

/**
 * JSON with object keys sorted at every depth, so two requests that differ only in the key order
 * of client-provided objects (tool parameter schemas, response formats) get the same text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The cache key of a request: a digest of the tenant and the whole normalized request (model,
 * messages, sampling, tools…), so only an exact repeat by the same tenant can hit. Normalization
 * already made `max_tokens` and `max_completion_tokens`, string and text-part content, `system`
 * and `developer` alike. Streaming is not part of it: one cached answer serves both shapes.
 */
export function cacheKey(tenant: string, request: ChatRequest): string {
  return createHash('sha256').update(tenant).update('\n').update(canonicalJson(request)).digest('base64url');
}

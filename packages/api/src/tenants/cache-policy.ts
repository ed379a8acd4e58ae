import type { ChatRequest } from '@llm-gateway/shared';

/** What the `x-llm-cache` response header reports. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** The request header a client sets to opt in (`use`) or out (`bypass`). */
export const CACHE_HEADER = 'x-llm-cache';

/**
 * Whether a request may be answered from (and stored in) the cache. By default only
 * deterministic requests (`temperature: 0`) are: a repeat of a sampled request expects a fresh
 * sample. `x-llm-cache: use` opts any request in, `bypass` opts it out; other values are ignored.
 */
export function wantsCache(header: string | undefined, request: Pick<ChatRequest, 'temperature'>): boolean {
  const choice = header?.trim().toLowerCase();
  if (choice === 'bypass') return false;
  if (choice === 'use') return true;
  return request.temperature === 0;
}

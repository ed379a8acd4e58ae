import type { CollectedAnswer } from '@llm-gateway/shared';

/** A finished, successful answer as the cache holds it. */
export type CachedAnswer = CollectedAnswer;

/** Answers by cache key, scoped per tenant. */
export interface ResponseCache {
  get(tenant: string, key: string): Promise<CachedAnswer | undefined>;
  set(tenant: string, key: string, answer: CachedAnswer, ttlSeconds: number): Promise<void>;
}

export interface MemoryResponseCacheOptions {
  /** `LLM_CACHE_MAX_ENTRIES`. @defaultValue 1000 */
  maxEntries?: number;
  /** Answers longer than this (characters) are not kept. @defaultValue 1_048_576 */
  maxAnswerChars?: number;
  /** @defaultValue `Date.now` */
  now?: () => number;
}

/**
 * The embedded gateway's cache: a bounded LRU in this process. A Map keeps insertion order, so
 * re-inserting on every hit makes its first key the least recently used.
 */
export function createMemoryResponseCache(options: MemoryResponseCacheOptions = {}): ResponseCache {
  const { maxEntries = 1000, maxAnswerChars = 1_048_576, now = Date.now } = options;
  const entries = new Map<string, { answer: CachedAnswer; expiresAt: number }>();
  // The tenant is part of the map key as well as of the digest: scoping does not rest on one place.
  const slot = (tenant: string, key: string) => `${tenant}\n${key}`;
  return {
    get(tenant, key) {
      const id = slot(tenant, key);
      const entry = entries.get(id);
      if (!entry) return Promise.resolve(undefined);
      entries.delete(id);
      if (entry.expiresAt <= now()) return Promise.resolve(undefined);
      entries.set(id, entry);
      return Promise.resolve(entry.answer);
    },
    set(tenant, key, answer, ttlSeconds) {
      if (ttlSeconds <= 0 || answerSize(answer) > maxAnswerChars) return Promise.resolve();
      const id = slot(tenant, key);
      entries.delete(id);
      entries.set(id, { answer, expiresAt: now() + ttlSeconds * 1000 });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return Promise.resolve();
    },
  };
}

function answerSize(answer: CachedAnswer): number {
  return answer.text.length + answer.toolCalls.reduce((sum, call) => sum + call.arguments.length + call.name.length, 0);
}

/** Checks a value read back from Redis before serving it: anything else is a miss. */
export function isCachedAnswer(value: unknown): value is CachedAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Partial<CachedAnswer>;
  return (
    typeof answer.text === 'string' &&
    Array.isArray(answer.toolCalls) &&
    typeof answer.finishReason === 'string' &&
    typeof answer.usage === 'object' &&
    answer.usage !== null &&
    typeof answer.usage.promptTokens === 'number' &&
    typeof answer.usage.completionTokens === 'number'
  );
}

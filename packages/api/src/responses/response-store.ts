import type { ChatMessage } from '@llm-gateway/shared';

/**
 * The conversations of stored responses, per tenant, for `previous_response_id`: what a response
 * was asked (its input, after any earlier response it continued) and what it answered. Bounded
 * by entries per tenant (the oldest go first), by age, and by size per entry.
 */
export interface ResponseStore {
  /** Whether anything is kept at all (`LLM_RESPONSE_STORE_ENTRIES` > 0). */
  readonly enabled: boolean;
  /** The conversation up to and including response `id`, or undefined when it is not (or no longer) kept. */
  get(tenant: string, id: string): Promise<ChatMessage[] | undefined>;
  /** Keeps a conversation; false when it was not kept (over the size cap, or the store is off). */
  set(tenant: string, id: string, conversation: ChatMessage[]): Promise<boolean>;
}

export interface ResponseStoreOptions {
  /** Conversations kept per tenant; 0 keeps none. @defaultValue 100 */
  maxEntries?: number;
  /** Seconds a conversation is kept. @defaultValue 3600 */
  ttlSeconds?: number;
  /** The longest conversation kept, in bytes of JSON. @defaultValue {@link MAX_STORED_BYTES} */
  maxBytes?: number;
}

/**
 * The largest conversation kept: a chain of responses grows with every turn, and the store must
 * stay bounded in memory (100 entries × tenants × this at most).
 */
export const MAX_STORED_BYTES = 512 * 1024;

/** The store of one process (embedded mode): a map per tenant, in insertion order, so the oldest is first. */
export function createMemoryResponseStore(options: ResponseStoreOptions = {}): ResponseStore {
  const { maxEntries = 100, ttlSeconds = 3600, maxBytes = MAX_STORED_BYTES } = options;
  const tenants = new Map<string, Map<string, { json: string; expiresAt: number }>>();
  return {
    enabled: maxEntries > 0,
    async get(tenant, id) {
      const entries = tenants.get(tenant);
      const entry = entries?.get(id);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries!.delete(id);
        return undefined;
      }
      return JSON.parse(entry.json) as ChatMessage[];
    },
    async set(tenant, id, conversation) {
      if (maxEntries <= 0) return false;
      // Kept as JSON: a copy the caller cannot change, and its size is what is bounded.
      const json = JSON.stringify(conversation);
      if (json.length > maxBytes) return false;
      let entries = tenants.get(tenant);
      if (!entries) tenants.set(tenant, (entries = new Map()));
      entries.set(id, { json, expiresAt: Date.now() + ttlSeconds * 1000 });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return true;
    },
  };
}

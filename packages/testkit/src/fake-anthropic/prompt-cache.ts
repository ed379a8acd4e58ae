import { createHash } from 'node:crypto';
import { estimateTokens } from './anthropic-events.ts';

/**
 * A model of Anthropic's prompt cache, for the fake API (see `latency-model.ts`), as the API
 * documents it: a request is read as one sequence of blocks, tools, then system, then each message's
 * content blocks; a block marked with `cache_control` is a breakpoint, and the prefix ending there
 * is written to the cache (if it is long enough) for a TTL that each hit renews. A later request
 * whose prefix matches a stored one, checked at every block boundary up to 20 blocks before each
 * of its breakpoints, reads that prefix from the cache. `cache_control` itself is not part of what
 * is matched, and a string `content` is the same as one text block, as on the real API.
 */
export interface PromptCacheOptions {
  /** How long a stored prefix lives after it was last written or read, unless its block asks for `ttl: '1h'`. @defaultValue 300_000 (the API's 5 minutes) */
  ttlMs?: number;
  /** The shortest prefix, in tokens, that is stored. @defaultValue 1024 (Sonnet and Opus; Haiku's is 2048) */
  minCacheableTokens?: number;
  /** Block boundaries before a breakpoint, the breakpoint's own included, that are checked for a hit. @defaultValue 20 */
  lookbackBlocks?: number;
  /** @defaultValue Date.now */
  now?: () => number;
  /** @defaultValue {@link estimateTokens} (about four characters a token) */
  countTokens?: (text: string) => number;
}

/** How a request's input tokens split, as the API's `usage` reports them (they add up to the whole input). */
export interface CacheAccount {
  /** Input neither read from nor written to the cache (`input_tokens`). */
  inputTokens: number;
  /** Input read from a stored prefix (`cache_read_input_tokens`). */
  cacheReadTokens: number;
  /** Input written to the cache by this request's breakpoints (`cache_creation_input_tokens`). */
  cacheCreationTokens: number;
}

/** One block of a request as the cache sees it. */
export interface PromptBlock {
  /** What identifies the block's content: where it is (tool, system, role) and the block without `cache_control`. */
  key: string;
  tokens: number;
  /** Set on a breakpoint: how long the prefix ending here is kept. */
  ttlMs?: number;
}

export interface PromptCache {
  /** Splits `body`'s input into read, written and plain tokens, and stores and renews prefixes as the API would. */
  account(body: unknown): CacheAccount;
  /** Live stored prefixes. */
  readonly size: number;
}

const ONE_HOUR_MS = 3_600_000;

/** The blocks of a Messages API request body, in the order the cache reads them. */
export function promptBlocks(body: any, defaultTtlMs: number, countTokens: (text: string) => number = estimateTokens): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const add = (where: string, block: unknown) => {
    const { cache_control: cacheControl, ...content } = (typeof block === 'object' && block !== null ? block : { type: 'text', text: String(block) }) as Record<string, any>;
    const key = `${where}:${JSON.stringify(content)}`;
    const entry: PromptBlock = { key, tokens: countTokens(JSON.stringify(content)) };
    if (cacheControl !== undefined && cacheControl !== null) entry.ttlMs = cacheControl.ttl === '1h' ? ONE_HOUR_MS : defaultTtlMs;
    blocks.push(entry);
  };
  for (const tool of Array.isArray(body?.tools) ? body.tools : []) add('tool', tool);
  if (typeof body?.system === 'string') add('system', { type: 'text', text: body.system });
  else for (const block of Array.isArray(body?.system) ? body.system : []) add('system', block);
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    const role = String(message?.role);
    if (typeof message?.content === 'string') add(role, { type: 'text', text: message.content });
    else for (const block of Array.isArray(message?.content) ? message.content : []) add(role, block);
  }
  return blocks;
}

/** Creates an empty prompt cache (one per fake API: the real cache is per organization and model). */
export function createPromptCache(options: PromptCacheOptions = {}): PromptCache {
  const { ttlMs = 300_000, minCacheableTokens = 1024, lookbackBlocks = 20, now = Date.now, countTokens = estimateTokens } = options;
  /** Prefix hash → when it expires, and the TTL a hit renews it for. */
  const stored = new Map<string, { expiresAt: number; ttlMs: number }>();

  const purge = (at: number) => {
    for (const [hash, entry] of stored) if (entry.expiresAt <= at) stored.delete(hash);
  };

  return {
    get size() {
      purge(now());
      return stored.size;
    },
    account(body) {
      const at = now();
      purge(at);
      const blocks = promptBlocks(body, ttlMs, countTokens);
      // Prefix hashes and token counts through each block; the model is part of the first, as a cache is per model.
      const hashes: string[] = [];
      const totals: number[] = [];
      let previous = createHash('sha256').update(String((body as { model?: unknown })?.model)).digest('hex');
      let total = 0;
      for (const block of blocks) {
        previous = createHash('sha256').update(previous).update(block.key).digest('hex');
        total += block.tokens;
        hashes.push(previous);
        totals.push(total);
      }
      const breakpoints = blocks.flatMap((block, index) => (block.ttlMs === undefined ? [] : [index]));
      // The longest stored prefix found within the lookback of any breakpoint.
      let hit = -1;
      for (const breakpoint of breakpoints) {
        for (let index = breakpoint; index >= Math.max(0, breakpoint - lookbackBlocks + 1); index--) {
          if (stored.has(hashes[index]!)) {
            hit = Math.max(hit, index);
            break;
          }
        }
      }
      const cacheReadTokens = hit >= 0 ? totals[hit]! : 0;
      if (hit >= 0) {
        const entry = stored.get(hashes[hit]!)!;
        entry.expiresAt = at + entry.ttlMs;
      }
      let written = cacheReadTokens;
      for (const breakpoint of breakpoints) {
        if (breakpoint <= hit || totals[breakpoint]! < minCacheableTokens) continue;
        const entryTtl = blocks[breakpoint]!.ttlMs!;
        stored.set(hashes[breakpoint]!, { expiresAt: at + entryTtl, ttlMs: entryTtl });
        written = Math.max(written, totals[breakpoint]!);
      }
      const cacheCreationTokens = written - cacheReadTokens;
      return { inputTokens: total - written, cacheReadTokens, cacheCreationTokens };
    },
  };
}

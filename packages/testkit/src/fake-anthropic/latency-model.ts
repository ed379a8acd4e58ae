import { createPromptCache, type CacheAccount, type PromptCacheOptions } from './prompt-cache.ts';

/**
 * An opt-in latency model for the fake Anthropic API: how long a real upstream takes to its first
 * token. It is a fixed cost per request plus prefill, which grows with the input the model has to
 * process: every token not read from the prompt cache costs {@link LatencyModelOptions.uncachedTokenMs}
 * (tokens written to the cache are processed too), every token read from it a tenth as much by
 * default. The defaults are round figures from public numbers (bench/RESULTS.md, cli-tools
 * section): the spec's 500–700 ms warm latency, and Anthropic's own cookbook, where an uncached
 * 187k-token prompt took ~5–7 s to answer with a few tokens.
 */
export interface LatencyModelOptions extends PromptCacheOptions {
  /** Fixed time to first token of any request, in ms. @defaultValue 500 */
  baseMs?: number;
  /** ms per input token not read from the cache (`input_tokens` + `cache_creation_input_tokens`). @defaultValue 0.03 */
  uncachedTokenMs?: number;
  /** ms per token read from the cache (`cache_read_input_tokens`). @defaultValue 0.003 */
  cachedTokenMs?: number;
}

/** What the model decides for one request: the wait before the answer starts, and the usage it reports. */
export interface LatencyPlan {
  delayMs: number;
  usage: CacheAccount;
}

export interface LatencyModel {
  /** Accounts `body` against the prompt cache (storing and renewing prefixes) and says how long it takes. */
  plan(body: unknown): LatencyPlan;
}

/** Creates a latency model with a prompt cache of its own. */
export function createLatencyModel(options: LatencyModelOptions = {}): LatencyModel {
  const { baseMs = 500, uncachedTokenMs = 0.03, cachedTokenMs = 0.003, ...cacheOptions } = options;
  const cache = createPromptCache(cacheOptions);
  return {
    plan(body) {
      const usage = cache.account(body);
      const uncached = usage.inputTokens + usage.cacheCreationTokens;
      return { delayMs: baseMs + uncached * uncachedTokenMs + usage.cacheReadTokens * cachedTokenMs, usage };
    },
  };
}

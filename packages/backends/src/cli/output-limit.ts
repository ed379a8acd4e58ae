import { countTextTokens, truncateToTokens } from '@llm-gateway/shared';

/** What passes the limit for one delta, and whether the answer must end there. */
export interface LimitedText {
  text: string;
  /** Set once a stop sequence or the token limit has been reached: emit `text`, then finish. */
  finish?: 'stop' | 'length';
}

/**
 * Applies `stop` sequences and `max_tokens` to a streamed answer on the gateway side, since the
 * CLI has no per-prompt switch for either. Text that might be the start of a stop sequence is held
 * back until the next delta shows it is not. Tokens are counted with an OpenAI tokenizer, an
 * estimate of Claude's count: good enough for a cap, not for billing.
 */
export function createOutputLimit(options: { stop?: readonly string[]; maxTokens?: number }) {
  const stops = (options.stop ?? []).filter((stop) => stop !== '');
  const holdBack = stops.reduce((longest, stop) => Math.max(longest, stop.length - 1), 0);
  const maxTokens = options.maxTokens;
  let held = '';
  let tokens = 0;
  let emitted = '';
  let finished = false;

  /**
   * Counts tokens of text about to be emitted; cuts it at the cap. With stop sequences and no cap
   * the count is still kept: a stop cut interrupts the turn, and the CLI reports no usage for it.
   */
  function spend(text: string): LimitedText {
    if (text === '' || (maxTokens === undefined && stops.length === 0)) return { text };
    if (maxTokens === undefined) {
      // Counted whole when asked for: fragments split mid-word would count more tokens than the text has.
      emitted += text;
      return { text };
    }
    const cost = countTextTokens(text);
    if (tokens + cost <= maxTokens) {
      tokens += cost;
      return { text };
    }
    const allowed = Math.max(0, maxTokens - tokens);
    tokens = maxTokens;
    return { text: truncateToTokens(text, allowed), finish: 'length' };
  }

  return {
    /** Whether the limit has ended the answer. */
    get finished() {
      return finished;
    },
    /** Tokens emitted so far, by the estimate. */
    get tokens() {
      return maxTokens === undefined ? countTextTokens(emitted) : tokens;
    },
    push(delta: string): LimitedText {
      if (finished) return { text: '' };
      held += delta;
      let cut = -1;
      for (const stop of stops) {
        const index = held.indexOf(stop);
        if (index >= 0 && (cut < 0 || index < cut)) cut = index;
      }
      if (cut >= 0) {
        const spent = spend(held.slice(0, cut));
        held = '';
        finished = true;
        return { text: spent.text, finish: spent.finish ?? 'stop' };
      }
      const ready = held.slice(0, Math.max(0, held.length - holdBack));
      held = held.slice(ready.length);
      const spent = spend(ready);
      if (spent.finish) finished = true;
      return spent;
    },
    /** The held-back tail, once the answer has ended by itself. */
    flush(): LimitedText {
      if (finished) return { text: '' };
      const rest = held;
      held = '';
      const spent = spend(rest);
      if (spent.finish) finished = true;
      return spent;
    },
  };
}

export type OutputLimit = ReturnType<typeof createOutputLimit>;

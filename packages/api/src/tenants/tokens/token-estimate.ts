import type { ChatMessage, ChatRequest } from '@llm-gateway/shared';
import { countTextTokens } from './count-text-tokens.ts';
import type { TokenCountPool } from './token-count-pool.ts';

/** The text of a request, message by message, with what it costs to measure. */
export interface PromptText {
  messages: number;
  /** Total length of `texts` in UTF-16 code units. */
  chars: number;
  texts: string[];
}

function messageText(message: ChatMessage): string {
  switch (message.role) {
    case 'user': {
      const parts = message.content;
      if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
      return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    }
    case 'assistant':
      return message.toolCalls ? message.content + message.toolCalls.map((call) => call.arguments).join('') : message.content;
    default:
      return message.content;
  }
}

/** The texts to count: each message's, and the tool definitions as JSON. No tokenizer runs here. */
export function promptText(request: ChatRequest): PromptText {
  const texts = request.messages.map(messageText);
  if (request.tools) texts.push(JSON.stringify(request.tools));
  let chars = 0;
  for (const text of texts) chars += text.length;
  return { messages: request.messages.length, chars, texts };
}

/** OpenAI's chat framing: 3 tokens to prime the answer, 4 around each message (as the mock counts). */
function framing(prompt: PromptText): number {
  return 3 + 4 * prompt.messages;
}

/**
 * A bound no tokenizer can exceed: a token covers at least one UTF-8 byte, and a UTF-16 code unit
 * is at most 3 bytes. When even this fits the context window, nothing needs counting.
 */
export function promptTokenUpperBound(prompt: PromptText): number {
  return framing(prompt) + 3 * prompt.chars;
}

export interface PromptTokenCounterOptions {
  /** Counts large prompts off the event loop; without it everything is counted inline. */
  pool?: TokenCountPool | undefined;
  /**
   * Prompts up to this many characters are counted inline: about 0.5 ms of tokenizer at the
   * ~30 M chars/s measured here, no more than a hand-off to a worker costs
   * (bench/tokenizer-event-loop.ts). @defaultValue 16_384
   */
  inlineMaxChars?: number;
}

/** Prompt tokens (o200k estimate): inline for small prompts, on the worker pool for large ones. */
export function createPromptTokenCounter(options: PromptTokenCounterOptions = {}) {
  const { pool, inlineMaxChars = 16_384 } = options;
  return async (prompt: PromptText): Promise<number> => {
    const content = pool && prompt.chars > inlineMaxChars ? await pool.count(prompt.texts) : countTextTokens(prompt.texts);
    return framing(prompt) + content;
  };
}

export type PromptTokenCounter = ReturnType<typeof createPromptTokenCounter>;

import type { ChatMessage, ChatRequest } from '@llm-gateway/shared';
import { countTextTokens } from './count-text-tokens.ts';
import type { TokenCountPool } from './token-count-pool.ts';

/** How big a request's text is, measured without copying or tokenizing anything. */
export interface PromptSize {
  messages: number;
  /** Total length of the texts {@link promptTexts} returns, in UTF-16 code units. */
  chars: number;
  /** What the images of the user messages count for, in tokens ({@link IMAGE_TOKENS} each). */
  imageTokens: number;
}

/**
 * An image's tokens in the estimate, without fetching or decoding it: about what Claude charges
 * for a large one (it scales images to ~1.15 megapixels, width × height / 750 ≈ 1,600 tokens),
 * whatever `detail` says (the Claude backends ignore it). An estimate, not a bound: OpenAI's mini
 * models bill images at several times that. TPM is corrected to the real usage once the answer
 * reports it.
 */
export const IMAGE_TOKENS = 1_600;

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

/** The length of a message other than a user's (whose parts {@link promptSize} walks itself). */
function messageLength(message: Exclude<ChatMessage, { role: 'user' }>): number {
  switch (message.role) {
    case 'assistant': {
      let length = message.content.length;
      for (const call of message.toolCalls ?? []) length += call.arguments.length;
      return length;
    }
    default:
      return message.content.length;
  }
}

/** The texts to count: each message's, and the tool definitions as JSON. */
export function promptTexts(request: ChatRequest): string[] {
  const texts = request.messages.map(messageText);
  if (request.tools) texts.push(JSON.stringify(request.tools));
  return texts;
}

/** Runs on every request: a loop over the messages, no allocation. */
export function promptSize(request: ChatRequest): PromptSize {
  let chars = 0;
  let images = 0;
  for (const message of request.messages) {
    if (message.role !== 'user') {
      chars += messageLength(message);
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text') chars += part.text.length;
      else if (part.type === 'image') images += IMAGE_TOKENS;
    }
  }
  // Tool definitions are usually small and rare: measuring them exactly needs their JSON.
  if (request.tools) chars += JSON.stringify(request.tools).length;
  return { messages: request.messages.length, chars, imageTokens: images };
}

/** OpenAI's chat framing: 3 tokens to prime the answer, 4 around each message (as the mock counts); and the images. */
function framing(prompt: PromptSize): number {
  return 3 + 4 * prompt.messages + prompt.imageTokens;
}

/**
 * A bound no tokenizer can exceed for the text: a token covers at least one UTF-8 byte, and a
 * UTF-16 code unit is at most 3 bytes (images at their estimate). When even this fits the context
 * window, nothing needs counting.
 */
export function promptTokenUpperBound(prompt: PromptSize): number {
  return framing(prompt) + 3 * prompt.chars;
}

export interface PromptTokenCounterOptions {
  /** Counts large prompts off the event loop; without it everything is counted inline. */
  pool?: TokenCountPool | undefined;
  /**
   * Prompts up to this many characters are counted inline: at most about half a millisecond of
   * event loop, which is about what a round trip to a worker takes for such a prompt
   * (measured in bench/tokenizer-event-loop.ts). @defaultValue 8_192
   */
  inlineMaxChars?: number;
}

/** Prompt tokens (o200k estimate): inline for small prompts, on the worker pool for large ones. */
export function createPromptTokenCounter(options: PromptTokenCounterOptions = {}) {
  const { pool, inlineMaxChars = 8_192 } = options;
  return async (request: ChatRequest, size: PromptSize = promptSize(request)): Promise<number> => {
    const texts = promptTexts(request);
    const content = pool && size.chars > inlineMaxChars ? await pool.count(texts) : countTextTokens(texts);
    return framing(size) + content;
  };
}

export type PromptTokenCounter = ReturnType<typeof createPromptTokenCounter>;

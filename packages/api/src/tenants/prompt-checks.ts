import { GatewayError } from '@llm-gateway/shared';
import type { PromptSize } from './tokens/token-estimate.ts';

export interface PromptCaps {
  /** `LLM_MAX_MESSAGES`. */
  maxMessages: number;
  /** `LLM_MAX_PROMPT_CHARS`. */
  maxPromptChars: number;
}

/**
 * Refuses prompts too long to be worth reading further: they also bound the work a tokenizer
 * could be asked to do. OpenAI's wording for the message count.
 * @throws GatewayError `invalid_value` on `messages`.
 */
export function checkPromptCaps(prompt: PromptSize, caps: PromptCaps): void {
  if (prompt.messages > caps.maxMessages) {
    throw new GatewayError(
      'invalid_value',
      `Invalid 'messages': array too long. Expected an array with maximum length ${caps.maxMessages}, but got an array with length ${prompt.messages} instead.`,
      { param: 'messages' },
    );
  }
  if (prompt.chars > caps.maxPromptChars) {
    throw new GatewayError(
      'invalid_value',
      `Invalid 'messages': the prompt is ${prompt.chars} characters long; at most ${caps.maxPromptChars} are accepted.`,
      { param: 'messages' },
    );
  }
}

/** OpenAI's 400 for a prompt and completion that do not fit the model's context window. */
export function contextLengthError(window: number, promptTokens: number, completionTokens: number): GatewayError {
  const requested = promptTokens + completionTokens;
  const detail = completionTokens > 0 ? ` (${promptTokens} in the messages, ${completionTokens} in the completion)` : ` in the messages`;
  return new GatewayError(
    'context_length_exceeded',
    `This model's maximum context length is ${window} tokens. However, you requested ${requested} tokens${detail}. Please reduce the length of the messages or completion.`,
    { param: 'messages' },
  );
}

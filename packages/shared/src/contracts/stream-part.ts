import type { SerializedGatewayError } from '../errors/gateway-error.ts';

/** Why the model stopped, in OpenAI's words. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens read from a prompt cache, where the backend reports them. */
  cachedPromptTokens?: number;
  /**
   * Completion tokens spent on reasoning, where the backend knows them (an OpenAI upstream's
   * `completion_tokens_details`; 0 on the api backend, which never turns extended thinking on).
   */
  reasoningTokens?: number;
  /**
   * What the backend says the request cost, in US dollars, where it says so (the CLI's
   * `total_cost_usd`: subscription use draws on a monthly credit). Never sent to clients.
   */
  costUsd?: number;
}

/**
 * What a backend produces for one request: a stream of typed parts. A non-streaming response is
 * the same stream, collected. A well-formed stream ends with exactly one `finish` or `error`.
 */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | {
      type: 'tool-call-delta';
      /** Position of the call in the answer; deltas of one call share it. */
      index: number;
      /** Present on the first delta of a call. */
      id?: string;
      name?: string;
      argumentsDelta: string;
    }
  | { type: 'usage'; usage: Usage }
  | {
      type: 'finish';
      finishReason: FinishReason;
      /** The stop sequence the answer ended at (a `stop` finish), where the backend says which. */
      stopSequence?: string;
    }
  | { type: 'error'; error: SerializedGatewayError };

import type { FinishReason } from '@llm-gateway/shared';

/**
 * Anthropic's `stop_reason` in OpenAI's words. A `tool_use` stop whose only call was the forced
 * JSON answer is a normal stop for the client (`toolCallsMade: false`).
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined, toolCallsMade: boolean): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return toolCallsMade ? 'tool_calls' : 'stop';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      return 'stop';
  }
}

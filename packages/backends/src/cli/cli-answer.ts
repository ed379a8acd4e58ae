import { GatewayError, type ChatRequest, type StreamPart, type Usage } from '@llm-gateway/shared';
import { mapResultError, mapStopReason, mapUsage } from './map-cli-result.ts';
import { createOutputLimit } from './output-limit.ts';
import { MENTION_BREAK } from './prompt-neutralize.ts';
import { textDeltaOf, type CliMessage, type CliResult } from './protocol.ts';

/** What one CLI output line means for the answer being built. */
export interface AnswerStep {
  parts: StreamPart[];
  /** The answer is complete before the CLI's turn is: interrupt the rest of the turn. */
  cutShort?: boolean;
}

/**
 * Turns the CLI's output for one prompt into stream parts: top-level text deltas (after `stop`
 * and `max_tokens`), then usage and finish from the `result` line, or one error. Only streamed
 * deltas become text: an `assistant` line repeats them, and on an API error it carries the
 * CLI's own error text, which is not an answer.
 */
export function createAnswerBuilder(request: ChatRequest) {
  const limit = createOutputLimit({ ...(request.stop ? { stop: request.stop } : {}), ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }) });
  let promptTokens = 0;
  let done = false;

  function finishParts(usage: Usage, finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls'): StreamPart[] {
    done = true;
    return [{ type: 'usage', usage }, { type: 'finish', finishReason }];
  }

  return {
    get done() {
      return done;
    },
    message(message: CliMessage): AnswerStep {
      if (done) return { parts: [] };
      notePromptTokens(message);
      const raw = textDeltaOf(message);
      if (raw === undefined) return { parts: [] };
      // A model quoting the prompt may copy the joiners that broke its mentions: the client never sent them.
      const delta = raw.includes(MENTION_BREAK) ? raw.replaceAll(MENTION_BREAK, '') : raw;
      const limited = limit.push(delta);
      const parts: StreamPart[] = limited.text === '' ? [] : [{ type: 'text-delta', text: limited.text }];
      if (!limited.finish) return { parts };
      // The CLI reports no usage for an interrupted turn: use what the stream said and our count.
      parts.push(...finishParts({ promptTokens, completionTokens: limit.tokens }, limited.finish));
      return { parts, cutShort: true };
    },
    result(result: CliResult): StreamPart[] {
      if (done) return [];
      if (result.is_error) {
        done = true;
        return [{ type: 'error', error: mapResultError(result).toJSON() }];
      }
      const rest = limit.flush();
      const parts: StreamPart[] = rest.text === '' ? [] : [{ type: 'text-delta', text: rest.text }];
      const finishReason = rest.finish ?? mapStopReason(result.stop_reason);
      return [...parts, ...finishParts(mapUsage(result), finishReason)];
    },
    /** The session died before the turn ended. */
    failure(reason: string): StreamPart[] {
      if (done) return [];
      done = true;
      return [{ type: 'error', error: new GatewayError('upstream_error', `The Claude CLI session ended in the middle of the answer (${reason}).`).toJSON() }];
    },
  };

  function notePromptTokens(message: CliMessage): void {
    if (message.type !== 'stream_event' || message.parent_tool_use_id) return;
    const event = message.event as { type?: string; message?: { usage?: Record<string, number | undefined> } } | undefined;
    const usage = event?.type === 'message_start' ? event.message?.usage : undefined;
    if (usage) promptTokens = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
  }
}

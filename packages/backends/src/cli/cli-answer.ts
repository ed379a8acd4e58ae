import { GatewayError, type ChatRequest, type StreamPart, type Usage } from '@llm-gateway/shared';
import { mapResultError, mapStopReason, mapUsage } from './map-cli-result.ts';
import { createOutputLimit, type LimitedText } from './output-limit.ts';
import { MENTION_BREAK } from './prompt-neutralize.ts';
import { MCP_TOOL_PREFIX } from './cli-mcp-server.ts';
import { CliToolCalls } from './cli-tool-calls.ts';
import { CLI_JSON_TOOL, JsonAnswer, jsonFormatOf } from './cli-json-answer.ts';
import { textDeltaOf, type CliMessage, type CliResult } from './protocol.ts';

/** What one CLI output line means for the answer being built. */
export interface AnswerStep {
  parts: StreamPart[];
  /** The answer is complete before the CLI's turn is: interrupt the rest of the turn, or park it. */
  cutShort?: boolean;
  /** Set when the answer ended in these tool calls: the turn can wait for their results. */
  toolCallIds?: readonly string[];
}

export interface AnswerBuilderOptions {
  /**
   * Take usage from the stream's last API call rather than the `result` line, which counts the
   * whole turn: for a resumed turn, whose earlier calls were the previous request's.
   * @defaultValue false
   */
  usageFromStream?: boolean;
}

/**
 * Turns the CLI's output for one prompt into stream parts: top-level text deltas (after `stop`
 * and `max_tokens`), then usage and finish from the `result` line, or one error. Only streamed
 * deltas become text: an `assistant` line repeats them, and on an API error it carries the
 * CLI's own error text, which is not an answer.
 */
export function createAnswerBuilder(request: ChatRequest, options: AnswerBuilderOptions = {}) {
  const limit = createOutputLimit({ ...(request.stop ? { stop: request.stop } : {}), ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }) });
  const format = jsonFormatOf(request);
  const json = format ? new JsonAnswer(format) : undefined;
  const toolCalls = new CliToolCalls(json ? CLI_JSON_TOOL : undefined);
  const cleaner = new TextCleaner();
  let promptTokens = 0;
  /** Of `promptTokens`, those the upstream read from its prompt cache. */
  let cachedPromptTokens = 0;
  let done = false;

  /** Usage of the stream's last API call: what a turn cut short, or a resumed one, reports. */
  function streamUsage(completionTokens: number): Usage {
    return { promptTokens, completionTokens, ...(cachedPromptTokens > 0 ? { cachedPromptTokens } : {}) };
  }

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
      const calls = toolCalls.push(message);
      if (calls.stopped && json && toolCalls.json !== undefined && toolCalls.ids.length === 0) {
        // The answer tool was called: its input, streamed already, is the whole answer.
        return { parts: [...calls.parts, ...endJson(json, streamUsage(toolCalls.outputTokens))], cutShort: true };
      }
      if (calls.stopped) {
        // The model wants its calls run: the answer ends here, with every call of the message.
        const rest = drain().text;
        const parts: StreamPart[] = [...(rest === '' ? [] : [{ type: 'text-delta' as const, text: rest }]), ...calls.parts];
        parts.push(...finishParts(streamUsage(toolCalls.outputTokens), 'tool_calls'));
        return { parts, cutShort: true, toolCallIds: toolCalls.ids };
      }
      if (calls.parts.length > 0) return { parts: calls.parts };
      const raw = textDeltaOf(message);
      if (raw === undefined) return { parts: [] };
      const delta = cleaner.push(raw);
      if (json) {
        json.hold(delta);
        return { parts: [] };
      }
      const limited = limit.push(delta);
      const parts: StreamPart[] = limited.text === '' ? [] : [{ type: 'text-delta', text: limited.text }];
      if (!limited.finish) return { parts };
      // The CLI reports no usage for an interrupted turn: use what the stream said and our count.
      parts.push(...finishParts(streamUsage(limit.tokens), limited.finish));
      return { parts, cutShort: true };
    },
    result(result: CliResult): StreamPart[] {
      if (done) return [];
      if (result.is_error) {
        done = true;
        return [{ type: 'error', error: mapResultError(result).toJSON() }];
      }
      const turn = mapUsage(result);
      // The result line's cost stays: it is what the CLI reckons the turn cost.
      const usage = options.usageFromStream ? { ...streamUsage(toolCalls.outputTokens), ...(turn.costUsd === undefined ? {} : { costUsd: turn.costUsd }) } : turn;
      if (json) {
        json.hold(cleaner.flush());
        return endJson(json, usage);
      }
      const rest = drain();
      const parts: StreamPart[] = rest.text === '' ? [] : [{ type: 'text-delta', text: rest.text }];
      return [...parts, ...finishParts(usage, rest.finish ?? mapStopReason(result.stop_reason))];
    },
    /** The session died before the turn ended. */
    failure(reason: string): StreamPart[] {
      if (done) return [];
      done = true;
      return [{ type: 'error', error: new GatewayError('upstream_error', `The Claude CLI session ended in the middle of the answer (${reason}).`).toJSON() }];
    },
  };

  /** The end of a JSON answer: its text if held, then usage and `stop`; or why it is not valid. */
  function endJson(answer: JsonAnswer, usage: Usage): StreamPart[] {
    const end = answer.end(toolCalls.json);
    done = true;
    if ('error' in end) return [{ type: 'error', error: end.error.toJSON() }];
    return [...end.parts, ...finishParts(usage, 'stop')];
  }

  /** The text still held back (by the cleaner, then by the limit), once the answer ends. */
  function drain(): LimitedText {
    const held = cleaner.flush();
    const pushed = held === '' ? { text: '' } : limit.push(held);
    if (pushed.finish) return pushed;
    const rest = limit.flush();
    return { text: pushed.text + rest.text, ...(rest.finish ? { finish: rest.finish } : {}) };
  }

  function notePromptTokens(message: CliMessage): void {
    if (message.type !== 'stream_event' || message.parent_tool_use_id) return;
    const event = message.event as { type?: string; message?: { usage?: Record<string, number | undefined> } } | undefined;
    const usage = event?.type === 'message_start' ? event.message?.usage : undefined;
    if (!usage) return;
    cachedPromptTokens = usage.cache_read_input_tokens ?? 0;
    promptTokens = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cachedPromptTokens;
  }
}

/**
 * Text as the client should read it: a model quoting the prompt may copy the joiners that broke
 * its mentions, or name a tool the way the CLI showed it (`mcp__gw__name`); the client sent
 * neither. A delta that ends in what may be the start of the prefix is held back until the next.
 */
class TextCleaner {
  #held = '';

  push(text: string): string {
    let clean = this.#held + (text.includes(MENTION_BREAK) ? text.replaceAll(MENTION_BREAK, '') : text);
    if (clean.includes(MCP_TOOL_PREFIX)) clean = clean.replaceAll(MCP_TOOL_PREFIX, '');
    for (let length = Math.min(MCP_TOOL_PREFIX.length - 1, clean.length); length > 0; length--) {
      if (MCP_TOOL_PREFIX.startsWith(clean.slice(-length))) {
        this.#held = clean.slice(-length);
        return clean.slice(0, -length);
      }
    }
    this.#held = '';
    return clean;
  }

  flush(): string {
    const held = this.#held;
    this.#held = '';
    return held;
  }
}

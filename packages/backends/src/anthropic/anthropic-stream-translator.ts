import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { StreamPart, Usage } from '@llm-gateway/shared';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';

/** Turns Anthropic stream events into stream parts, one event at a time. */
export interface AnthropicStreamTranslator {
  /** The parts one event yields (often none or one). */
  push(event: RawMessageStreamEvent): StreamPart[];
  /** True once the translator has produced output a client may have seen (text or a tool call). */
  readonly producedOutput: boolean;
}

export interface AnthropicStreamTranslatorOptions {
  /** A tool_use block of this name is the JSON answer: its input streams out as text. */
  jsonToolName?: string | undefined;
}

type Block =
  | { kind: 'text' }
  | { kind: 'tool'; toolIndex: number; hasArguments: boolean }
  | { kind: 'json'; hasArguments: boolean }
  | { kind: 'ignored' };

interface UsageCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/**
 * Creates a translator for one upstream answer. Thinking blocks, citations and server tools are
 * dropped: OpenAI's chat format has no place for them.
 */
export function createAnthropicStreamTranslator(options: AnthropicStreamTranslatorOptions = {}): AnthropicStreamTranslator {
  const blocks = new Map<number, Block>();
  const counts: UsageCounts = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  let toolCalls = 0;
  let stopReason: string | null | undefined;
  let producedOutput = false;

  const output = <T extends StreamPart>(part: T): T => {
    producedOutput = true;
    return part;
  };
  const text = (value: string): StreamPart[] => (value === '' ? [] : [output({ type: 'text-delta', text: value })]);
  const argumentsDelta = (block: Block, delta: string): StreamPart[] => {
    if (delta === '') return [];
    if (block.kind === 'json') {
      block.hasArguments = true;
      return text(delta);
    }
    if (block.kind !== 'tool') return [];
    block.hasArguments = true;
    return [output({ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: delta })];
  };

  function push(event: RawMessageStreamEvent): StreamPart[] {
    switch (event.type) {
      case 'message_start':
        addUsage(counts, event.message.usage);
        return [];
      case 'content_block_start': {
        const start = event.content_block;
        if (start.type === 'text') {
          blocks.set(event.index, { kind: 'text' });
          return text(start.text);
        }
        if (start.type !== 'tool_use') {
          blocks.set(event.index, { kind: 'ignored' });
          return [];
        }
        // Non-empty input at the start happens with replayed (non-incremental) answers.
        const initial = isEmptyObject(start.input) ? '' : JSON.stringify(start.input);
        if (start.name === options.jsonToolName) {
          const block: Block = { kind: 'json', hasArguments: false };
          blocks.set(event.index, block);
          return argumentsDelta(block, initial);
        }
        const block: Block = { kind: 'tool', toolIndex: toolCalls++, hasArguments: false };
        blocks.set(event.index, block);
        const first = output<StreamPart>({ type: 'tool-call-delta', index: block.toolIndex, id: start.id, name: start.name, argumentsDelta: '' });
        return [first, ...argumentsDelta(block, initial)];
      }
      case 'content_block_delta': {
        const block = blocks.get(event.index);
        if (block === undefined) return [];
        if (event.delta.type === 'text_delta') return block.kind === 'text' ? text(event.delta.text) : [];
        if (event.delta.type === 'input_json_delta') return argumentsDelta(block, event.delta.partial_json);
        return [];
      }
      case 'content_block_stop': {
        const block = blocks.get(event.index);
        // A call without arguments streams no JSON at all; OpenAI clients expect "{}".
        if ((block?.kind === 'tool' || block?.kind === 'json') && !block.hasArguments) return argumentsDelta(block, '{}');
        return [];
      }
      case 'message_delta':
        stopReason = event.delta.stop_reason;
        addUsage(counts, event.usage);
        return [];
      case 'message_stop':
        return [
          { type: 'usage', usage: toUsage(counts) },
          { type: 'finish', finishReason: mapAnthropicStopReason(stopReason, toolCalls > 0) },
        ];
      default:
        return [];
    }
  }

  return {
    push,
    get producedOutput() {
      return producedOutput;
    },
  };
}

/** Later usage reports are cumulative: a present field replaces the earlier value. */
function addUsage(counts: UsageCounts, reported: object | null | undefined): void {
  if (!reported) return;
  const usage = reported as Record<string, unknown>;
  const read = (key: string): number | undefined => (typeof usage[key] === 'number' ? (usage[key] as number) : undefined);
  counts.input = read('input_tokens') ?? counts.input;
  counts.output = read('output_tokens') ?? counts.output;
  counts.cacheRead = read('cache_read_input_tokens') ?? counts.cacheRead;
  counts.cacheCreation = read('cache_creation_input_tokens') ?? counts.cacheCreation;
}

/** OpenAI counts cached prompt tokens inside `prompt_tokens`; Anthropic reports them apart. */
function toUsage(counts: UsageCounts): Usage {
  const usage: Usage = {
    promptTokens: counts.input + counts.cacheRead + counts.cacheCreation,
    completionTokens: counts.output,
  };
  if (counts.cacheRead > 0) usage.cachedPromptTokens = counts.cacheRead;
  return usage;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

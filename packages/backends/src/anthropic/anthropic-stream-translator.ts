import type { RawContentBlockStartEvent, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { StreamPart, Usage } from '@llm-gateway/shared';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';

/** Turns Anthropic stream events into stream parts, one event at a time. */
export interface AnthropicStreamTranslator {
  /** The parts one event yields (often none or one). */
  push(event: RawMessageStreamEvent): readonly StreamPart[];
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

type ContentBlockStart = RawContentBlockStartEvent['content_block'];

interface UsageCounts {
  input: number;
  output: number;
  cacheRead: number;
  /** Whether the upstream reported cache reads at all: 0 then is a count, not a gap. */
  cacheReported: boolean;
  cacheCreation: number;
}

/** Shared by every event that yields nothing, so those allocate nothing. */
const NO_PARTS: readonly StreamPart[] = Object.freeze([]);

/**
 * Creates a translator for one upstream answer. Thinking blocks, citations and server tools are
 * dropped: OpenAI's chat format has no place for them.
 */
export function createAnthropicStreamTranslator(options: AnthropicStreamTranslatorOptions = {}): AnthropicStreamTranslator {
  return new StreamTranslator(options.jsonToolName);
}

/** One answer's translation state; its methods are shared by every answer (a class, not closures per answer). */
class StreamTranslator implements AnthropicStreamTranslator {
  producedOutput = false;
  readonly #jsonToolName: string | undefined;
  readonly #blocks = new Map<number, Block>();
  readonly #counts: UsageCounts = { input: 0, output: 0, cacheRead: 0, cacheReported: false, cacheCreation: 0 };
  #toolCalls = 0;
  #stopReason: string | null | undefined;
  #stopSequence: string | null | undefined;

  constructor(jsonToolName: string | undefined) {
    this.#jsonToolName = jsonToolName;
  }

  push(event: RawMessageStreamEvent): readonly StreamPart[] {
    switch (event.type) {
      case 'message_start':
        addUsage(this.#counts, event.message.usage);
        return NO_PARTS;
      case 'content_block_start':
        return this.#startBlock(event.index, event.content_block);
      case 'content_block_delta': {
        const block = this.#blocks.get(event.index);
        if (block === undefined) return NO_PARTS;
        if (event.delta.type === 'text_delta') return block.kind === 'text' ? this.#text(event.delta.text) : NO_PARTS;
        if (event.delta.type === 'input_json_delta') return this.#argumentsDelta(block, event.delta.partial_json);
        return NO_PARTS;
      }
      case 'content_block_stop': {
        const block = this.#blocks.get(event.index);
        // A call without arguments streams no JSON at all; OpenAI clients expect "{}".
        if ((block?.kind === 'tool' || block?.kind === 'json') && !block.hasArguments) return this.#argumentsDelta(block, '{}');
        return NO_PARTS;
      }
      case 'message_delta':
        this.#stopReason = event.delta.stop_reason;
        this.#stopSequence = event.delta.stop_sequence;
        addUsage(this.#counts, event.usage);
        return NO_PARTS;
      case 'message_stop':
        return [
          { type: 'usage', usage: toUsage(this.#counts) },
          {
            type: 'finish',
            finishReason: mapAnthropicStopReason(this.#stopReason, this.#toolCalls > 0),
            // Which sequence stopped it: the Messages front end reports `stop_sequence` with it.
            ...(this.#stopReason === 'stop_sequence' && typeof this.#stopSequence === 'string' ? { stopSequence: this.#stopSequence } : {}),
          },
        ];
      default:
        return NO_PARTS;
    }
  }

  #startBlock(index: number, start: ContentBlockStart): readonly StreamPart[] {
    if (start.type === 'text') {
      this.#blocks.set(index, { kind: 'text' });
      return this.#text(start.text);
    }
    if (start.type !== 'tool_use') {
      this.#blocks.set(index, { kind: 'ignored' });
      return NO_PARTS;
    }
    // Non-empty input at the start happens with replayed (non-incremental) answers.
    const initial = isEmptyObject(start.input) ? '' : JSON.stringify(start.input);
    if (start.name === this.#jsonToolName) {
      const block: Block = { kind: 'json', hasArguments: false };
      this.#blocks.set(index, block);
      return this.#argumentsDelta(block, initial);
    }
    const block: Block = { kind: 'tool', toolIndex: this.#toolCalls++, hasArguments: false };
    this.#blocks.set(index, block);
    this.producedOutput = true;
    const first: StreamPart = { type: 'tool-call-delta', index: block.toolIndex, id: start.id, name: start.name, argumentsDelta: '' };
    return [first, ...this.#argumentsDelta(block, initial)];
  }

  #text(value: string): readonly StreamPart[] {
    if (value === '') return NO_PARTS;
    this.producedOutput = true;
    return [{ type: 'text-delta', text: value }];
  }

  #argumentsDelta(block: Block, delta: string): readonly StreamPart[] {
    if (delta === '') return NO_PARTS;
    if (block.kind === 'json') {
      block.hasArguments = true;
      return this.#text(delta);
    }
    if (block.kind !== 'tool') return NO_PARTS;
    block.hasArguments = true;
    this.producedOutput = true;
    return [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: delta }];
  }
}

/** Later usage reports are cumulative: a present field replaces the earlier value. */
function addUsage(counts: UsageCounts, reported: object | null | undefined): void {
  if (!reported) return;
  const usage = reported as Record<string, unknown>;
  counts.input = numberAt(usage, 'input_tokens') ?? counts.input;
  counts.output = numberAt(usage, 'output_tokens') ?? counts.output;
  const cacheRead = numberAt(usage, 'cache_read_input_tokens');
  if (cacheRead !== undefined) {
    counts.cacheRead = cacheRead;
    counts.cacheReported = true;
  }
  counts.cacheCreation = numberAt(usage, 'cache_creation_input_tokens') ?? counts.cacheCreation;
}

function numberAt(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' ? value : undefined;
}

/** OpenAI counts cached prompt tokens inside `prompt_tokens`; Anthropic reports them apart. */
function toUsage(counts: UsageCounts): Usage {
  const usage: Usage = {
    promptTokens: counts.input + counts.cacheRead + counts.cacheCreation,
    completionTokens: counts.output,
  };
  // Anthropic reports cache reads on every answer (0 included): a known count, so always passed on.
  if (counts.cacheReported) usage.cachedPromptTokens = counts.cacheRead;
  // The api backend never asks for extended thinking: no completion token is a reasoning token.
  usage.reasoningTokens = 0;
  return usage;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

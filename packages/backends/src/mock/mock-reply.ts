import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError, truncateToTokens, type ChatMessage, type ChatRequest, type StreamPart } from '@llm-gateway/shared';
import { parseMockDirectives, type MockDirectives } from './mock-directives.ts';
import { createTokenCountMemo } from './token-count-memo.ts';
import { cutAtStop, planMockAnswer } from './mock-model.ts';

export interface MockReplyOptions {
  /** Latency before the first part. @defaultValue 0 */
  delayMs?: number;
  /** `BackendCallOptions.stream`: `false` lets a plain answer come as one text delta. @defaultValue undefined (stream) */
  stream?: boolean;
}

// The same prompts recur (tests, benchmarks): counting each message and reply anew cost more CPU
// than the rest of the mock path together (measured).
const countTextTokens = createTokenCountMemo();

/** The text of the last user message: what the mock answers to. */
export function lastUserText(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    if (message.role === 'user') {
      return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    }
  }
  return '';
}

function messageText(message: ChatMessage): string {
  if (message.role === 'user') return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  if (message.role === 'assistant') return message.content + (message.toolCalls?.map((call) => call.arguments).join('') ?? '');
  return message.content;
}

/** Prompt tokens as OpenAI counts chat input: the tokens of each message plus a few per message. */
export function countPromptTokens(request: ChatRequest): number {
  let tokens = 3;
  for (const message of request.messages) tokens += 4 + countTextTokens(messageText(message));
  return tokens;
}

/** The canned answer: deterministic, so caches and isolation can be tested against it. */
export function mockReplyText(prompt: string, words?: number): string {
  if (words !== undefined) return Array.from({ length: words }, (_, index) => `word${index}`).join(' ');
  const quoted = prompt.length > 200 ? `${prompt.slice(0, 200)}…` : prompt;
  return `This is a mock response to: ${quoted}`;
}

/** Splits text into word-sized deltas, keeping every character. */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * One mock answer as a stream of parts. Stops quietly when `signal` aborts: the caller knows why.
 */
export function mockReply(request: ChatRequest, signal: AbortSignal, options: MockReplyOptions = {}): AsyncGenerator<StreamPart> {
  const prompt = lastUserText(request);
  return mockReplyTo(request, prompt, parseMockDirectives(prompt), signal, options);
}

/** {@link mockReply} once the prompt and its directives are known (a pooled session reads them too). */
export async function* mockReplyTo(
  request: ChatRequest,
  prompt: string,
  directives: MockDirectives,
  signal: AbortSignal,
  options: MockReplyOptions,
): AsyncGenerator<StreamPart> {
  const delayMs = (options.delayMs ?? 0) + (directives.delayMs ?? 0);
  try {
    if (directives.hang) await sleep(2 ** 31 - 1, undefined, { signal });
    if (delayMs > 0) await sleep(delayMs, undefined, { signal });
  } catch {
    return;
  }
  if (directives.error) {
    yield { type: 'error', error: new GatewayError(directives.error, `Mock failure (${directives.error}) on request.`).toJSON() };
    return;
  }
  const promptTokens = countPromptTokens(request);
  // A tool's result is answered with text, as a model would: an agent loop on the mock ends.
  if (directives.tool && request.messages.at(-1)?.role !== 'tool') {
    const args = JSON.stringify({ location: 'Paris' });
    yield { type: 'tool-call-delta', index: 0, id: `call_mock_${directives.tool}`, name: directives.tool, argumentsDelta: args };
    yield { type: 'usage', usage: { promptTokens, completionTokens: countTextTokens(args) } };
    yield { type: 'finish', finishReason: 'tool_calls' };
    return;
  }
  const canned = mockReplyText(prompt, directives.words);
  const plan = request.tools || request.responseFormat || request.messages.at(-1)?.role === 'tool' ? planMockAnswer(request, canned) : undefined;
  if (plan?.kind === 'tool-call') {
    yield { type: 'tool-call-delta', index: 0, id: plan.id, name: plan.name, argumentsDelta: plan.arguments };
    yield { type: 'usage', usage: { promptTokens, completionTokens: countTextTokens(plan.arguments) } };
    yield { type: 'finish', finishReason: 'tool_calls' };
    return;
  }
  // A JSON answer is never cut (it would no longer be JSON); text stops at `stop`, then `max_tokens`.
  const cutAt = plan?.kind === 'text' && plan.json ? { text: plan.text, stopped: false } : cutAtStop(plan?.text ?? canned, request.stop);
  const { text, truncated } = plan?.kind === 'text' && plan.json ? { text: cutAt.text, truncated: false } : limitTokens(cutAt.text, request.maxTokens);
  const deltas = wholeAnswer(options, directives) ? [text] : splitIntoDeltas(text);
  let emitted = 0;
  for (const delta of deltas) {
    if (signal.aborted) return;
    if (directives.failAfter !== undefined && emitted >= directives.failAfter) {
      yield { type: 'error', error: new GatewayError('upstream_error', 'Mock failure in the middle of the answer.').toJSON() };
      return;
    }
    if (directives.chunkDelayMs && emitted > 0) {
      try {
        await sleep(directives.chunkDelayMs, undefined, { signal });
      } catch {
        return;
      }
    }
    yield { type: 'text-delta', text: delta };
    emitted += 1;
  }
  yield { type: 'usage', usage: { promptTokens, completionTokens: countTextTokens(text) } };
  yield { type: 'finish', finishReason: truncated ? 'length' : 'stop' };
}

/**
 * Whether the answer may come as one text delta: nobody watches it arrive (not streamed) and no
 * directive counts or paces deltas. Each word delta travelled through four generator layers.
 */
function wholeAnswer(options: MockReplyOptions, directives: MockDirectives): boolean {
  return options.stream === false && directives.failAfter === undefined && directives.chunkDelayMs === undefined;
}

/** Cuts an answer at `maxTokens`, as a model stops when it reaches the limit. */
function limitTokens(text: string, maxTokens: number | undefined): { text: string; truncated: boolean } {
  if (maxTokens === undefined || countTextTokens(text) <= maxTokens) return { text, truncated: false };
  return { text: truncateToTokens(text, maxTokens), truncated: true };
}

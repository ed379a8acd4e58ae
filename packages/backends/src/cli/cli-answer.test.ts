import { describe, expect, it } from 'vitest';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import { createAnswerBuilder } from './cli-answer.ts';
import { fixtureLines, type CliFixture } from './fake-cli-host.ts';
import { isResult, parseCliLine } from './protocol.ts';

const request: ChatRequest = { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

function replay(fixture: CliFixture, options: Partial<ChatRequest> = {}): { parts: StreamPart[]; cutShort: boolean } {
  const answer = createAnswerBuilder({ ...request, ...options });
  const parts: StreamPart[] = [];
  let cutShort = false;
  for (const line of fixtureLines(fixture)) {
    const message = parseCliLine(line)!;
    const step = answer.message(message);
    parts.push(...step.parts);
    cutShort ||= step.cutShort === true;
    if (isResult(message)) parts.push(...answer.result(message));
  }
  return { parts, cutShort };
}

const text = (parts: StreamPart[]) => parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

describe('createAnswerBuilder', () => {
  it('streams the text, then usage from the result line and the finish reason', () => {
    const { parts } = replay('text-turn');
    expect(text(parts)).toBe('Hello there, how can I help?');
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(1);
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number), cachedPromptTokens: 0, costUsd: expect.any(Number) } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const usage = parts.at(-2) as Extract<StreamPart, { type: 'usage' }>;
    expect(usage.usage.promptTokens).toBeGreaterThan(0);
    // The CLI's own reckoning of the turn's price, recorded per request (the subscription credit).
    expect(usage.usage.costUsd).toBeGreaterThan(0);
  });

  it('reports a resumed turn with the usage of its last API call, prompt-cache reads included', () => {
    const answer = createAnswerBuilder(request, { usageFromStream: true });
    const lines = [
      { type: 'stream_event', event: { type: 'message_start', message: { usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 300, output_tokens: 1 } } } },
      { type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sunny.' } } },
      // The result line counts the whole turn, the previous request's call too.
      { type: 'result', subtype: 'success', is_error: false, result: 'Sunny.', stop_reason: 'end_turn', total_cost_usd: 0.02, usage: { input_tokens: 900, cache_read_input_tokens: 600, output_tokens: 40 } },
    ];
    const parts = lines.flatMap((line) => {
      const message = parseCliLine(JSON.stringify(line))!;
      return [...answer.message(message).parts, ...(isResult(message) ? answer.result(message) : [])];
    });
    expect(text(parts)).toBe('Sunny.');
    expect(parts.find((part) => part.type === 'usage')).toMatchObject({ usage: { promptTokens: 315, cachedPromptTokens: 300, costUsd: 0.02 } });
  });

  it('answers with the text after a refused tool call, and no tool call', () => {
    const { parts } = replay('tool-refused-turn');
    expect(text(parts)).toBe('I cannot run commands.');
    expect(parts.some((part) => part.type === 'tool-call-delta')).toBe(false);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('turns an API error into one error part, never the CLI error text as an answer', () => {
    const { parts } = replay('api-error-turn');
    expect(parts).toEqual([{ type: 'error', error: { code: 'upstream_error', message: 'The model API failed with status 500.' } }]);
  });

  it('says how to fix a CLI that is not logged in', () => {
    const { parts } = replay('not-logged-in-turn');
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ type: 'error', error: { code: 'backend_unavailable' } });
    expect(JSON.stringify(parts[0])).toContain('ANTHROPIC_API_KEY');
  });

  it('cuts the answer at a stop sequence and asks for the rest of the turn to be interrupted', () => {
    const { parts, cutShort } = replay('text-turn', { stop: ['how'] });
    expect(cutShort).toBe(true);
    expect(text(parts)).toBe('Hello there, ');
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    // The CLI reports no usage for the interrupted turn: the emitted text is counted instead of 0.
    expect(parts.at(-2)).toEqual({ type: 'usage', usage: { promptTokens: expect.any(Number), completionTokens: 4 } });
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
  });

  it('cuts the answer at max_tokens with finish_reason length', () => {
    const { parts, cutShort } = replay('text-turn', { maxTokens: 2 });
    expect(cutShort).toBe(true);
    expect(text(parts)).toBe('Hello there');
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: expect.any(Number), completionTokens: 2 } },
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it('reports a session that dies mid-answer once', () => {
    const answer = createAnswerBuilder(request);
    expect(answer.failure('exit code 1')).toMatchObject([{ type: 'error', error: { code: 'upstream_error' } }]);
    expect(answer.failure('again')).toEqual([]);
  });
});

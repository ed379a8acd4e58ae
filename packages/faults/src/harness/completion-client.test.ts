import { describe, expect, it } from 'vitest';
import { classifyJson, classifyStream } from './completion-client.ts';

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;

describe('how the fault cases judge an answer', () => {
  it('a stream is ok only with a finish reason and [DONE]', () => {
    const body = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hi' }) + chunk({}, 'stop');
    expect(classifyStream(`${body}data: [DONE]\n\n`)).toEqual({ kind: 'ok', text: 'Hi' });
    expect(classifyStream(body).kind).toBe('broken');
  });

  it('a stream ending in an OpenAI error event is a clean error; garbage is broken', () => {
    const error = `data: ${JSON.stringify({ error: { message: 'gone', type: 'server_error', code: 'job_interrupted' } })}\n\n`;
    expect(classifyStream(chunk({ content: 'Hi' }) + error)).toMatchObject({ kind: 'clean-error', code: 'job_interrupted', text: 'Hi' });
    expect(classifyStream('data: {not json\n\n').kind).toBe('broken');
  });

  it('a JSON body is ok with content, a clean error with an OpenAI error, else broken', () => {
    expect(classifyJson(200, JSON.stringify({ choices: [{ message: { content: 'Hi' } }] }))).toEqual({ kind: 'ok', text: 'Hi' });
    expect(classifyJson(503, JSON.stringify({ error: { message: 'x', type: 'server_error', code: 'backend_unavailable' } }))).toMatchObject({
      kind: 'clean-error',
      code: 'backend_unavailable',
    });
    expect(classifyJson(502, '<html>Bad gateway</html>').kind).toBe('broken');
    expect(classifyJson(500, JSON.stringify({ message: 'oops' })).kind).toBe('broken');
  });
});

import { describe, expect, it } from 'vitest';
import { fixtureLines } from './fake-cli-host.ts';
import { controlResponseOf, hasCredentials, isResult, parseCliLine, textDeltaOf, userMessageLine, type CliAccount } from './protocol.ts';

describe('parseCliLine', () => {
  it('keeps JSON objects with a type and drops everything a merged stderr may add', () => {
    expect(parseCliLine('{"type":"result","is_error":false}')).toEqual({ type: 'result', is_error: false });
    expect(parseCliLine('  {"type":"system"}\r')).toEqual({ type: 'system' });
    for (const noise of ['', 'Warning: config not found', '[1,2]', '{"no":"type"}', '{"type":1}', '{broken', '\u001b[?25h{"type":"x"}']) {
      expect(parseCliLine(noise)).toBeUndefined();
    }
  });

  it('reads every recorded line', () => {
    for (const line of fixtureLines('text-turn')) expect(parseCliLine(line)).toBeDefined();
  });
});

describe('recorded turns', () => {
  it('finds the streamed text deltas and the result of a turn', () => {
    const messages = fixtureLines('text-turn').map((line) => parseCliLine(line)!);
    const text = messages.map(textDeltaOf).filter((delta) => delta !== undefined).join('');
    expect(text).toBe('Hello there, how can I help?');
    const result = messages.find(isResult);
    expect(result).toMatchObject({ is_error: false, stop_reason: 'end_turn', num_turns: 1 });
  });

  it('matches a control response to its request id', () => {
    const response = controlResponseOf(parseCliLine(fixtureLines('initialize')[0]!)!);
    expect(response).toMatchObject({ subtype: 'success', request_id: 'r1' });
    expect(controlResponseOf({ type: 'control_response', response: { subtype: 'odd' } })).toBeUndefined();
  });

  it('tells a CLI with credentials from one without', () => {
    const account = (name: 'initialize' | 'initialize-no-credentials') =>
      (controlResponseOf(parseCliLine(fixtureLines(name)[0]!)!)!.response as { account: CliAccount }).account;
    expect(hasCredentials(account('initialize'))).toBe(true);
    expect(hasCredentials(account('initialize-no-credentials'))).toBe(false);
    expect(hasCredentials({ tokenSource: 'CLAUDE_CODE_OAUTH_TOKEN', apiProvider: 'firstParty' })).toBe(true);
    expect(hasCredentials({ tokenSource: 'none', apiProvider: 'bedrock' })).toBe(true);
    expect(hasCredentials(undefined)).toBe(true);
  });
});

describe('userMessageLine', () => {
  it('writes one line of stream-json input', () => {
    const line = userMessageLine('two\nlines');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: 'two\nlines' }] } });
  });
});

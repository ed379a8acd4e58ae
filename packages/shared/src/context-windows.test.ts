import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ContextWindows, parseContextWindows } from './context-windows.ts';

describe('LLM_CONTEXT_WINDOWS', () => {
  it('parses model=tokens entries separated by commas or newlines', () => {
    expect([...parseContextWindows(' claude-*=200000 ,gpt-4o = 128000\nllama3.1:8b=8192,')]).toEqual([
      ['claude-*', 200_000],
      ['gpt-4o', 128_000],
      ['llama3.1:8b', 8192],
    ]);
    expect(parseContextWindows(undefined).size).toBe(0);
  });

  it.each([
    ['gpt-4o', /expected model=tokens/],
    ['gpt-4o=-1', /expected model=tokens/],
    ['gpt-4o=12k', /expected model=tokens/],
    ['gpt-4o=1,gpt-4o=2', /listed twice/],
  ])('refuses %j, naming the variable', (text, message) => {
    expect(() => parseContextWindows(text)).toThrow(message);
    expect(() => loadConfig({ LLM_CONTEXT_WINDOWS: text })).toThrow(/LLM_CONTEXT_WINDOWS/);
  });

  it('gives an exact entry, else the longest matching prefix, else the default', () => {
    const windows = new ContextWindows(parseContextWindows('claude-*=200000,claude-haiku-*=100000,claude-haiku-4=0,*=8192'), 300);
    expect(windows.forModel('claude-haiku-4')).toBe(0);
    expect(windows.forModel('claude-haiku-4-5')).toBe(100_000);
    expect(windows.forModel('claude-sonnet')).toBe(200_000);
    expect(windows.forModel('gpt-4o')).toBe(8192);
    expect(new ContextWindows(new Map(), 300).forModel('gpt-4o')).toBe(300);
  });

  it('is part of the checked configuration, LLM_CONTEXT_WINDOW being the default', () => {
    const config = loadConfig({ LLM_CONTEXT_WINDOWS: 'local=4096', LLM_CONTEXT_WINDOW: '1000' });
    expect(config.contextWindows.forModel('local')).toBe(4096);
    expect(config.contextWindows.forModel('claude-sonnet')).toBe(1000);
  });
});

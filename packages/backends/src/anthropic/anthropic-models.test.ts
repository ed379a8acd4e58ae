import { describe, expect, it } from 'vitest';
import { anthropicModelTable, parseModelAliases, resolveAnthropicModel } from './anthropic-models.ts';

describe('anthropic models', () => {
  it('resolves aliases, lets config override and extend them, and passes full ids through', () => {
    const table = anthropicModelTable(parseModelAliases(' claude-sonnet = claude-sonnet-4-6 , fast=claude-haiku-4-5,'));
    expect(resolveAnthropicModel('claude-sonnet', table)).toBe('claude-sonnet-4-6');
    expect(resolveAnthropicModel('fast', table)).toBe('claude-haiku-4-5');
    expect(resolveAnthropicModel('claude-opus', table)).toBe('claude-opus-5-5');
    expect(resolveAnthropicModel('claude-3-5-haiku-20241022', table)).toBe('claude-3-5-haiku-20241022');
    expect(resolveAnthropicModel('toString', table)).toBe('toString');
  });

  it('refuses malformed alias entries', () => {
    expect(() => parseModelAliases('claude-sonnet')).toThrow(/alias=model-id/);
    expect(() => parseModelAliases('a=b=c')).toThrow(/a=b=c/);
    expect(parseModelAliases(undefined)).toEqual({});
  });
});

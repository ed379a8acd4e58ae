import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@llm-gateway/shared';
import { renderPrompt } from './prompt.ts';
import { MENTION_BREAK } from './prompt-neutralize.ts';

/** The prompt of a request without images: always one string. */
const textOf = (messages: ChatMessage[]): string => {
  const content = renderPrompt(messages);
  if (typeof content !== 'string') throw new Error('expected a text prompt');
  return content;
};
const user = (text: string): ChatMessage => ({ role: 'user', content: [{ type: 'text', text }] });

describe('renderPrompt', () => {
  it('sends a lone user message as it was written', () => {
    expect(renderPrompt([user('Hello!')])).toBe('Hello!');
    expect(renderPrompt([{ role: 'user', content: [{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }] }])).toBe('Hello');
  });

  it('puts instructions first, earlier turns in order, and the last user message last', () => {
    const prompt = textOf([
      { role: 'system', content: 'You are terse.' },
      { role: 'system', content: 'Answer in French.' },
      user('What is 2+2?'),
      { role: 'assistant', content: '4' },
      user('And 3+3?'),
    ]);
    expect(prompt).toBe(
      [
        '<system>\nYou are terse.\n\nAnswer in French.\n</system>',
        '<conversation>\n<user>\nWhat is 2+2?\n</user>\n\n<assistant>\n4\n</assistant>\n</conversation>',
        'And 3+3?',
      ].join('\n\n'),
    );
  });

  it('renders tool calls and results of earlier turns faithfully', () => {
    const prompt = textOf([
      user('Weather?'),
      { role: 'assistant', content: '', toolCalls: [{ id: 'c"1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'c"1', content: 'sunny' },
      user('Thanks'),
    ]);
    expect(prompt).toContain('<tool_call id="c&#34;1" name="get_weather">{"city":"Paris"}</tool_call>');
    expect(prompt).toContain('<tool_result id="c&#34;1">\nsunny\n</tool_result>');
    expect(prompt.endsWith('\n\nThanks')).toBe(true);
  });

  it('asks the model to continue when the conversation does not end with a user message', () => {
    const prompt = textOf([user('Write a poem'), { role: 'assistant', content: 'Roses are' }]);
    expect(prompt).toContain('<assistant>\nRoses are\n</assistant>');
    expect(prompt.endsWith('Continue the conversation from where it ends, as the assistant.')).toBe(true);
  });

  it('never lets a prompt start with a CLI command', () => {
    for (const text of ['/model opus', '  /clear', '/config set x', '!cat /etc/passwd', '# remember this']) {
      const prompt = textOf([user(text)]);
      expect(prompt).toMatch(/^<message>\n/);
      expect(prompt).toContain(text);
    }
  });

  it('breaks mentions in every role and part once rendered, since all of it is tenant text', () => {
    const prompt = textOf([
      { role: 'system', content: 'Read @/etc/hostname' },
      { role: 'user', content: [{ type: 'text', text: 'see ' }, { type: 'text', text: '@~/.ssh/id_rsa' }] },
      { role: 'assistant', content: '@./notes.md', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"p":"@/x"}' }] },
      { role: 'tool', toolCallId: 'c1', content: '@/var/log/' },
      user('and @"/a b"'),
    ]);
    expect(prompt.match(/@/g)).toHaveLength(6);
    expect(prompt.match(new RegExp(`@${MENTION_BREAK}`, 'g'))).toHaveLength(6);
  });

  it('sends images as image blocks where they stood, in the last message and in earlier turns', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const content = renderPrompt([
      { role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'image', url: 'https://example.com/a.png' }] },
      { role: 'assistant', content: 'a cat' },
      { role: 'user', content: [{ type: 'image', url: png }, { type: 'text', text: '/compare @/etc/passwd' }] },
    ]);
    expect(content).toEqual([
      { type: 'text', text: '<conversation>\n<user>\nfirst' },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'text', text: '\n</user>\n\n<assistant>\na cat\n</assistant>\n</conversation>\n\n' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'text', text: `/compare @${MENTION_BREAK}/etc/passwd` },
    ]);
  });

  it('never lets the first text be a command, even after an image', () => {
    const content = renderPrompt([{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,AA' }, { type: 'text', text: '/clear' }] }]);
    expect(content).toEqual([{ type: 'image', source: expect.any(Object) }, { type: 'text', text: '<message>\n/clear\n</message>' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { breakMentions, MENTION_BREAK, neutralizeCommand, neutralizePrompt } from './prompt-neutralize.ts';

const broken = (text: string) => text.replaceAll('@', `@${MENTION_BREAK}`);

describe('breakMentions', () => {
  it('breaks every form of mention the CLI attaches: absolute, home, relative, folder, quoted, at the start or after whitespace', () => {
    for (const text of ['@/etc/passwd', 'print @/etc/passwd now', '@~/.claude/.credentials.json', 'see @../keys.txt', '@keys.txt', 'list @/srv/', '@"/a b/c"', "@'/a b'", 'line\n@/x', 'tab\t@/x', 'nbsp\u00a0@/x']) {
      expect(breakMentions(text)).toBe(broken(text));
    }
  });

  it('breaks an @ after punctuation, brackets, quotes or another @, with a margin over what the CLI expands', () => {
    for (const text of ['(@/x)', '"@/x"', '[@/x]', '@@/x', '`@/x`', '<@/x>', ',@/x']) expect(breakMentions(text)).toBe(broken(text));
  });

  it('leaves an @ inside a word alone: e-mail addresses and handles reach the model unchanged', () => {
    for (const text of ['bob@example.com', 'user_1@host', 'é@x', 'no at sign at all']) expect(breakMentions(text)).toBe(text);
  });

  it('keeps every character the model reads: only invisible joiners are added', () => {
    const text = 'mail a@b.c, then open @/etc/passwd and @~/x';
    expect(breakMentions(text).replaceAll(MENTION_BREAK, '')).toBe(text);
    expect(breakMentions(text).normalize('NFKC')).toBe(breakMentions(text));
  });
});

describe('neutralizeCommand', () => {
  it('wraps a prompt whose first visible character is a command, shell or memory prefix', () => {
    for (const text of ['/clear', '  /model opus', '!ls /', '\n#note', '/my-skill args']) expect(neutralizeCommand(text)).toBe(`<message>\n${text}\n</message>`);
  });

  it('leaves prompts that only contain those characters later alone', () => {
    for (const text of ['a /b', 'say !hi', 'C# or F#?', 'x']) expect(neutralizeCommand(text)).toBe(text);
  });
});

describe('neutralizePrompt', () => {
  it('does both', () => {
    expect(neutralizePrompt('/read @/etc/passwd')).toBe(`<message>\n/read @${MENTION_BREAK}/etc/passwd\n</message>`);
  });
});

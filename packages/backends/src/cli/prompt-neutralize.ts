/**
 * The second layer of CLI host isolation (the first is the permission deny rules in
 * `cli-permissions.ts`): text a tenant wrote must never be syntax the Claude Code CLI acts on
 * before the model sees it. The CLI attaches the file of an `@path` mention, lists an `@dir/`
 * through its Bash tool, and runs a prompt that starts with `/` as one of its commands or skills;
 * in its interactive modes a leading `!` runs a shell command and a leading `#` writes memory.
 * The text is changed as little as the model can tell: it still reads every character it was sent.
 */

/**
 * U+2060 WORD JOINER: invisible, not whitespace, and left alone by Unicode normalization (NFKC
 * would turn a full-width `＠` back into `@`). Put after an `@`, it makes the mention's path start
 * with a character no file name on the host starts with.
 */
export const MENTION_BREAK = '\u2060';

/**
 * The CLI takes `@` as a mention at the start of the text or after whitespace (measured with
 * 2.1.332: `a @/f`, `@"/f"`, `@~/f`, `@../f`, after a tab or a newline). Breaking every `@` that
 * does not follow a letter or digit covers those with a margin (`(@/f`, `"@/f"`, `@@/f`) while an
 * e-mail address (`bob@example.com`) reaches the model byte for byte.
 */
const MENTION = /(?<![\p{L}\p{N}_])@/gu;

/** A prompt whose first visible character the CLI reads as a command, shell escape or memory note. */
const COMMAND_PREFIX = /^\s*[/!#]/;

/** Breaks every `@` mention in `text`, keeping what the model reads. */
export function breakMentions(text: string): string {
  return text.includes('@') ? text.replace(MENTION, `@${MENTION_BREAK}`) : text;
}

/**
 * A prompt that starts with `/`, `!` or `#` is wrapped in `<message>` tags, so the CLI sees no
 * command; the session's system prompt tells the model the text is the message.
 */
export function neutralizeCommand(prompt: string): string {
  return COMMAND_PREFIX.test(prompt) ? `<message>\n${prompt}\n</message>` : prompt;
}

/** The whole rendered prompt made inert for the CLI: mentions broken, no leading command. */
export function neutralizePrompt(prompt: string): string {
  return neutralizeCommand(breakMentions(prompt));
}

import type { ImageBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ContentPart, ToolChoice } from '@llm-gateway/shared';
import { toImageBlock } from '../anthropic/to-anthropic-content.ts';
import { breakMentions, neutralizeCommand } from './prompt-neutralize.ts';
import { jsonInstruction } from './cli-json-answer.ts';

/** One block of a CLI user message: the CLI passes text and image blocks to the upstream unchanged. */
export type PromptBlock = { type: 'text'; text: string } | ImageBlockParam;

/**
 * What a CLI session is sent for one request: the prompt as one string, or as blocks when it
 * carries images (base64 or URL sources, which the CLI relays as they are; measured with 2.1.332).
 */
export type PromptContent = string | PromptBlock[];

/**
 * Renders OpenAI-style messages as the one prompt a CLI session receives: system and developer
 * instructions in `<system>`, earlier turns in `<conversation>`, then the last user message as it
 * was written, images where they stood. A lone user message is sent as is. The session's fixed
 * system prompt explains the tags to the model. Whatever any role wrote is then made inert for the
 * CLI (see `prompt-neutralize.ts`): every part of the prompt is tenant text once rendered.
 * @throws GatewayError (400) for an image URL the upstream could not take.
 */
export function renderPrompt(messages: readonly ChatMessage[], toolChoice?: ToolChoice, jsonAnswer = false): PromptContent {
  const instructions = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const turns = messages.filter((message) => message.role !== 'system');
  const last = turns.at(-1);
  const earlier = last?.role === 'user' ? turns.slice(0, -1) : turns;
  const prompt = new PromptWriter();
  if (instructions.length > 0) prompt.text(`<system>\n${instructions.join('\n\n')}\n</system>\n\n`);
  if (earlier.length > 0) {
    prompt.text('<conversation>\n');
    earlier.forEach((turn, index) => {
      if (index > 0) prompt.text('\n\n');
      writeTurn(prompt, turn);
    });
    prompt.text('\n</conversation>\n\n');
  }
  if (last?.role === 'user') writeParts(prompt, last.content);
  else prompt.text('Continue the conversation from where it ends, as the assistant.');
  const demand = toolDemand(toolChoice);
  if (demand) prompt.text(`\n\n<tool_choice>${demand}</tool_choice>`);
  if (jsonAnswer) prompt.text(`\n\n<response_format>${jsonInstruction()}</response_format>`);
  return prompt.content();
}

/**
 * `tool_choice: required` or a named function, asked of the model in words: the CLI sends no
 * `tool_choice` upstream, so this is a request, not a guarantee.
 */
function toolDemand(toolChoice: ToolChoice | undefined): string | undefined {
  if (toolChoice === 'required') return 'Answer by calling one of the offered tools.';
  if (typeof toolChoice === 'object') return `Answer by calling the tool ${toolChoice.name}.`;
  return undefined;
}

function writeTurn(prompt: PromptWriter, message: Exclude<ChatMessage, { role: 'system' }>): void {
  switch (message.role) {
    case 'user':
      prompt.text('<user>\n');
      writeParts(prompt, message.content);
      prompt.text('\n</user>');
      return;
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map(
        (call) => `<tool_call id="${attribute(call.id)}" name="${attribute(call.name)}">${call.arguments}</tool_call>`,
      );
      prompt.text(`<assistant>\n${[message.content, ...calls].filter((part) => part !== '').join('\n')}\n</assistant>`);
      return;
    }
    case 'tool':
      prompt.text(`<tool_result id="${attribute(message.toolCallId)}">\n${message.content}\n</tool_result>`);
  }
}

function writeParts(prompt: PromptWriter, content: readonly ContentPart[]): void {
  for (const part of content) {
    if (part.type === 'text') prompt.text(part.text);
    else prompt.image(toImageBlock(part.url));
  }
}

function attribute(value: string): string {
  return value.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Gathers text and images in order, then neutralizes each text block for the CLI. */
class PromptWriter {
  readonly #blocks: Array<string | ImageBlockParam> = [];

  text(text: string): void {
    const last = this.#blocks.length - 1;
    if (typeof this.#blocks[last] === 'string') this.#blocks[last] += text;
    else this.#blocks.push(text);
  }

  image(block: ImageBlockParam): void {
    this.#blocks.push(block);
  }

  content(): PromptContent {
    // Every block start counts as the start of a text for the mention check, so a mention split
    // across blocks is broken too; the first text, even after an image, could be read as a command.
    const firstText = this.#blocks.findIndex((block) => typeof block === 'string');
    const blocks = this.#blocks.map((block, index) => {
      if (typeof block !== 'string') return block;
      const text = breakMentions(block);
      return index === firstText ? neutralizeCommand(text) : text;
    });
    if (blocks.length === 1 && typeof blocks[0] === 'string') return blocks[0];
    if (blocks.length === 0) return '';
    return blocks.map((block): PromptBlock => (typeof block === 'string' ? { type: 'text', text: block } : block));
  }
}

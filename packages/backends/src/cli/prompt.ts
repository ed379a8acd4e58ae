import type { ChatMessage, ContentPart } from '@llm-gateway/shared';
import { neutralizePrompt } from './prompt-neutralize.ts';

/**
 * Renders OpenAI-style messages as the one prompt a CLI session receives: system and developer
 * instructions in `<system>`, earlier turns in `<conversation>`, then the last user message as it
 * was written. A lone user message is sent as is. The session's fixed system prompt explains the
 * tags to the model. Whatever any role wrote is then made inert for the CLI ({@link neutralizePrompt}):
 * every part of the prompt is tenant text once rendered.
 */
export function renderPrompt(messages: readonly ChatMessage[]): string {
  const instructions = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const turns = messages.filter((message) => message.role !== 'system');
  const last = turns.at(-1);
  const earlier = last?.role === 'user' ? turns.slice(0, -1) : turns;
  const final = last?.role === 'user' ? userText(last.content) : 'Continue the conversation from where it ends, as the assistant.';
  const sections: string[] = [];
  if (instructions.length > 0) sections.push(`<system>\n${instructions.join('\n\n')}\n</system>`);
  if (earlier.length > 0) sections.push(`<conversation>\n${earlier.map(renderTurn).join('\n\n')}\n</conversation>`);
  if (sections.length === 0) return neutralizePrompt(final);
  sections.push(final);
  return neutralizePrompt(sections.join('\n\n'));
}

function renderTurn(message: Exclude<ChatMessage, { role: 'system' }>): string {
  switch (message.role) {
    case 'user':
      return `<user>\n${userText(message.content)}\n</user>`;
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map(
        (call) => `<tool_call id="${attribute(call.id)}" name="${attribute(call.name)}">${call.arguments}</tool_call>`,
      );
      return `<assistant>\n${[message.content, ...calls].filter((part) => part !== '').join('\n')}\n</assistant>`;
    }
    case 'tool':
      return `<tool_result id="${attribute(message.toolCallId)}">\n${message.content}\n</tool_result>`;
  }
}

function userText(content: readonly ContentPart[]): string {
  // Images never get here: the backend's check refuses them before a session is taken.
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function attribute(value: string): string {
  return value.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}

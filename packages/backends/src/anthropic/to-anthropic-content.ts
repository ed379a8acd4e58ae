import type { ContentBlockParam, ImageBlockParam, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatMessage, type ContentPart } from '@llm-gateway/shared';

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/**
 * An OpenAI image URL as an Anthropic image source: a base64 data URL is sent inline, an
 * http(s) URL is sent as a URL for Anthropic to fetch.
 * @throws GatewayError (400) for other schemes and unsupported image types.
 */
export function toImageBlock(url: string): ImageBlockParam {
  if (url.startsWith('data:')) {
    const match = /^data:([^;,]+)((?:;[^;,]+)*),(.*)$/s.exec(url);
    const mediaType = match?.[1]?.toLowerCase();
    if (!match || !match[2]!.split(';').includes('base64')) {
      throw imageError('Image data URLs must be base64-encoded (data:image/png;base64,...).');
    }
    if (!IMAGE_MEDIA_TYPES.includes(mediaType as ImageMediaType)) {
      throw imageError(`Unsupported image type ${JSON.stringify(mediaType)}: use one of ${IMAGE_MEDIA_TYPES.join(', ')}.`);
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType as ImageMediaType, data: match[3]! } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw imageError('Image URLs must be http(s) URLs or base64 data URLs.');
}

function imageError(message: string): GatewayError {
  return new GatewayError('invalid_value', message, { param: 'messages' });
}

/** A user message's parts as Anthropic content blocks. */
export function toUserBlocks(parts: readonly ContentPart[]): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const part of parts) {
    if (part.type === 'image') blocks.push(toImageBlock(part.url));
    // Anthropic rejects empty text blocks; an empty OpenAI text part carries nothing.
    else if (part.text !== '') blocks.push({ type: 'text', text: part.text });
  }
  return blocks;
}

/** An assistant message: its text, then one `tool_use` block per tool call. */
export function toAssistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  if (message.content !== '') blocks.push({ type: 'text', text: message.content });
  for (const call of message.toolCalls ?? []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseArguments(call.arguments) });
  }
  return blocks;
}

/** A `tool` message as a `tool_result` block (Anthropic puts tool results in the user turn). */
export function toToolResultBlock(message: Extract<ChatMessage, { role: 'tool' }>): ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: message.toolCallId, content: message.content };
}

/**
 * Tool-call arguments as the object Anthropic wants (`input` must be an object). Empty arguments
 * mean no arguments; anything else that is not a JSON object is refused with a 400 rather than
 * silently replaced.
 */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new GatewayError('invalid_value', 'Tool call arguments must be a JSON object.', { param: 'messages' });
}

/**
 * Appends blocks to the conversation, merging into the previous turn when it has the same role:
 * consecutive OpenAI `tool` messages (parallel calls) and the user text after them form one
 * Anthropic user turn, tool results first, as the API requires.
 */
export function appendTurn(messages: MessageParam[], role: 'user' | 'assistant', blocks: ContentBlockParam[]): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last?.role === role) (last.content as ContentBlockParam[]).push(...blocks);
  else messages.push({ role, content: blocks });
}

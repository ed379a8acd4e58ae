import type { AnthropicPassthrough } from './chat-request.ts';

/** Blocks of earlier thinking, which the gateway's answers never carry back. */
const THINKING_BLOCKS = new Set(['thinking', 'redacted_thinking']);

/**
 * The fields of a Messages body (already checked by its schema) that the `api` backend sends on
 * as they came. Thinking is the exception: the normalized answer has no thinking blocks, so a
 * client could never send their signatures back, and asking for thinking would break its next
 * tool turn. Earlier thinking blocks are therefore left out, as is the `thinking` parameter.
 */
export function anthropicPassthrough(body: Record<string, unknown>): AnthropicPassthrough {
  const passthrough: AnthropicPassthrough = { messages: (body['messages'] as unknown[]).flatMap(withoutThinking) };
  if (body['system'] !== undefined) passthrough.system = body['system'];
  if (Array.isArray(body['tools']) && body['tools'].length > 0) passthrough.tools = body['tools'];
  if (body['tool_choice'] !== undefined) passthrough.tool_choice = body['tool_choice'];
  return passthrough;
}

function withoutThinking(message: unknown): unknown[] {
  const { role, content } = message as { role: string; content: unknown };
  if (role !== 'assistant' || !Array.isArray(content)) return [message];
  const kept = content.filter((block: { type?: unknown }) => !THINKING_BLOCKS.has(String(block.type)));
  if (kept.length === content.length) return [message];
  // An assistant turn that was only thinking says nothing the upstream could use.
  return kept.length === 0 ? [] : [{ ...(message as object), content: kept }];
}

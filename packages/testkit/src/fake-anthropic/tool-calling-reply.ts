import { sampleOf } from '@llm-gateway/shared';
import type { FakeReply } from './anthropic-events.ts';
import { echoReply } from './fake-anthropic.ts';

interface Tool {
  name?: string;
  input_schema?: Record<string, unknown>;
}

/**
 * A model that uses the tools it is offered, for tool round trips: with tools and no results yet,
 * it calls the first tool with arguments that satisfy its schema ({@link sampleOf}); given
 * results (native `tool_result` blocks, or `<tool_result>` tags in a rendered history), it answers
 * from them in text. Without tools it echoes, as {@link echoReply} does.
 */
export function toolCallingReply(body: any): FakeReply {
  const results = toolResults(body);
  if (results.length > 0) return { kind: 'text', text: `From the tools: ${results.join('; ')}` };
  const tools: Tool[] = Array.isArray(body?.tools) ? body.tools : [];
  const tool = tools.find((candidate) => typeof candidate.name === 'string');
  if (!tool) return echoReply(body);
  return { kind: 'tool_use', calls: [{ name: tool.name!, input: (sampleOf(tool.input_schema ?? { type: 'object' }, 'Paris') ?? {}) as Record<string, unknown> }] };
}

/** The results the last user turn carries, as text. */
function toolResults(body: any): string[] {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((message) => message?.role === 'user');
  if (!last) return [];
  const blocks: any[] = Array.isArray(last.content) ? last.content : [{ type: 'text', text: String(last.content ?? '') }];
  const native = blocks.filter((block) => block?.type === 'tool_result').map((block) => contentText(block.content));
  if (native.length > 0) return native;
  const rendered = blocks.filter((block) => block?.type === 'text').map((block) => String(block.text)).join('');
  return [...rendered.matchAll(/<tool_result[^>]*>\n?([\s\S]*?)\n?<\/tool_result>/g)].map((match) => match[1]!);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((block: any) => (block?.type === 'text' ? String(block.text) : '')).join('');
  return '';
}

import type { FakeReply } from './anthropic-events.ts';
import { echoReply } from './fake-anthropic.ts';

interface Tool {
  name?: string;
  input_schema?: { properties?: Record<string, { type?: string }>; required?: string[] };
}

/**
 * A model that uses the tools it is offered, for tool round trips: with tools and no results yet,
 * it calls the first tool with arguments that satisfy its schema's required properties; given
 * results (native `tool_result` blocks, or `<tool_result>` tags in a rendered history), it answers
 * from them in text. Without tools it echoes, as {@link echoReply} does.
 */
export function toolCallingReply(body: any): FakeReply {
  const results = toolResults(body);
  if (results.length > 0) return { kind: 'text', text: `From the tools: ${results.join('; ')}` };
  const tools: Tool[] = Array.isArray(body?.tools) ? body.tools : [];
  const tool = tools.find((candidate) => typeof candidate.name === 'string');
  if (!tool) return echoReply(body);
  return { kind: 'tool_use', calls: [{ name: tool.name!, input: argumentsFor(tool) }] };
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

/** A value of each required property's type (every property, when none is marked required). */
function argumentsFor(tool: Tool): Record<string, unknown> {
  const properties = tool.input_schema?.properties ?? {};
  const names = tool.input_schema?.required ?? Object.keys(properties);
  const values: Record<string, unknown> = {};
  for (const name of names) values[name] = sampleOf(properties[name]?.type);
  return values;
}

function sampleOf(type: string | undefined): unknown {
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'Paris';
  }
}

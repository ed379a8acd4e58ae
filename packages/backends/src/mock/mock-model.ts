import { sampleOf, trailingToolMessages, type ChatRequest } from '@llm-gateway/shared';

/** What the mock does instead of its canned text, when a request asks for what a model would do. */
export type MockPlan =
  | { kind: 'tool-call'; id: string; name: string; arguments: string }
  | { kind: 'text'; text: string; json: boolean };

/**
 * The mock as a model for tools and JSON output, so client code written for a real backend runs
 * on it unchanged: offered tools (and `tool_choice` not `none`), it calls one once (the named one,
 * else the first) with arguments that satisfy its schema; given the results (the conversation
 * ends with `tool` messages), it answers from them; asked for JSON, it answers with a value that
 * matches the schema. Undefined when none of this applies: the canned answer then.
 */
export function planMockAnswer(request: ChatRequest, reply: string): MockPlan | undefined {
  const last = request.messages.at(-1);
  const tools = request.toolChoice === 'none' ? [] : (request.tools ?? []);
  const format = request.responseFormat;
  if (last?.role === 'tool') {
    const results = trailingToolMessages(request).map((message) => message.content);
    if (format && format.type !== 'text') return { kind: 'text', text: jsonAnswer(format, `The tools answered: ${results.join('; ')}`), json: true };
    return { kind: 'text', text: `The tools answered: ${results.join('; ')}`, json: false };
  }
  if (tools.length > 0 && last?.role === 'user') {
    const choice = request.toolChoice;
    const tool = (typeof choice === 'object' ? tools.find((candidate) => candidate.name === choice.name) : undefined) ?? tools[0]!;
    const index = request.messages.filter((message) => message.role === 'assistant' && message.toolCalls?.length).length;
    return { kind: 'tool-call', id: `call_mock_${index}_${tool.name}`, name: tool.name, arguments: JSON.stringify(sampleOf(tool.parameters ?? { type: 'object' }) ?? {}) };
  }
  if (format && format.type !== 'text') return { kind: 'text', text: jsonAnswer(format, reply), json: true };
  return undefined;
}

function jsonAnswer(format: Exclude<ChatRequest['responseFormat'], { type: 'text' } | undefined>, reply: string): string {
  if (format.type === 'json_object' || format.schema === undefined) return JSON.stringify({ answer: reply });
  return JSON.stringify(sampleOf(format.schema));
}

/** Cuts an answer at the first of `stop`, as a model stops there: the text before it, and whether it was cut. */
export function cutAtStop(text: string, stop: readonly string[] | undefined): { text: string; stopped: boolean } {
  let cut = -1;
  for (const sequence of stop ?? []) {
    if (sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (cut < 0 || index < cut)) cut = index;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

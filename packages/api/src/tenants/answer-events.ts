import type { JobEvent, ToolCall, Usage } from '@llm-gateway/shared';
import type { CachedAnswer } from './response-cache.ts';

/**
 * A cached answer as the events a dispatcher would yield, so the route answers it exactly as it
 * answers a fresh one: JSON, or the same SSE stream (role, content, finish, usage, `[DONE]`).
 */
export async function* replayAnswer(answer: CachedAnswer): AsyncGenerator<JobEvent> {
  yield { type: 'job-started', sessionId: null, supervisor: 'cache' };
  if (answer.text !== '') yield { type: 'text-delta', text: answer.text };
  for (const [index, call] of answer.toolCalls.entries()) {
    yield { type: 'tool-call-delta', index, id: call.id, name: call.name, argumentsDelta: call.arguments };
  }
  yield { type: 'usage', usage: answer.usage };
  yield { type: 'finish', finishReason: answer.finishReason, ...(answer.stopSequence === undefined ? {} : { stopSequence: answer.stopSequence }) };
}

/** How a job's event stream ended, as {@link observeAnswer} saw it. */
export interface ObservedEnd {
  /** The whole answer, present only when it finished successfully. */
  answer?: CachedAnswer;
  /** The last usage reported, if any. */
  usage?: Usage;
}

/**
 * Passes a job's events through unchanged and, once the stream is over however it ended (finish,
 * error, client gone), calls `onEnd` once with what it saw. Collecting the answer here serves the
 * JSON and the SSE paths alike.
 */
export async function* observeAnswer(
  events: AsyncIterator<JobEvent>,
  options: { collect: boolean; onEnd: (end: ObservedEnd) => void },
): AsyncGenerator<JobEvent> {
  const { collect, onEnd } = options;
  let text = '';
  const calls = new Map<number, ToolCall>();
  const end: ObservedEnd = {};
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) return;
      const event = next.value;
      if (event.type === 'usage') end.usage = event.usage;
      else if (collect && event.type === 'text-delta') text += event.text;
      else if (collect && event.type === 'tool-call-delta') {
        const call = calls.get(event.index) ?? { id: '', name: '', arguments: '' };
        if (event.id) call.id = event.id;
        if (event.name) call.name = event.name;
        call.arguments += event.argumentsDelta;
        calls.set(event.index, call);
      } else if (collect && event.type === 'finish') {
        const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
        const usage = end.usage ?? { promptTokens: 0, completionTokens: 0 };
        end.answer = { text, toolCalls, usage, finishReason: event.finishReason, ...(event.stopSequence === undefined ? {} : { stopSequence: event.stopSequence }) };
      }
      yield event;
    }
  } finally {
    await events.return?.();
    onEnd(end);
  }
}

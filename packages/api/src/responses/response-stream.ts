import type { FinishReason, GatewayError, StreamPart, ToolCall, Usage } from '@llm-gateway/shared';
import type { CompletionIdentity } from '../sse/openai-format.ts';
import type { StreamFormat } from '../sse/stream-completion.ts';
import {
  finishedStatus,
  functionCallItem,
  messageItem,
  responseObject,
  type ItemStatus,
  type ResponseOutputItem,
  type ResponseSettings,
  type ResponseState,
} from './response-object.ts';

type MessageItem = Extract<ResponseOutputItem, { type: 'message' }>;
type CallItem = Extract<ResponseOutputItem, { type: 'function_call' }>;

/**
 * The Responses API stream, as OpenAI sends it and its SDKs fold it: `response.created` and
 * `response.in_progress`; for each output item `output_item.added`, its deltas (text inside a
 * `content_part`, or function call arguments), its `.done` events and `output_item.done`; then
 * one terminal event (`response.completed`, `response.incomplete` or `response.failed`) carrying
 * the whole Response. Every event has the next `sequence_number`.
 */
export function responsesStreamFormat(
  identity: CompletionIdentity,
  settings: ResponseSettings,
  /** Sees the whole answer before the terminal event is written (to keep it before the client can refer to it). */
  onFinish: (answer: { text: string; toolCalls: ToolCall[] }) => void = () => {},
): StreamFormat {
  return new ResponseStreamWriter(identity, settings, onFinish);
}

class ResponseStreamWriter implements StreamFormat {
  #sequence = 0;
  readonly #output: ResponseOutputItem[] = [];
  /** The message item text is being written to, if one is open. */
  #message: MessageItem | undefined;
  /** Open function call items by the stream part's call index. */
  readonly #calls = new Map<number, CallItem>();

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly settings: ResponseSettings,
    private readonly onFinish: (answer: { text: string; toolCalls: ToolCall[] }) => void,
  ) {}

  start(): string {
    const response = this.#response({ status: 'in_progress', output: [] });
    return this.#event('response.created', { response }) + this.#event('response.in_progress', { response });
  }

  delta(part: Extract<StreamPart, { type: 'text-delta' | 'tool-call-delta' }>): string | undefined {
    if (part.type === 'text-delta') {
      if (part.text === '') return undefined;
      const opened = this.#message ? '' : this.#openMessage();
      const message = this.#message!;
      message.content[0]!.text += part.text;
      return opened + this.#event('response.output_text.delta', { ...this.#textRef(message), delta: part.text, logprobs: [] });
    }
    // The text before a call is complete once the call begins.
    let text = this.#closeMessage('completed');
    let call = this.#calls.get(part.index);
    if (!call) {
      call = functionCallItem({ id: part.id ?? '', name: part.name ?? '', arguments: '' }, 'in_progress');
      this.#calls.set(part.index, call);
      text += this.#added(call);
    }
    if (part.argumentsDelta !== '') {
      call.arguments += part.argumentsDelta;
      text += this.#event('response.function_call_arguments.delta', { item_id: call.id, output_index: this.#indexOf(call), delta: part.argumentsDelta });
    }
    return text === '' ? undefined : text;
  }

  finish(finishReason: FinishReason, usage: Usage | undefined): string {
    const status = finishedStatus(finishReason);
    // An answer with no output at all still has its (empty) message, as the JSON body does.
    let text = this.#output.length === 0 ? this.#openMessage() : '';
    text += this.#closeMessage(status);
    for (const call of this.#calls.values()) {
      call.status = 'completed';
      text += this.#event('response.function_call_arguments.done', { item_id: call.id, output_index: this.#indexOf(call), name: call.name, arguments: call.arguments });
      text += this.#event('response.output_item.done', { output_index: this.#indexOf(call), item: call });
    }
    this.#calls.clear();
    this.onFinish(this.#answer());
    const response = this.#response({ status, output: this.#output, usage: usage ?? { promptTokens: 0, completionTokens: 0 }, finishReason });
    return text + this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  fail(error: GatewayError): string {
    // The items still open were cut short; the failed Response shows them as they stood.
    for (const item of this.#output) if (item.status === 'in_progress') item.status = 'incomplete';
    return this.#event('response.failed', { response: this.#response({ status: 'failed', output: this.#output, error }) });
  }

  /** The answer the output items hold. */
  #answer(): { text: string; toolCalls: ToolCall[] } {
    let text = '';
    const toolCalls: ToolCall[] = [];
    for (const item of this.#output) {
      if (item.type === 'message') text += item.content.map((part) => part.text).join('');
      else toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
    }
    return { text, toolCalls };
  }

  #openMessage(): string {
    const message = messageItem('', 'in_progress');
    // Announced without content: the SDKs' accumulators add the part on `content_part.added`.
    const part = message.content.pop()!;
    this.#message = message;
    const added = this.#added(message);
    message.content.push(part);
    return added + this.#event('response.content_part.added', { ...this.#textRef(message), part });
  }

  #closeMessage(status: ItemStatus): string {
    const message = this.#message;
    if (!message) return '';
    this.#message = undefined;
    message.status = status;
    const part = message.content[0]!;
    return (
      this.#event('response.output_text.done', { ...this.#textRef(message), text: part.text, logprobs: [] }) +
      this.#event('response.content_part.done', { ...this.#textRef(message), part }) +
      this.#event('response.output_item.done', { output_index: this.#indexOf(message), item: message })
    );
  }

  #added(item: ResponseOutputItem): string {
    this.#output.push(item);
    // Serialized at once, so the event shows the item as it is now, before any delta.
    return this.#event('response.output_item.added', { output_index: this.#output.length - 1, item });
  }

  #textRef(message: MessageItem) {
    return { item_id: message.id, output_index: this.#indexOf(message), content_index: 0 };
  }

  #indexOf(item: ResponseOutputItem): number {
    return this.#output.indexOf(item);
  }

  #response(state: ResponseState): Record<string, unknown> {
    return responseObject(this.identity, this.settings, state);
  }

  #event(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#sequence++, ...fields })}\n\n`;
  }
}

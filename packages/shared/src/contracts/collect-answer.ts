import { GatewayError } from '../errors/gateway-error.ts';
import type { ToolCall } from './chat-request.ts';
import type { FinishReason, StreamPart, Usage } from './stream-part.ts';

/** A whole answer, collected from a stream of parts. */
export interface CollectedAnswer {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  finishReason: FinishReason;
  /** The stop sequence the answer ended at, where the backend said. */
  stopSequence?: string;
}

/**
 * Collects a stream into one answer (the non-streaming response is the same stream, collected).
 * @throws GatewayError when the stream ends in an error part or without a finish.
 */
export async function collectAnswer<Other extends { type: string }>(
  parts: AsyncIterable<StreamPart | Other>,
  /** Sees every item that is not a stream part (e.g. a job's `job-started`), without another generator layer. */
  onOther?: (item: Other) => void,
): Promise<CollectedAnswer> {
  let text = '';
  const calls = new Map<number, ToolCall>();
  let usage: Usage = { promptTokens: 0, completionTokens: 0 };
  for await (const item of parts) {
    const part = item as StreamPart;
    switch (part.type) {
      case 'text-delta':
        text += part.text;
        break;
      case 'tool-call-delta': {
        const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
        if (part.id) call.id = part.id;
        if (part.name) call.name = part.name;
        call.arguments += part.argumentsDelta;
        calls.set(part.index, call);
        break;
      }
      case 'usage':
        usage = part.usage;
        break;
      case 'finish':
        return {
          text,
          toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
          usage,
          finishReason: part.finishReason,
          ...(part.stopSequence === undefined ? {} : { stopSequence: part.stopSequence }),
        };
      case 'error':
        throw GatewayError.fromJSON(part.error);
      default:
        onOther?.(item as Other);
    }
  }
  throw new GatewayError('upstream_error', 'The backend ended the answer without finishing it.');
}

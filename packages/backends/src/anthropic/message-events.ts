import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';

/**
 * A whole (non-streamed) Anthropic message as the stream events that would have carried it, so
 * one translator serves both: each block arrives complete in its `content_block_start`, as in a
 * replayed answer.
 */
export function messageToEvents(message: Message): RawMessageStreamEvent[] {
  const events: RawMessageStreamEvent[] = [{ type: 'message_start', message: { ...message, content: [], stop_reason: null } }];
  message.content.forEach((block, index) => {
    events.push({ type: 'content_block_start', index, content_block: block } as RawMessageStreamEvent);
    events.push({ type: 'content_block_stop', index });
  });
  // Only what the translator reads; the SDK's delta type has more fields than a whole message carries.
  const delta = { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence ?? null }, usage: message.usage };
  events.push(delta as unknown as RawMessageStreamEvent);
  events.push({ type: 'message_stop' });
  return events;
}

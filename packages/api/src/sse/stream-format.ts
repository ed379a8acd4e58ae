import type { FinishReason, GatewayError, StreamPart, Usage } from '@llm-gateway/shared';

/**
 * How one dialect writes an answer as SSE: the stream's mechanics (first part awaited before the
 * headers, cancellation, the deadline, one final error event) are the same for every front end,
 * only the events differ. A format may keep state (which content block is open).
 */
export interface StreamFormat {
  /** What is written before the first part. */
  start(): string;
  /** The event of a text or tool-call delta; undefined when it carries nothing. */
  delta(part: Extract<StreamPart, { type: 'text-delta' | 'tool-call-delta' }>): string | undefined;
  /** The end of a finished answer, with its usage when the backend reported any. */
  finish(finishReason: FinishReason, usage: Usage | undefined, stopSequence?: string): string;
  /** A failure after the stream began; the stream closes after it. */
  error(error: GatewayError): string;
}

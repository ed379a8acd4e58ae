import { ERROR_CODES, type AnthropicErrorEntry } from './error-codes.ts';
import type { GatewayError } from './gateway-error.ts';

/** Anthropic's error body: `{"type":"error","error":{"type","message"}}`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorEntry['type']; message: string };
}

/**
 * A {@link GatewayError} as the Messages front end answers it: the type and status from the one
 * error table. A status the error carries over the table's (an upstream's 403 passed through)
 * is kept, as in OpenAI's rendering.
 */
export function toAnthropicError(error: GatewayError): { status: number; body: AnthropicErrorBody } {
  const table = ERROR_CODES[error.code];
  const entry: AnthropicErrorEntry = table.anthropic;
  const status = error.status !== table.status ? error.status : (entry.status ?? error.status);
  return { status, body: { type: 'error', error: { type: entry.type, message: error.message } } };
}

import type { Context } from 'hono';
import { GatewayError } from '@llm-gateway/shared';
import { readBody } from '../middleware/read-body.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.ts';

/** The request body as JSON, capped at `maxBytes` and at {@link MAX_JSON_DEPTH} levels of nesting. */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const text = await readBody(c, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatewayError(
      'invalid_json',
      'We could not parse the JSON body of your request. The body must be a JSON object.',
    );
  }
  // Recursive code further on (JSON.stringify, structured clone) overflows the stack on deep nesting.
  if (nestedDeeperThan(value)) {
    throw new GatewayError('invalid_json', `The JSON body of your request is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}

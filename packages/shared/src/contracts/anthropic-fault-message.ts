import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.ts';
import { formatParam, openAIWording } from './openai-fault-message.ts';
import { requestFault, type RequestFault } from './request-fault.ts';
import type { ExpectedShape, Primitive } from './schema-shape.ts';
import { QUOTE_CHARS, quotePrefix } from './string-caps.ts';

/**
 * A failed schema check as the Anthropic Messages API answers it: `<path>: <what is wrong>`, the
 * path dotted (`messages.0.content`) and the wording Anthropic's own validation uses ("Field
 * required", "Input should be a valid list"). The code is the same as OpenAI's for the fault,
 * for logs and metrics; Anthropic's body carries only the error type.
 */
export function anthropicValidationError(error: z.ZodError, body: unknown, schema: z.ZodType): GatewayError {
  const fault = requestFault(error, body, schema);
  const param = formatParam(fault.path);
  const { code } = openAIWording(fault, param ?? 'body');
  const location = anthropicPath(fault.path);
  return new GatewayError(code, location === '' ? anthropicDetail(fault) : `${location}: ${anthropicDetail(fault)}`, { param });
}

function anthropicDetail(fault: RequestFault): string {
  switch (fault.kind) {
    case 'missing':
      return 'Field required';
    case 'type':
      return `Input should be ${shape(fault.expected)}`;
    case 'value':
      return `Input should be ${values(fault.allowed)}`;
    case 'too-small':
    case 'too-big':
      return bound(fault);
    case 'pattern':
      return `String should match pattern '${fault.pattern}'`;
    case 'key-too-long':
      return `Keys should have at most ${fault.limit} characters, not ${fault.key.length}`;
    case 'other':
      return quotePrefix(fault.detail, 200);
  }
}

function bound(fault: Extract<RequestFault, { kind: 'too-small' | 'too-big' }>): string {
  const small = fault.kind === 'too-small';
  const { subject, limit, actual } = fault;
  if (subject === 'integer' || subject === 'decimal') {
    return `Input should be ${small ? 'greater' : 'less'} than ${fault.inclusive ? 'or equal to ' : ''}${limit}`;
  }
  const least = small ? 'at least' : 'at most';
  if (subject === 'string') return `String should have ${least} ${limit} character${limit === 1 ? '' : 's'}`;
  const noun = subject === 'array' ? 'List' : 'Dictionary';
  return `${noun} should have ${least} ${limit} item${limit === 1 ? '' : 's'} after validation, not ${actual}`;
}

function shape(expected: ExpectedShape): string {
  switch (expected.kind) {
    case 'array':
      return 'a valid list';
    case 'object':
      return 'a valid dictionary';
    case 'decimal':
      return 'a valid number';
    case 'values':
      return values(expected.values);
    case 'one-of':
      return expected.options.map(shape).join(' or ');
    case 'unknown':
      return 'of another type';
    default:
      return `a valid ${expected.kind}`;
  }
}

/** `'user' or 'assistant'`, `'a', 'b' or 'c'`, as Anthropic lists allowed values. */
function values(allowed: readonly Primitive[]): string {
  const quoted = allowed.map((value) => (typeof value === 'string' ? `'${quotePrefix(value)}'` : String(value)));
  return quoted.length <= 2 ? quoted.join(' or ') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** `['messages', 0, 'content']` → `messages.0.content`, as Anthropic names a place. */
function anthropicPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? String(key) : quotePrefix(String(key), QUOTE_CHARS))).join('.');
}

import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import { requestFault, type RequestFault } from './request-fault.ts';
import type { ExpectedShape, Primitive } from './schema-shape.ts';
import { QUOTE_CHARS, quotePrefix } from './string-caps.ts';

/**
 * A failed schema check as OpenAI answers it: its code for the kind of fault and its wording
 * ("Missing required parameter: 'messages'.", "Invalid type for 'n': expected an integer, but got
 * a string instead."), with `param` naming the place (`messages[0].content`). A client's string
 * is quoted only up to a short prefix.
 */
export function openAIValidationError(error: z.ZodError, body: unknown, schema: z.ZodType): GatewayError {
  const fault = requestFault(error, body, schema);
  const param = formatParam(fault.path);
  const { code, message } = openAIWording(fault, param ?? 'body');
  return new GatewayError(code, message, { param });
}

/** The code and message for one fault; `param` as OpenAI names it. */
export function openAIWording(fault: RequestFault, param: string): { code: ErrorCode; message: string } {
  switch (fault.kind) {
    case 'missing':
      return { code: 'missing_required_parameter', message: `Missing required parameter: '${param}'.` };
    case 'type':
      return { code: 'invalid_type', message: `Invalid type for '${param}': expected ${shape(fault.expected)}, but got ${kindOf(fault.got)} instead.` };
    case 'value':
      return { code: 'invalid_value', message: `Invalid value: ${quote(fault.value)}. Supported values are: ${list(fault.allowed.map(quote), 'and')}.` };
    case 'too-small':
    case 'too-big':
      return boundWording(fault, param);
    case 'pattern':
      return {
        code: 'invalid_value',
        message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${fault.pattern}'.`,
      };
    case 'key-too-long':
      return {
        code: 'property_name_above_max_length',
        message: `Invalid property name in '${param}': '${quotePrefix(fault.key)}' is too long. Expected a string with maximum length ${fault.limit}, but got a string with length ${fault.key.length} instead.`,
      };
    case 'other':
      return { code: 'invalid_value', message: `Invalid '${param}': ${quotePrefix(fault.detail, 200)}` };
  }
}

function boundWording(fault: Extract<RequestFault, { kind: 'too-small' | 'too-big' }>, param: string): { code: ErrorCode; message: string } {
  const small = fault.kind === 'too-small';
  const { subject, limit, actual } = fault;
  if (subject === 'integer' || subject === 'decimal') {
    const sign = `${small ? '>' : '<'}${fault.inclusive ? '=' : ''}`;
    return {
      code: `${subject}_${small ? 'below_min' : 'above_max'}_value` as const,
      message: `Invalid '${param}': ${subject} ${small ? 'below minimum' : 'above maximum'} value. Expected a value ${sign} ${limit}, but got ${actual} instead.`,
    };
  }
  if (subject === 'properties') {
    return {
      code: 'object_above_max_properties',
      message: `Invalid '${param}': too many properties. Expected an object with at most ${limit} properties, but got an object with ${actual} properties instead.`,
    };
  }
  const noun = subject === 'array' ? 'an array' : 'a string';
  if (small && actual === 0) {
    return {
      code: subject === 'array' ? 'empty_array' : 'empty_string',
      message: `Invalid '${param}': empty ${subject}. Expected ${noun} with minimum length ${limit}, but got an empty ${subject} instead.`,
    };
  }
  return {
    code: `${subject}_${small ? 'below_min' : 'above_max'}_length` as const,
    message: `Invalid '${param}': ${subject} too ${small ? 'short' : 'long'}. Expected ${noun} with ${small ? 'minimum' : 'maximum'} length ${limit}, but got ${noun} with length ${actual} instead.`,
  };
}

/**
 * `['messages', 0, 'content']` → `messages[0].content`, as OpenAI names params. A key the client
 * chose (a metadata key) is quoted only up to a short prefix.
 */
export function formatParam(path: readonly PropertyKey[]): string | null {
  let param = '';
  for (const key of path) {
    if (typeof key === 'number') param += `[${key}]`;
    else {
      const name = quotePrefix(String(key), QUOTE_CHARS);
      param += param === '' ? name : `.${name}`;
    }
  }
  return param === '' ? null : param;
}

/** "an array of objects", "one of a string or array of objects", as OpenAI says them. */
function shape(expected: ExpectedShape, article = true): string {
  const a = (word: string) => (article ? `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}` : word);
  switch (expected.kind) {
    case 'array':
      return a(`array of ${plural(expected.of)}`);
    case 'values':
      return expected.values.length === 1 ? quote(expected.values[0] as Primitive) : `one of ${list(expected.values.map(quote), 'or')}`;
    // OpenAI's own: the first option has its article, the others not ("one of a string or array of objects").
    case 'one-of': {
      const options = expected.options.flatMap((option, index): string[] => (option.kind === 'values' ? option.values.map(quote) : [shape(option, index === 0)]));
      return `one of ${list(options, 'or')}`;
    }
    case 'unknown':
      return 'another type';
    default:
      return a(expected.kind);
  }
}

function plural(expected: ExpectedShape): string {
  switch (expected.kind) {
    case 'array':
      return 'arrays';
    case 'values':
    case 'one-of':
    case 'unknown':
      return 'values';
    default:
      return `${expected.kind}s`;
  }
}

/** What a JSON value is, in OpenAI's words: "a string", "an integer", "a decimal number", "null"… */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal number';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : typeof value === 'boolean' ? 'a boolean' : 'a value';
}

function quote(value: Primitive): string {
  return typeof value === 'string' ? `'${quotePrefix(value)}'` : String(value);
}

/** `a`, `a and b`, `a, b, and c` (OpenAI writes the serial comma). */
function list(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 2) return items.join(` ${conjunction} `);
  return `${items.slice(0, -1).join(', ')}, ${conjunction} ${items.at(-1)}`;
}

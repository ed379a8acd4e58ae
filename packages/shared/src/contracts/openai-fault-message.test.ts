import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseChatRequest } from './normalize-request.ts';
import { parseResponsesRequest } from './normalize-responses.ts';

function refusal(parse: (body: unknown) => unknown, body: unknown): unknown {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof GatewayError) return { status: error.status, body: error.toBody() };
    throw error;
  }
  throw new Error('expected a refusal');
}

const messages = [{ role: 'user', content: 'Hi' }];
const tool = { type: 'function', function: { name: 'f' } };

// OpenAI's codes and wording for each kind of fault, as its API answers them (see the README's
// "Differences from OpenAI" for where the gateway departs on purpose).
const chatCases: Array<[string, Record<string, unknown>, string | null, string, string]> = [
  ['no messages', { messages: undefined }, 'messages', 'missing_required_parameter', "Missing required parameter: 'messages'."],
  ['no model', { model: undefined }, 'model', 'missing_required_parameter', "Missing required parameter: 'model'."],
  ['a string for messages', { messages: 'Hi' }, 'messages', 'invalid_type', "Invalid type for 'messages': expected an array of objects, but got a string instead."],
  ['null for messages', { messages: null }, 'messages', 'invalid_type', "Invalid type for 'messages': expected an array of objects, but got null instead."],
  ['no messages in the array', { messages: [] }, 'messages', 'empty_array', "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."],
  ['a message that is a string', { messages: ['Hi'] }, 'messages[0]', 'invalid_type', "Invalid type for 'messages[0]': expected an object, but got a string instead."],
  ['a message with no role', { messages: [{ content: 'Hi' }] }, 'messages[0].role', 'missing_required_parameter', "Missing required parameter: 'messages[0].role'."],
  [
    'an unknown role',
    { messages: [{ role: 'bogus', content: 'Hi' }] },
    'messages[0].role',
    'invalid_value',
    "Invalid value: 'bogus'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.",
  ],
  [
    'a number for content',
    { messages: [{ role: 'user', content: 7 }] },
    'messages[0].content',
    'invalid_type',
    "Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an integer instead.",
  ],
  [
    'an unknown content part',
    { messages: [{ role: 'user', content: [{ type: 'video' }] }] },
    'messages[0].content[0].type',
    'invalid_value',
    "Invalid value: 'video'. Supported values are: 'text' and 'image_url'.",
  ],
  ['a string temperature', { temperature: 'hot' }, 'temperature', 'invalid_type', "Invalid type for 'temperature': expected a decimal, but got a string instead."],
  ['a temperature above 2', { temperature: 3 }, 'temperature', 'decimal_above_max_value', "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."],
  ['max_tokens 0', { max_tokens: 0 }, 'max_tokens', 'integer_below_min_value', "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead."],
  ['a decimal seed', { seed: 1.5 }, 'seed', 'invalid_type', "Invalid type for 'seed': expected an integer, but got a decimal number instead."],
  ['a string stream', { stream: 'yes' }, 'stream', 'invalid_type', "Invalid type for 'stream': expected a boolean, but got a string instead."],
  ['an object user', { user: { id: 1 } }, 'user', 'invalid_type', "Invalid type for 'user': expected a string, but got an object instead."],
  ['an empty model', { model: '' }, 'model', 'empty_string', "Invalid 'model': empty string. Expected a string with minimum length 1, but got an empty string instead."],
  ['a string tools', { tools: 'none' }, 'tools', 'invalid_type', "Invalid type for 'tools': expected an array of objects, but got a string instead."],
  ['a tool with no function', { tools: [{ type: 'function' }] }, 'tools[0].function', 'missing_required_parameter', "Missing required parameter: 'tools[0].function'."],
  ['too many tools', { tools: Array(129).fill(tool) }, 'tools', 'array_above_max_length', "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead."],
  [
    'a tool name with a space',
    { tools: [{ type: 'function', function: { name: 'a b' } }] },
    'tools[0].function.name',
    'invalid_value',
    "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
  ],
  ['an unknown tool_choice', { tool_choice: 'bogus' }, 'tool_choice', 'invalid_value', "Invalid value: 'bogus'. Supported values are: 'none', 'auto', and 'required'."],
  [
    'a number for tool_choice',
    { tool_choice: 7 },
    'tool_choice',
    'invalid_type',
    "Invalid type for 'tool_choice': expected one of 'none', 'auto', 'required', or object, but got an integer instead.",
  ],
  ['a response_format with no type', { response_format: {} }, 'response_format.type', 'missing_required_parameter', "Missing required parameter: 'response_format.type'."],
  ['five stop sequences', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', 'array_above_max_length', "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead."],
  ['a number for stop', { stop: 5 }, 'stop', 'invalid_type', "Invalid type for 'stop': expected one of a string or array of strings, but got an integer instead."],
  ['a long metadata value', { metadata: { k: 'x'.repeat(600) } }, 'metadata.k', 'string_above_max_length', "Invalid 'metadata.k': string too long. Expected a string with maximum length 512, but got a string with length 600 instead."],
  [
    'seventeen metadata pairs',
    { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) },
    'metadata',
    'object_above_max_properties',
    "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
  ],
  ['n=2', { n: 2 }, 'n', 'unsupported_value', "Unsupported value: 'n' does not support 2 with this gateway. Supported values are: 1."],
];

describe('chat completion request faults', () => {
  it.each(chatCases)('%s: 400 with OpenAI\'s code and wording', (_what, fields, param, code, message) => {
    const body: Record<string, unknown> = { model: 'claude-sonnet', messages, ...fields };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    expect(refusal(parseChatRequest, body)).toEqual({ status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } });
  });

  it('quotes at most a short prefix of a value it names', () => {
    const role = 'r'.repeat(100_000);
    const body = refusal(parseChatRequest, { model: 'm', messages: [{ role, content: 'Hi' }] }) as { body: { error: { message: string } } };
    expect(body.body.error.message).toContain(`Invalid value: '${'r'.repeat(64)}…'.`);
  });
});

describe('Responses request faults', () => {
  it.each([
    ['no input', { input: undefined }, 'input', 'missing_required_parameter', "Missing required parameter: 'input'."],
    ['a number for input', { input: 5 }, 'input', 'invalid_type', "Invalid type for 'input': expected one of an array of objects or string, but got an integer instead."],
    [
      'a number for an item\'s content',
      { input: [{ role: 'user', content: 5 }] },
      'input[0].content',
      'invalid_type',
      "Invalid type for 'input[0].content': expected one of an array of objects or string, but got an integer instead.",
    ],
    ['a number for a part\'s text', { input: [{ role: 'user', content: [{ type: 'input_text', text: 5 }] }] }, 'input[0].content[0].text', 'invalid_type', "Invalid type for 'input[0].content[0].text': expected a string, but got an integer instead."],
    ['a function call without arguments', { input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }, 'input[0].arguments', 'missing_required_parameter', "Missing required parameter: 'input[0].arguments'."],
  ])('%s: 400 with OpenAI\'s code and wording', (_what, fields, param, code, message) => {
    const body: Record<string, unknown> = Object.assign({ model: 'claude-sonnet', input: 'Hi' }, fields);
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    expect(refusal(parseResponsesRequest, body)).toEqual({ status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } });
  });
});

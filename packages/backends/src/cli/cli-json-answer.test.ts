import { describe, expect, it } from 'vitest';
import { jsonAnswerTool } from '../json-answer-tool.ts';
import { createJsonCheck, jsonInText } from './cli-json-answer.ts';

const person = { type: 'json_schema' as const, name: 'person', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] } };

describe('JSON answers on the CLI', () => {
  it("offers the client's object schema as the answer tool's input, and describes a non-object one", () => {
    expect(jsonAnswerTool(person)).toMatchObject({ name: 'json_response', parameters: person.schema });
    const list = jsonAnswerTool({ type: 'json_schema', name: 'list', schema: { type: 'array' } });
    expect(list.parameters).toEqual({ type: 'object', additionalProperties: true });
    expect(list.description).toContain('"type":"array"');
  });

  it('accepts only JSON that matches the format', () => {
    const check = createJsonCheck(person);
    expect(check('{"name":"Ada","age":36}')).toBeUndefined();
    expect(check('{"age":36}')).toMatch(/does not match the schema.*name/);
    expect(check('not json')).toBe('the answer is not JSON');
    const object = createJsonCheck({ type: 'json_object' });
    expect(object('{"a":1}')).toBeUndefined();
    expect(object('[1,2]')).toBe('the answer is not a JSON object');
  });

  it('finds the JSON of a text answer, fenced or not', () => {
    expect(jsonInText('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(jsonInText('  {"a":1}\n')).toBe('{"a":1}');
  });
});

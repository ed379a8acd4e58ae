import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { sampleOf } from './schema-sample.ts';

const ajv = new Ajv({ strict: false });
// Checked, not ignored (Ajv knows no formats by itself, and says so on stderr for each schema).
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);

describe('sampleOf', () => {
  it('gives values that validate against the schemas clients send', () => {
    const schemas = [
      { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city', 'unit'] },
      { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer', minimum: 3 } }, required: ['id'] }, minItems: 2 } } },
      { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, code: { type: 'string', minLength: 6 }, ok: { type: 'boolean' } }, required: ['at', 'code', 'ok'] },
      { type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'string' }] } },
      { type: ['string', 'null'] },
      { type: 'object', additionalProperties: false, properties: { nested: { type: 'object', properties: { deep: { const: 42 } }, required: ['deep'] } }, required: ['nested'] },
    ];
    for (const schema of schemas) {
      const value = sampleOf(schema);
      expect(ajv.validate(schema, value), `${JSON.stringify(schema)} -> ${JSON.stringify(value)}`).toBe(true);
    }
  });
});

/**
 * A value that satisfies a JSON Schema, for fakes that play a model (the mock backend's tool
 * arguments and JSON answers, testkit's fake Anthropic API): the
 * simplest one of each type, the first of an `enum` or of `anyOf`/`oneOf`, required properties
 * (every property when none is marked required), `minItems` items. Enough for the schemas clients
 * send; `$ref` and pattern constraints are not followed. `text` is the plain string it uses.
 */
export function sampleOf(schema: unknown, text = 'mock', depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const spec = schema as Record<string, unknown>;
  if ('const' in spec) return spec.const;
  if (Array.isArray(spec.enum) && spec.enum.length > 0) return spec.enum[0];
  const alternative = (Array.isArray(spec.anyOf) ? spec.anyOf : Array.isArray(spec.oneOf) ? spec.oneOf : undefined)?.[0];
  if (alternative !== undefined) return sampleOf(alternative, text, depth + 1);
  const type = Array.isArray(spec.type) ? spec.type.find((candidate) => candidate !== 'null') : spec.type;
  switch (type) {
    case 'object':
      return objectSample(spec, text, depth);
    case 'array': {
      const count = typeof spec.minItems === 'number' ? spec.minItems : 1;
      return Array.from({ length: count }, () => sampleOf(spec.items ?? { type: 'string' }, text, depth + 1));
    }
    case 'string':
      return stringSample(spec, text);
    case 'integer':
    case 'number':
      return typeof spec.minimum === 'number' ? spec.minimum : typeof spec.exclusiveMinimum === 'number' ? spec.exclusiveMinimum + 1 : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return spec.properties ? objectSample(spec, text, depth) : text;
  }
}

function objectSample(spec: Record<string, unknown>, text: string, depth: number): Record<string, unknown> {
  const properties = (spec.properties ?? {}) as Record<string, unknown>;
  const names = Array.isArray(spec.required) ? (spec.required as string[]) : Object.keys(properties);
  const value: Record<string, unknown> = {};
  for (const name of names) value[name] = sampleOf(properties[name] ?? { type: 'string' }, text, depth + 1);
  return value;
}

function stringSample(spec: Record<string, unknown>, text: string): string {
  if (spec.format === 'date-time') return '2026-01-01T00:00:00Z';
  if (spec.format === 'date') return '2026-01-01';
  if (spec.format === 'email') return 'mock@example.com';
  if (spec.format === 'uri') return 'https://example.com/';
  const minimum = typeof spec.minLength === 'number' ? spec.minLength : 0;
  return text.padEnd(minimum, 'k');
}

import type { z } from 'zod';
import { describeSchema, isIntegerSchema, isRecord, schemaAt, type ExpectedShape, type Primitive } from './schema-shape.ts';

/** What a bound limits: a number's value, a string's or array's length, an object's properties. */
export type BoundSubject = 'integer' | 'decimal' | 'string' | 'array' | 'properties';

/**
 * The first thing wrong with a request body, independent of how a dialect words it: the
 * validation library's issue read together with the body and the schema, so a message can say
 * what was expected and what came instead.
 */
export type RequestFault = { path: readonly PropertyKey[] } & (
  | { kind: 'missing' }
  | { kind: 'type'; expected: ExpectedShape; got: unknown }
  | { kind: 'value'; value: Primitive; allowed: readonly Primitive[] }
  | { kind: 'too-small' | 'too-big'; subject: BoundSubject; limit: number; inclusive: boolean; actual: number }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'key-too-long'; key: string; limit: number }
  | { kind: 'other'; detail: string }
);

/** Set as a refinement's `params` for a limit on an object's properties (zod has no such check). */
export interface MaxPropertiesParams {
  maxProperties: number;
}

/** The fault a failed schema check reports first. */
export function requestFault(error: z.ZodError, body: unknown, schema: z.ZodType): RequestFault {
  const issue = error.issues[0];
  if (issue === undefined) return { path: [], kind: 'other', detail: 'invalid request' };
  return faultOf(issue, [], body, schema);
}

type Issue = z.core.$ZodIssue;

function faultOf(issue: Issue, prefix: readonly PropertyKey[], body: unknown, schema: z.ZodType): RequestFault {
  const path = [...prefix, ...issue.path];
  const { present, value } = valueAt(body, path);
  // Absent and required: zod says "expected X, received undefined" whatever X is.
  if (!present && issue.code !== 'custom' && issue.code !== 'invalid_key') return { path, kind: 'missing' };
  const expected = () => describeSchema(schemaAt(schema, path, body));
  switch (issue.code) {
    case 'invalid_type':
      return { path, kind: 'type', expected: expected(), got: value };
    case 'invalid_value':
      return valueFault(path, value, issue.values as readonly Primitive[]);
    case 'invalid_union':
      if (typeof issue.discriminator === 'string' && 'options' in issue) {
        return valueFault(path, value, (issue.options ?? []) as readonly Primitive[]);
      }
      return unionFault(issue.errors, path, value, body, schema) ?? { path, kind: 'type', expected: expected(), got: value };
    case 'too_small':
    case 'too_big':
      return boundFault(issue, path, value, schemaAt(schema, path, body));
    case 'invalid_format':
      return 'pattern' in issue && typeof issue.pattern === 'string'
        ? { path, kind: 'pattern', pattern: issue.pattern.replace(/^\/|\/[a-z]*$/g, '') }
        : { path, kind: 'other', detail: issue.message };
    case 'invalid_key': {
      const inner = issue.issues[0];
      const key = String(path.at(-1));
      if (inner?.code === 'too_big') return { path: path.slice(0, -1), kind: 'key-too-long', key, limit: Number(inner.maximum) };
      return { path: path.slice(0, -1), kind: 'other', detail: inner?.message ?? issue.message };
    }
    case 'custom': {
      const params = issue.params as Partial<MaxPropertiesParams> | undefined;
      if (typeof params?.maxProperties === 'number' && isRecord(value)) {
        return { path, kind: 'too-big', subject: 'properties', limit: params.maxProperties, inclusive: true, actual: Object.keys(value).length };
      }
      return { path, kind: 'other', detail: issue.message };
    }
    default:
      return { path, kind: 'other', detail: issue.message };
  }
}

/** A value outside a fixed set; a value of another kind altogether is a type fault. */
function valueFault(path: readonly PropertyKey[], value: unknown, allowed: readonly Primitive[]): RequestFault {
  const sameKind = allowed.some((option) => typeof option === typeof value && (option === null) === (value === null));
  if (sameKind) return { path, kind: 'value', value: value as Primitive, allowed };
  return { path, kind: 'type', expected: { kind: 'values', values: allowed }, got: value };
}

/**
 * A union none of whose options took the value. An option that refused the value's kind outright
 * says nothing; the first that got further (the array option for an array, say) names the real
 * fault, deeper in. None: the value is of a kind no option takes (undefined is returned).
 */
function unionFault(branches: readonly (readonly Issue[])[], path: readonly PropertyKey[], value: unknown, body: unknown, schema: z.ZodType): RequestFault | undefined {
  for (const issues of branches) {
    const first = issues[0];
    if (first === undefined || refusesKind(first, value)) continue;
    return faultOf(first, path, body, schema);
  }
  return undefined;
}

function refusesKind(issue: Issue, value: unknown): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  if (issue.code === 'invalid_value') return valueFault([], value, issue.values as readonly Primitive[]).kind === 'type';
  return false;
}

function boundFault(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, path: readonly PropertyKey[], value: unknown, schema: z.ZodType | undefined): RequestFault {
  const kind = issue.code === 'too_small' ? 'too-small' : 'too-big';
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (typeof value === 'number') return { path, kind, subject: isIntegerSchema(schema) ? 'integer' : 'decimal', limit, inclusive, actual: value };
  if (typeof value === 'string') return { path, kind, subject: 'string', limit, inclusive, actual: value.length };
  if (Array.isArray(value)) return { path, kind, subject: 'array', limit, inclusive, actual: value.length };
  return { path, kind: 'other', detail: issue.message };
}

/** The value at `path` of `body`, and whether it is there at all (JSON has no `undefined`). */
function valueAt(body: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let value = body;
  for (const key of path) {
    if (!(isRecord(value) || Array.isArray(value)) || !Object.hasOwn(value, key)) return { present: false, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { present: value !== undefined, value };
}

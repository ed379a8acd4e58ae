import { z } from 'zod';

/** A JSON value a field may be fixed to (an enum member, a literal). */
export type Primitive = string | number | boolean | null;

/**
 * What a field takes, as an error message describes it: read off the schema, so the wording
 * follows the schema when it changes.
 */
export type ExpectedShape =
  | { kind: 'string' | 'integer' | 'decimal' | 'boolean' | 'object' | 'unknown' }
  | { kind: 'array'; of: ExpectedShape }
  | { kind: 'values'; values: readonly Primitive[] }
  | { kind: 'one-of'; options: readonly ExpectedShape[] };

const takingStrings = new WeakSet<z.ZodType>();

/**
 * Marks a schema that reads a string as its own shape before the check (a `z.preprocess` turning
 * `"hi"` into one text part), so that its description says it takes a string too.
 */
export function takesStringToo<Schema extends z.ZodType>(schema: Schema): Schema {
  takingStrings.add(schema);
  return schema;
}

/** The shape `schema` accepts, for a "expected …, but got …" message. */
export function describeSchema(schema: z.ZodType | undefined): ExpectedShape {
  const inner = unwrap(schema);
  if (schema !== undefined && takingStrings.has(schema)) return oneOf([describeSchema(inner === schema ? undefined : inner), { kind: 'string' }]);
  if (inner instanceof z.ZodString) return { kind: 'string' };
  if (inner instanceof z.ZodNumber) return { kind: inner.isInt ? 'integer' : 'decimal' };
  if (inner instanceof z.ZodBoolean) return { kind: 'boolean' };
  if (inner instanceof z.ZodObject || inner instanceof z.ZodRecord || inner instanceof z.ZodDiscriminatedUnion) return { kind: 'object' };
  if (inner instanceof z.ZodArray) return { kind: 'array', of: describeSchema(inner.element as z.ZodType) };
  if (inner instanceof z.ZodEnum) return { kind: 'values', values: inner.options };
  if (inner instanceof z.ZodLiteral) return { kind: 'values', values: [...inner.values].filter(isPrimitive) };
  if (inner instanceof z.ZodUnion) return oneOf((inner.options as readonly z.ZodType[]).map(describeSchema));
  return { kind: 'unknown' };
}

/** Whether the schema at this place takes integers only (for "integer below minimum value"). */
export function isIntegerSchema(schema: z.ZodType | undefined): boolean {
  const inner = unwrap(schema);
  return inner instanceof z.ZodNumber && inner.isInt === true;
}

/**
 * The schema that checks the value at `path` of `body`, found the way the schema itself went:
 * through objects, records and arrays, and into the union option the value at each step fits
 * (by its discriminator, else by its kind). Undefined where the schema has no such place.
 */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[], body: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  let value = body;
  for (const key of path) {
    const container = chooseOption(unwrap(current), value);
    if (container instanceof z.ZodObject) current = (container.shape as Record<string, z.ZodType>)[String(key)];
    else if (container instanceof z.ZodRecord) current = container.valueType as z.ZodType;
    else if (container instanceof z.ZodArray) current = container.element as z.ZodType;
    else return undefined;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current;
}

/** Optional, nullable and default wrappers removed: the schema that decides the value's shape. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    // A preprocess (transform, then check) is checked by its second half; a transform after a check by its first.
    else if (current instanceof z.ZodPipe) current = (current.out instanceof z.ZodTransform ? current.in : current.out) as z.ZodType;
    else return current;
  }
}

/** The option of a union that `value` was checked against; other schemas as they are. */
function chooseOption(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  if (!(schema instanceof z.ZodUnion)) return schema;
  const options = (schema.options as readonly z.ZodType[]).map(unwrap);
  if (schema instanceof z.ZodDiscriminatedUnion && isRecord(value)) {
    const discriminator = (schema.def as { discriminator: string }).discriminator;
    const match = options.find((option) => {
      const field = option instanceof z.ZodObject ? (option.shape as Record<string, z.ZodType>)[discriminator] : undefined;
      return field instanceof z.ZodLiteral && field.values.has(value[discriminator] as never);
    });
    if (match !== undefined) return match;
    // A nested union (messages discriminated by `role` inside items discriminated by `type`), or
    // a discriminator a preprocess fills in: the first nested option that takes the value.
    for (const option of options) {
      const nested = option instanceof z.ZodUnion ? chooseOption(option, value) : undefined;
      if (nested !== undefined) return nested;
    }
    return undefined;
  }
  const fits = options.find((option) => (Array.isArray(value) ? option instanceof z.ZodArray : isRecord(value) && (option instanceof z.ZodObject || option instanceof z.ZodRecord || option instanceof z.ZodUnion)));
  return fits === undefined ? undefined : chooseOption(fits, value);
}

/** A union's options as one list: fixed values gathered into one entry, nested unions flattened. */
function oneOf(options: readonly ExpectedShape[]): ExpectedShape {
  const values: Primitive[] = [];
  const others: ExpectedShape[] = [];
  for (const option of options) {
    if (option.kind === 'values') values.push(...option.values);
    else if (option.kind === 'one-of') others.push(...option.options);
    else others.push(option);
  }
  const all = values.length > 0 ? [{ kind: 'values', values } as const, ...others] : others;
  return all.length === 1 ? (all[0] as ExpectedShape) : { kind: 'one-of', options: all };
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { ResponseFormat, ToolDefinition } from '@llm-gateway/shared';

/**
 * The tool through which a JSON answer is given, where the upstream has no JSON mode that works
 * on every model: the model fills the tool's `input` with the answer, and the backend hands that
 * input back as the message text. The api backend forces the call (`tool_choice`); the cli
 * backend, which cannot, asks for it in the prompt.
 */
export const JSON_TOOL_NAME = 'json_response';

/** A JSON output format: what `response_format` asks for when it is not plain text. */
export type JsonFormat = Exclude<ResponseFormat, { type: 'text' }>;

/** The answer tool for `format`: the client's schema as its input, or any object. */
export function jsonAnswerTool(format: JsonFormat): ToolDefinition {
  if (format.type === 'json_object') return { name: JSON_TOOL_NAME, description: 'Give your answer as a JSON object.', parameters: { type: 'object', additionalProperties: true } };
  const schema = format.schema;
  const isObject = schema !== undefined && schema['type'] === 'object';
  const purpose = format.description ?? `Give your answer as JSON (${format.name}).`;
  return {
    name: JSON_TOOL_NAME,
    // A non-object root schema cannot be a tool input: it is described instead.
    description: isObject || schema === undefined ? purpose : `${purpose} The JSON must match this schema: ${JSON.stringify(schema)}`,
    parameters: isObject ? schema : { type: 'object', additionalProperties: true },
  };
}

import { Ajv, type ValidateFunction } from 'ajv';
import { GatewayError, type ChatRequest, type StreamPart } from '@llm-gateway/shared';
import { JSON_TOOL_NAME, type JsonFormat } from '../json-answer-tool.ts';

/**
 * JSON output on the CLI, which sends no `tool_choice` upstream and has no per-prompt structured
 * output switch (`--json-schema` holds for a whole process): the answer is offered as one more
 * MCP tool, `json_response`, whose input schema is the client's, and the prompt asks the model to
 * answer by calling it. Its input, which the API streams as JSON, is the answer. A model that
 * answers in text instead has that text taken as the answer if it is JSON. Either way the answer
 * is checked against the format before it counts: never returned as if it were valid.
 */
export const CLI_JSON_TOOL = JSON_TOOL_NAME;

/** The request's JSON output format, if it asks for one. */
export function jsonFormatOf(request: ChatRequest): JsonFormat | undefined {
  const format = request.responseFormat;
  return format === undefined || format.type === 'text' ? undefined : format;
}

/** What the prompt asks of the model for a JSON answer. */
export function jsonInstruction(): string {
  return `Answer only by calling the tool ${CLI_JSON_TOOL}: its arguments are your whole answer.`;
}

const ajv = new Ajv({ allErrors: false, strict: false });

/** Checks a finished answer against the format; returns what is wrong, or undefined when it is valid. */
export function createJsonCheck(format: JsonFormat): (text: string) => string | undefined {
  let validate: ValidateFunction | undefined;
  if (format.type === 'json_schema' && format.schema !== undefined) {
    try {
      validate = ajv.compile(format.schema);
    } catch {
      // A schema ajv cannot compile is still passed to the model; only JSON itself is checked then.
    }
  }
  return (text) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return 'the answer is not JSON';
    }
    if (format.type === 'json_object' && (typeof value !== 'object' || value === null || Array.isArray(value))) return 'the answer is not a JSON object';
    if (validate && !validate(value)) return `the answer does not match the schema (${ajv.errorsText(validate.errors).slice(0, 200)})`;
    return undefined;
  };
}

/** JSON in a text answer: the text itself, or the body of its one fenced block. */
export function jsonInText(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return (fenced ? fenced[1]! : text).trim();
}

/**
 * The JSON answer of one request as it ends: text the model wrote outside the answer tool is held
 * (it is the answer only if it is JSON), and whichever is the answer is checked before it counts.
 */
export class JsonAnswer {
  #heldText = '';
  readonly #check: (text: string) => string | undefined;

  constructor(format: JsonFormat) {
    this.#check = createJsonCheck(format);
  }

  /** Text outside the answer tool: not streamed, kept in case the model answered in text. */
  hold(text: string): void {
    this.#heldText += text;
  }

  /**
   * How the answer ends: the held text as the answer when the tool was not called (`toolJson`
   * undefined) and it is valid JSON, nothing more when the tool's input already streamed, or the
   * error saying why the answer is not valid.
   */
  end(toolJson: string | undefined): { parts: StreamPart[] } | { error: GatewayError } {
    const answer = toolJson ?? jsonInText(this.#heldText);
    const problem = this.#check(answer);
    if (problem !== undefined) return { error: new GatewayError('upstream_error', `The model's answer does not satisfy response_format: ${problem}.`) };
    return { parts: toolJson === undefined && answer !== '' ? [{ type: 'text-delta', text: answer }] : [] };
  }
}

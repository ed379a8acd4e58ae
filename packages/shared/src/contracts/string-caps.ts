/**
 * The longest value the gateway accepts for each string it keeps or echoes (logs, metric labels,
 * the status page, error bodies, answers). OpenAI's own limits where it documents them: metadata
 * keys 64 and values 512 characters in at most 16 pairs, function names 64. The rest are generous
 * for any real client and small enough that a few thousand of them cost a few megabytes at most.
 */
export const STRING_CAPS = {
  /** `model`: the longest real model id is under 100 characters. */
  model: 256,
  /** `user`: an end-user id. */
  user: 256,
  /** A message's `name`, as for functions. */
  name: 64,
  metadataKey: 64,
  metadataValue: 512,
  metadataPairs: 16,
  /** Function, tool-choice and `json_schema` names: OpenAI's `^[a-zA-Z0-9_-]{1,64}$`. */
  toolName: 64,
  /** Tool call ids (`tool_calls[].id`, `tool_call_id`). */
  id: 256,
  /** Each `stop` sequence. */
  stop: 256,
} as const;

/** How much of a client's value an error message quotes. */
export const QUOTE_CHARS = 64;

/**
 * A client's value as an error message may quote it: at most `maxChars` characters, with `…` when
 * cut, so an error body stays small whatever was sent.
 */
export function quotePrefix(value: string, maxChars: number = QUOTE_CHARS): string {
  return value.length <= maxChars ? value : `${value.slice(0, maxChars)}…`;
}

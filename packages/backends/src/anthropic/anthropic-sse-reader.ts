import { APIError } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { StringDecoder } from 'node:string_decoder';

/** Shared by every chunk that completes no event, so those allocate no array. */
const NO_EVENTS: readonly RawMessageStreamEvent[] = Object.freeze([]);

/**
 * Reads an Anthropic Messages SSE body chunk by chunk and returns the events each chunk completes,
 * as the SDK's `Stream` would yield them: `ping` and unnamed events skipped, an `error` event
 * thrown as the SDK's {@link APIError} (so the error mapping and retry rules stay the SDK's), an
 * unterminated last event dropped. It replaces the SDK's three nested async generators per event
 * (byte chunks → lines → SSE messages → JSON) with one synchronous pass over each chunk; the
 * caller iterates the raw response body itself (issue 15 allows the SDK's raw response to be read
 * with a faster parser). Lines end in `\n`, `\r\n` or `\r`, as the SSE specification allows.
 */
export class AnthropicSseReader {
  readonly #decoder = new StringDecoder('utf8');
  readonly #headers: Headers | undefined;
  /** Text after the last complete line. */
  #rest = '';
  #event: string | undefined;
  #data: string | undefined;
  /** The first line of the stream may start with a byte-order mark. */
  #atStart = true;
  /** The last chunk ended in `\r`: a `\n` first in the next belongs to it. */
  #afterCarriageReturn = false;
  /** An `error` event (or unreadable data) that came after other events of the same chunk. */
  #failure: { error: unknown } | undefined;

  /** `headers`: the response's, carried by the error an `error` event throws. */
  constructor(headers?: Headers) {
    this.#headers = headers;
  }

  /**
   * The events `chunk` completes, in order. An `error` event, or data that is not JSON, throws;
   * when events of the same chunk came before it, those are returned and the failure is thrown by
   * {@link throwIfFailed}, which the caller calls once it has handled them.
   */
  push(chunk: Uint8Array): readonly RawMessageStreamEvent[] {
    this.throwIfFailed();
    const decoded = this.#decoder.write(chunk as Buffer);
    if (decoded === '') return NO_EVENTS;
    let fresh = decoded;
    if (this.#afterCarriageReturn) {
      // The last chunk ended in `\r`, already taken as a line end: a `\n` now completes that `\r\n`.
      this.#afterCarriageReturn = false;
      if (fresh.charCodeAt(0) === 0x0a) fresh = fresh.slice(1);
    }
    if (fresh.includes('\r')) {
      this.#afterCarriageReturn = fresh.endsWith('\r');
      fresh = fresh.replace(/\r\n?/g, '\n');
    }
    let text = this.#rest === '' ? fresh : this.#rest + fresh;
    if (this.#atStart && text !== '') {
      this.#atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A chunk without a line end completes nothing: it waits with the rest (a line spread over many
    // chunks is then searched once, not once per chunk).
    if (!fresh.includes('\n')) {
      this.#rest = text;
      return NO_EVENTS;
    }
    let events: RawMessageStreamEvent[] | undefined;
    let start = 0;
    try {
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        const event = this.#takeLine(text, start, end);
        start = end + 1;
        if (event !== undefined) (events ??= []).push(event);
      }
    } catch (error) {
      // The events before the failure are the client's output: they go out first, and the
      // failure after them (a failure before any output could be retried, one after it not).
      // Either way the reader is done: every later push throws the same failure.
      this.#failure = { error };
      if (events === undefined) throw error;
      return events;
    }
    this.#rest = start === 0 ? text : text.slice(start);
    return events ?? NO_EVENTS;
  }

  /** Throws the failure that ended the last chunk after the events {@link push} returned. */
  throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  /** One line (`text[start, end)`): a field is kept; a blank line ends the event, returned when it is one to yield. */
  #takeLine(text: string, start: number, end: number): RawMessageStreamEvent | undefined {
    if (start === end) return this.#dispatch();
    const colon = text.indexOf(':', start);
    // A comment line (`: …`) is skipped, as is any field other than `event` and `data`.
    if (colon === start) return undefined;
    const nameEnd = colon === -1 || colon > end ? end : colon;
    const valueStart = nameEnd === end ? end : text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
    const name = text.slice(start, nameEnd);
    if (name === 'data') {
      const value = text.slice(valueStart, end);
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    } else if (name === 'event') {
      this.#event = text.slice(valueStart, end);
    }
    return undefined;
  }

  #dispatch(): RawMessageStreamEvent | undefined {
    const event = this.#event;
    const data = this.#data;
    this.#event = undefined;
    this.#data = undefined;
    if (event === undefined || event === 'ping') return undefined;
    if (event === 'error') {
      const body = parseOrKeep(data ?? '');
      const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
      throw new APIError(undefined, body as object, undefined, this.#headers, typeof type === 'string' ? (type as ConstructorParameters<typeof APIError>[4]) : undefined);
    }
    if (data === undefined || data === '') return undefined;
    return JSON.parse(data) as RawMessageStreamEvent;
  }
}

function parseOrKeep(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

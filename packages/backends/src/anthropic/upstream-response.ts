import type { Dispatcher } from 'undici';

/** Buffered bytes after which undici stops reading the socket until the body is read on. */
const HIGH_WATER_BYTES = 256 * 1024;

/** A read-only `Headers` over the response's header record, without `Headers`' per-entry validation. */
export class RecordHeaders {
  readonly #values: Record<string, string>;

  constructor(values: Record<string, string>) {
    this.#values = values;
  }

  get(name: string): string | null {
    return this.#values[name.toLowerCase()] ?? null;
  }

  has(name: string): boolean {
    return this.#values[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of Object.entries(this.#values)) callback(value, name);
  }

  entries(): IterableIterator<[string, string]> {
    return Object.entries(this.#values)[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return Object.keys(this.#values)[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return Object.values(this.#values)[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** undici's raw `[name, value, name, value…]` buffers as a lower-cased record (repeats joined by ", "). */
function parseRawHeaders(raw: Buffer[] | string[] | null): Record<string, string> {
  const record: Record<string, string> = {};
  if (raw === null) return record;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!.toString('latin1').toLowerCase();
    const value = raw[index + 1]!.toString('latin1');
    record[name] = record[name] === undefined ? value : `${record[name]}, ${value}`;
  }
  return record;
}

/**
 * One upstream exchange: the undici dispatch handler and the `Response` the SDK reads, in one
 * object. It replaces `undici.request`, whose body is a Node `Readable` (stream state, `nextTick`s
 * per chunk and at the end) and whose handler adds a layer of its own: measured in-process
 * (backend + SDK, 32 concurrent, fake upstream) 106 → 81 µs of CPU per JSON request and
 * 151 → 110 µs per streamed one. Only what the SDK reads is implemented: `ok`, `status`, `headers`,
 * `json()`, `text()`, and `body` as an async iterable of chunks (SSE).
 */
export class UpstreamResponse implements Dispatcher.DispatchHandler, AsyncIterableIterator<Buffer> {
  readonly url: string;
  status = 0;
  ok = false;
  statusText = '';
  readonly redirected = false;
  headers = new RecordHeaders({});
  bodyUsed = false;
  readonly started: Promise<UpstreamResponse>;

  #resolveStarted!: (response: UpstreamResponse) => void;
  #rejectStarted!: (error: unknown) => void;
  #chunks: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;
  #abort: ((reason?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #paused = false;
  readonly #signal: AbortSignal | undefined;

  constructor(url: string, signal: AbortSignal | undefined) {
    this.url = url;
    this.#signal = signal;
    this.started = new Promise((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    // The object itself listens (`handleEvent`): it is the dispatch handler already, so the
    // request's abort needs no closure of its own.
    signal?.addEventListener('abort', this, { once: true });
  }

  /** The request's signal fired. */
  handleEvent(): void {
    this.#abortWith(this.#signal?.reason);
  }

  get body(): AsyncIterableIterator<Buffer> {
    return this;
  }

  // ---- undici's dispatch handler ----

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
    if (this.#signal?.aborted) abort(this.#signal.reason);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null, resume: () => void, statusText: string): boolean {
    this.status = statusCode;
    this.ok = statusCode >= 200 && statusCode < 300;
    this.statusText = statusText;
    this.headers = new RecordHeaders(parseRawHeaders(rawHeaders));
    this.#resume = resume;
    this.#resolveStarted(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
    this.#notify();
    this.#paused = this.#queuedBytes >= HIGH_WATER_BYTES;
    return !this.#paused;
  }

  onComplete(): void {
    this.#ended = true;
    this.#release();
    this.#notify();
  }

  onError(error: Error): void {
    this.#error = error;
    this.#release();
    this.#rejectStarted(error);
    this.#notify();
  }

  // ---- the Response surface ----

  async text(): Promise<string> {
    return (await this.#collect()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#collect();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    this.bodyUsed = true;
    for (;;) {
      const chunk = this.#take();
      if (chunk !== undefined) return { done: false, value: chunk };
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** The reader stopped early (the SDK's stream was closed): the rest is not wanted. */
  async return(): Promise<IteratorResult<Buffer>> {
    if (!this.#ended && this.#error === undefined) this.#abortWith(new Error('The response body was not read to the end.'));
    return { done: true, value: undefined };
  }

  async #collect(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this) chunks.push(chunk);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  #take(): Buffer | undefined {
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return undefined;
    this.#queuedBytes -= chunk.length;
    if (this.#paused && this.#queuedBytes < HIGH_WATER_BYTES) {
      this.#paused = false;
      this.#resume?.();
    }
    return chunk;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #abortWith(reason: unknown): void {
    const error = reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
    if (this.#abort !== undefined) this.#abort(error);
    else this.onError(error);
  }

  #release(): void {
    this.#signal?.removeEventListener('abort', this);
  }
}

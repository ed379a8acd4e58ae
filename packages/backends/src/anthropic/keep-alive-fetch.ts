import { Agent, request, type Dispatcher } from 'undici';

/** The `fetch` signature the Anthropic SDK calls. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A keep-alive `fetch` and the connection pool behind it. */
export interface KeepAliveFetch {
  fetch: FetchFunction;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

export interface KeepAliveFetchOptions {
  /** How long an idle connection is kept for reuse. @defaultValue 30000 */
  keepAliveTimeoutMs?: number;
  /** Connections per origin. @defaultValue unlimited */
  connections?: number;
}

/**
 * A minimal `fetch` over `undici.request` with a keep-alive pool. Global `fetch` halves a
 * gateway's throughput (WHATWG streams, Response objects; see facts/performance.md); this hands
 * the SDK a response whose body is the raw Node stream, which the SDK reads as an async iterable.
 * Only what the SDK uses is implemented: method, headers, string/Uint8Array bodies, signal.
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): KeepAliveFetch {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });

  async function keepAliveFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const response = await request(url, {
      dispatcher: agent,
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: toHeaderRecord(init.headers),
      body: init.body as string | Uint8Array | null | undefined,
      signal: init.signal ?? undefined,
    });
    const body = response.body;
    const fetchResponse = {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      statusText: '',
      url,
      redirected: false,
      headers: new RecordHeaders(response.headers),
      body,
      bodyUsed: false,
      json: () => body.json(),
      text: () => body.text(),
      arrayBuffer: () => body.arrayBuffer(),
    };
    return fetchResponse as unknown as Response;
  }

  return { fetch: keepAliveFetch, close: () => agent.close() };
}

function toHeaderRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined || headers === null) return record;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (record[name] = value));
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) record[name!.toLowerCase()] = value!;
  } else {
    for (const [name, value] of Object.entries(headers)) record[name.toLowerCase()] = String(value);
  }
  return record;
}

/** A read-only `Headers` over undici's header record, without `Headers`' per-entry validation. */
class RecordHeaders {
  readonly #values: Map<string, string>;

  constructor(raw: Record<string, string | string[] | undefined>) {
    this.#values = new Map();
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.#values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string) => void): void {
    this.#values.forEach((value, name) => callback(value, name));
  }

  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }

  keys(): IterableIterator<string> {
    return this.#values.keys();
  }

  values(): IterableIterator<string> {
    return this.#values.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}

import { Agent, type Dispatcher } from 'undici';
import { UpstreamResponse } from './upstream-response.ts';

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
 * A minimal `fetch` over an undici keep-alive `Agent`. Global `fetch` halves a gateway's
 * throughput (WHATWG streams, Response objects; see facts/performance.md). This dispatches
 * straight to the agent with {@link UpstreamResponse} as both handler and response, and hands
 * undici the SDK's `Headers` as they are (undici iterates them) rather than copying them.
 * Only what the SDK uses is implemented: method, headers, string/Uint8Array bodies, signal.
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): KeepAliveFetch {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });

  async function keepAliveFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (init.signal?.aborted) throw init.signal.reason;
    const response = new UpstreamResponse(url, init.signal ?? undefined);
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    agent.dispatch(
      {
        origin: pathStart === -1 ? url : url.slice(0, pathStart),
        path: pathStart === -1 ? '/' : url.slice(pathStart),
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: toDispatchHeaders(init.headers),
        body: init.body as string | Uint8Array | null | undefined,
      },
      response,
    );
    return (await response.started) as unknown as Response;
  }

  return { fetch: keepAliveFetch, close: () => agent.close() };
}

/** undici takes a `Headers` or a record as it is; only an array of pairs needs reshaping. */
function toDispatchHeaders(headers: RequestInit['headers']): Headers | Record<string, string> | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Headers | Record<string, string>;
}

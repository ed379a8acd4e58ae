import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/**
 * Calls `listener` if the client disconnects before the response is finished; returns a function
 * that stops listening. Under @hono/node-server it watches the Node response directly: reading
 * `c.req.raw.signal` there builds a whole web Request per call, which showed up in profiles.
 */
export function onClientGone(c: Context, listener: () => void): () => void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing) return new ResponseWatch(outgoing, listener).stop;
  const signal = c.req.raw.signal;
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/**
 * Watches one Node response for an early close. Methods bound once rather than named closures:
 * tsx (keepNames) gives every named closure an `Object.defineProperty` call per request.
 */
class ResponseWatch {
  readonly #onClose: () => void;
  /** Stops watching. */
  readonly stop: () => void;

  constructor(
    private readonly outgoing: ServerResponse,
    private readonly listener: () => void,
  ) {
    this.#onClose = this.close.bind(this);
    this.stop = this.unwatch.bind(this);
    outgoing.once('close', this.#onClose);
  }

  close(): void {
    if (!this.outgoing.writableFinished) this.listener();
  }

  unwatch(): void {
    this.outgoing.off('close', this.#onClose);
  }
}

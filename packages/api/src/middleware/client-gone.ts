import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/**
 * Calls `listener` if the client disconnects before the response is finished; returns a function
 * that stops listening. Under @hono/node-server it watches the Node response directly: reading
 * `c.req.raw.signal` there builds a whole web Request per call, which showed up in profiles.
 */
export function onClientGone(c: Context, listener: () => void): () => void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing) {
    // `close` also fires after a response that finished: only an unfinished one means the client left.
    const onClose = () => {
      if (!outgoing.writableFinished) listener();
    };
    outgoing.once('close', onClose);
    return () => outgoing.off('close', onClose);
  }
  const signal = c.req.raw.signal;
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

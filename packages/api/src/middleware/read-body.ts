import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { GatewayError } from '@llm-gateway/shared';

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('request_too_large', `The request body exceeds ${maxBytes} bytes.`);
}

/**
 * The request body as text, refused with 413 past `maxBytes` (checked on the declared length
 * first, then while reading). Under @hono/node-server it reads the Node stream directly: going
 * through `c.req.raw.body` builds a web Request and stream per call, which showed up in profiles.
 */
export async function readBody(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes);
    return text;
  }
  return readIncoming(incoming, maxBytes);
}

/** Reads one Node request body, refusing it past `maxBytes` while it streams in. */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Keep draining so the 413 can still be written on this connection.
        incoming.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new GatewayError('client_closed', 'The client closed the connection while sending the body.', { cause: error }));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onError);
  });
}

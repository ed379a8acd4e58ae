import { connect, type Socket } from 'node:net';

/** How a hand-written HTTP exchange ended. */
export interface RawResult {
  /** The status of the first response line, or null when none came. */
  status: number | null;
  /**
   * When the server closed the connection (ms after connecting; with `untilStatus`, when the status
   * line arrived), or null if it was still open at `maxMs`.
   */
  closedAfterMs: number | null;
}

export interface RawExchangeOptions {
  /**
   * Writes to the socket once connected; may return a function that stops whatever it started
   * (a trickle timer), called when the connection closes.
   */
  send: (socket: Socket) => (() => void) | void;
  /** Gives up (and destroys the socket) after this long. */
  maxMs: number;
  /** Hang up as soon as the status line has arrived (for requests that get an answer). */
  untilStatus?: boolean;
}

/**
 * Opens a TCP connection, lets `send` write what a (mis)behaving client would, and reports the
 * server's status line and when the server closed the connection. Never throws; bounded by `maxMs`.
 */
export function rawExchange(port: number, options: RawExchangeOptions): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let head = '';
    let stop: (() => void) | void;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(limit);
      stop?.();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: match ? Number(match[1]) : null, closedAfterMs: closed ? performance.now() - started : null });
      socket.destroy();
    };
    const limit = setTimeout(() => finish(false), options.maxMs);
    socket.on('connect', () => (stop = options.send(socket)));
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 64) head += chunk.toString('latin1');
      if (options.untilStatus && /^HTTP\/1\.[01] \d{3}/.test(head)) finish(true);
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(true));
    socket.on('end', () => finish(true));
  });
}

/** A `send` that writes `first` at once, then `each` every `intervalMs` until the connection closes. */
export function trickle(first: string, each: string, intervalMs: number): RawExchangeOptions['send'] {
  return (socket) => {
    socket.write(first);
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(each);
    }, intervalMs);
    return () => clearInterval(timer);
  };
}

/** A complete `POST /v1/chat/completions` request with `body` (a string or raw bytes). */
export function chatRequest(body: string | Buffer, extraHeaders = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

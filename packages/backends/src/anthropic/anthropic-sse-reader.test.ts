import { APIError } from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnthropicSseReader } from './anthropic-sse-reader.ts';

const sse = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const delta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });

/** Every event `chunks` completes, read by one reader. */
function readAll(chunks: readonly Uint8Array[]): unknown[] {
  const reader = new AnthropicSseReader();
  const events: unknown[] = [];
  for (const chunk of chunks) {
    events.push(...reader.push(chunk));
    reader.throwIfFailed();
  }
  return events;
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('AnthropicSseReader', () => {
  const stream =
    sse('message_start', { type: 'message_start', message: { id: 'msg_1' } }) +
    sse('ping', { type: 'ping' }) +
    sse('content_block_delta', delta('héllo 🌍 ')) +
    ': a comment line\n' +
    sse('content_block_delta', delta('wörld')) +
    sse('message_stop', { type: 'message_stop' });
  const expected = [{ type: 'message_start', message: { id: 'msg_1' } }, delta('héllo 🌍 '), delta('wörld'), { type: 'message_stop' }];

  it('yields the events the SDK would, skipping pings and comments', () => {
    expect(readAll([Buffer.from(stream)])).toEqual(expected);
  });

  it('gives the same events however the bytes are cut, inside lines and inside multi-byte characters', () => {
    const bytes = Buffer.from(stream);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (offsets) => {
        expect(readAll(cut(bytes, offsets))).toEqual(expected);
      }),
    );
  });

  it('reads \\r\\n and lone \\r line endings, even when a \\r\\n is cut between chunks', () => {
    const crlf = Buffer.from(stream.replaceAll('\n', '\r\n'));
    const cr = Buffer.from(stream.replaceAll('\n', '\r'));
    expect(readAll([crlf])).toEqual(expected);
    expect(readAll([cr])).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (offsets) => {
        expect(readAll(cut(crlf, offsets))).toEqual(expected);
      }),
    );
  });

  it('joins multi-line data with newlines, skips events without a name and drops an unterminated last event', () => {
    const text = 'event: content_block_delta\ndata: {"type":"content_block_delta",\ndata: "index":0}\n\ndata: {"type":"unnamed"}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n';
    expect(readAll([Buffer.from(`\uFEFF${text}`)])).toEqual([{ type: 'content_block_delta', index: 0 }]);
  });

  it('throws an error event as the SDK does, an APIError with the error type and the response headers', () => {
    const reader = new AnthropicSseReader(new Headers({ 'request-id': 'req_42' }));
    const failure = (() => {
      try {
        reader.push(Buffer.from(sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })));
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ status: undefined, type: 'overloaded_error', apiMessage: 'Overloaded', requestID: 'req_42' });
  });

  it('returns the events before an error in the same chunk first, then throws the error', () => {
    const reader = new AnthropicSseReader();
    const chunk = Buffer.from(sse('content_block_delta', delta('a')) + sse('error', { type: 'error', error: { type: 'api_error', message: 'boom' } }));
    expect(reader.push(chunk)).toEqual([delta('a')]);
    expect(() => reader.throwIfFailed()).toThrow(APIError);
    expect(() => reader.push(Buffer.from(sse('message_stop', { type: 'message_stop' })))).toThrow(APIError);
  });

  it('stays failed after an error that was the first event of its chunk', () => {
    const reader = new AnthropicSseReader();
    const error = sse('error', { type: 'error', error: { type: 'api_error', message: 'boom' } });
    expect(() => reader.push(Buffer.from(error))).toThrow(APIError);
    expect(() => reader.push(Buffer.from(sse('message_stop', { type: 'message_stop' })))).toThrow(APIError);
  });

  it('throws on data that is not JSON', () => {
    expect(() => readAll([Buffer.from('event: content_block_delta\ndata: {not json\n\n')])).toThrow(SyntaxError);
  });
});

/**
 * The `data:` payloads of a server-sent event stream, one per event (multi-line data joined
 * with `\n`). Comments and other fields are skipped; chunk boundaries may fall anywhere.
 */
export async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  let data: string[] = [];
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', start)) !== -1) {
      const line = pending.slice(start, pending[newline - 1] === '\r' ? newline - 1 : newline);
      start = newline + 1;
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    pending = pending.slice(start);
  }
  if (pending.startsWith('data:')) data.push(pending.slice(pending.startsWith('data: ') ? 6 : 5));
  if (data.length > 0) yield data.join('\n');
}

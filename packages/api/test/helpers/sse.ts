/** The `data:` payloads of an SSE body, in order (`[DONE]` kept as the string). */
export function sseData(body: string): Array<unknown> {
  const events: unknown[] = [];
  for (const block of body.split('\n\n')) {
    const line = block.split('\n').find((candidate) => candidate.startsWith('data: '));
    if (!line) continue;
    const data = line.slice('data: '.length);
    events.push(data === '[DONE]' ? data : JSON.parse(data));
  }
  return events;
}

/** The named events of an SSE body (Anthropic's `event:` + `data:` pairs), in order. */
export function sseEvents(body: string): Array<{ event: string; data: any }> {
  const events: Array<{ event: string; data: any }> = [];
  for (const block of body.split('\n\n')) {
    const lines = block.split('\n');
    const name = lines.find((line) => line.startsWith('event: '));
    const data = lines.find((line) => line.startsWith('data: '));
    if (name && data) events.push({ event: name.slice('event: '.length), data: JSON.parse(data.slice('data: '.length)) });
  }
  return events;
}

import { readFileSync } from 'node:fs';

/** The recorded Anthropic stream shapes in `__fixtures__` (see its README). */
export type AnthropicFixtureName = 'tool-stream' | 'text-stream-error';

/** The raw SSE text of a recorded Anthropic stream. */
export function readAnthropicFixture(name: AnthropicFixtureName): string {
  return readFileSync(new URL(`./__fixtures__/${name}.sse`, import.meta.url), 'utf8');
}

/** Splits SSE text into `{event, data}` pairs, `data` parsed as JSON. */
export function parseSseEvents(text: string): Array<{ event: string; data: any }> {
  return text
    .split(/\r?\n\r?\n/)
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const event = /^event: ?(.*)$/m.exec(frame)?.[1] ?? 'message';
      const data = frame
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      return { event, data: JSON.parse(data) };
    });
}

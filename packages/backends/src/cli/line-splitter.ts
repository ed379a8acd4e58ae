/**
 * Splits a byte stream into lines. Accepts `\n` and `\r\n` endings (a pty in line mode ends lines
 * in `\r\n`). A line longer than `maxLineBytes` is cut there so one runaway line cannot eat memory.
 */
export function createLineSplitter(onLine: (line: string) => void, maxLineBytes = 64 * 1024 * 1024) {
  let pending = '';
  return {
    push(chunk: string): void {
      pending += chunk;
      let start = 0;
      let end = pending.indexOf('\n', start);
      while (end >= 0) {
        const line = pending.charCodeAt(end - 1) === 13 ? pending.slice(start, end - 1) : pending.slice(start, end);
        onLine(line);
        start = end + 1;
        end = pending.indexOf('\n', start);
      }
      pending = pending.slice(start);
      if (pending.length > maxLineBytes) {
        onLine(pending);
        pending = '';
      }
    },
    /** Emits what is left once the stream ends. */
    flush(): void {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}

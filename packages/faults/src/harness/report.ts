/** A markdown table from a header row and data rows. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Prints a case's figures as a two-column table under a title, and returns the text. */
export function printFigures(title: string, figures: ReadonlyArray<readonly [string, string | number]>): string {
  const text = `\n### ${title}\n\n${markdownTable(['figure', 'value'], figures)}\n`;
  console.log(text);
  return text;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
export const mib = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
export const seconds = (value: number) => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : 'n/a');

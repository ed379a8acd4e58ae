import { cpus, totalmem } from 'node:os';

/** One benchmark's contribution to bench/RESULTS.md. */
export interface BenchSection {
  title: string;
  /** A markdown table (and a line or two of notes). */
  markdown: string;
  /** One-line results worth quoting in the README, e.g. "embedded: 2.1× Portkey's req/s". */
  headlines: string[];
}

export function machineDescription(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

/** A markdown table from a header row and data rows. */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

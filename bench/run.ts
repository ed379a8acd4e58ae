import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/processes.ts';
import { machineDescription, type BenchSection } from './lib/report.ts';

/**
 * `pnpm bench`: runs every benchmark in one process, prints each table and writes
 * bench/RESULTS.md. Optional sections (split mode, CLI, API backend) run when their module exists.
 * `pnpm bench -- embedded cli` runs only the named sections.
 */
interface SectionModule {
  name: string;
  file: string;
  exportName: string;
}

const SECTIONS: SectionModule[] = [
  { name: 'embedded', file: 'embedded.ts', exportName: 'benchEmbedded' },
  { name: 'split', file: 'split.ts', exportName: 'benchSplit' },
  { name: 'reply-path', file: 'reply-path.ts', exportName: 'benchReplyPath' },
  { name: 'api', file: 'api-backend.ts', exportName: 'benchApiBackend' },
  { name: 'streams', file: 'streams.ts', exportName: 'benchStreams' },
  { name: 'cli', file: 'cli.ts', exportName: 'benchCli' },
  // `pnpm bench -- cli` runs both: the warm pool, then a tool round trip.
  { name: 'cli', file: 'cli-tools.ts', exportName: 'benchCliTools' },
  { name: 'tokenizer', file: 'tokenizer-event-loop.ts', exportName: 'benchTokenizerEventLoop' },
  { name: 'startup', file: 'startup.ts', exportName: 'benchStartup' },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((argument) => argument !== '--');
  const results: BenchSection[] = [];
  for (const section of SECTIONS) {
    if (only.length > 0 && !only.includes(section.name)) continue;
    const path = join(REPO_ROOT, 'bench', section.file);
    if (!existsSync(path)) continue;
    const module = (await import(path)) as Record<string, () => Promise<BenchSection>>;
    const run = module[section.exportName];
    if (typeof run !== 'function') continue;
    console.log(`\n## ${section.name}: running…`);
    const result = await run();
    console.log(`\n## ${result.title}\n\n${result.markdown}\n`);
    results.push(result);
  }
  const report = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machineDescription()}.`,
    'Figures on a shared 2-core machine vary by up to ±40 % between runs; compare ratios within one run.',
    '',
    '## Headlines',
    '',
    ...results.flatMap((result) => result.headlines.map((headline) => `- ${headline}`)),
    '',
    ...results.flatMap((result) => [`## ${result.title}`, '', result.markdown, '']),
  ].join('\n');
  if (only.length === 0) writeFileSync(join(REPO_ROOT, 'bench', 'RESULTS.md'), report);
  else console.log('(partial run: bench/RESULTS.md left unchanged)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { judgeGrowth, markdownTable, mib, ms, tally, type GrowthVerdict } from '@llm-gateway/faults';
import type { SoakSample } from './samples.ts';
import type { TrafficResult } from './traffic.ts';

/**
 * Growth past these slopes (per minute, over the second half of the run) counts as unbounded when
 * the series also sets a new high more than the margin above the first half's.
 */
export const LIMITS = {
  rss: { perMinute: 2 * 2 ** 20, margin: 8 * 2 ** 20 },
  redisUsedMemory: { perMinute: 1 * 2 ** 20, margin: 1 * 2 ** 20 },
  fds: { perMinute: 3, margin: 4 },
  handles: { perMinute: 3, margin: 4 },
};

/** The Node processes judged for memory, descriptors and handles (the `claude` sessions are recycled, so only reported). */
const JUDGED = ['api (mock)', 'supervisor (mock)', 'api (cli)', 'supervisor (cli)'];

export interface SoakVerdict {
  passed: boolean;
  lost: number;
  growth: GrowthVerdict[];
  problems: string[];
}

export function judgeSoak(samples: readonly SoakSample[], traffic: readonly TrafficResult[], leftInQueues: number): SoakVerdict {
  const growth: GrowthVerdict[] = [];
  const series = (pick: (sample: SoakSample) => number | undefined) =>
    samples.map((sample) => ({ atMs: sample.atMs, value: pick(sample) ?? Number.NaN }));
  for (const name of JUDGED) {
    growth.push(judgeGrowth(`${name} RSS`, series((sample) => sample.processes[name]?.rss), LIMITS.rss.perMinute, LIMITS.rss.margin));
    growth.push(judgeGrowth(`${name} open fds`, series((sample) => sample.processes[name]?.fds), LIMITS.fds.perMinute, LIMITS.fds.margin));
    growth.push(judgeGrowth(`${name} active handles`, series((sample) => sample.processes[name]?.handles), LIMITS.handles.perMinute, LIMITS.handles.margin));
  }
  growth.push(
    judgeGrowth('Redis used_memory', series((sample) => sample.redisUsedMemory), LIMITS.redisUsedMemory.perMinute, LIMITS.redisUsedMemory.margin),
  );
  const lost = traffic.reduce((sum, stream) => {
    const counts = tally(stream.outcomes);
    return sum + counts.kinds.hung + counts.kinds.broken;
  }, 0);
  const problems = [
    ...growth.filter((verdict) => verdict.unbounded).map((verdict) => `${verdict.series} keeps growing`),
    ...(lost > 0 ? [`${lost} requests lost (hung or broken)`] : []),
    ...(leftInQueues > 0 ? [`${leftInQueues} jobs left in the queues`] : []),
    ...(samples.length < 4 ? ['too few samples to judge growth (run longer)'] : []),
  ];
  return { passed: problems.length === 0, lost, growth, problems };
}

const inBytes = (verdict: GrowthVerdict) => verdict.series.endsWith('RSS') || verdict.series.startsWith('Redis');
const amount = (verdict: GrowthVerdict, value: number) => (!Number.isFinite(value) ? 'n/a' : inBytes(verdict) ? mib(value) : value.toFixed(1));
const perMinute = (verdict: GrowthVerdict) => `${amount(verdict, verdict.slopePerMinute)}/min`;
const limit = (verdict: GrowthVerdict) => `${amount(verdict, verdict.limitPerMinute)}/min`;

/** The soak's figures as markdown tables. */
export function soakMarkdown(samples: readonly SoakSample[], traffic: readonly TrafficResult[], verdict: SoakVerdict, durationMs: number): string {
  const requests = markdownTable(
    ['traffic', 'sent', 'answered', 'clean errors', 'client aborts (planned)', 'lost (hung or broken)', 'p50 / p99'],
    traffic.map((stream) => {
      const counts = tally(stream.outcomes);
      const codes = Object.entries(counts.errors)
        .map(([key, count]) => `${key.replace('clean-error ', '')} ×${count}`)
        .join(', ');
      return [stream.name, counts.total, counts.kinds.ok, codes || '0', counts.kinds.aborted, counts.kinds.hung + counts.kinds.broken, `${ms(counts.p50Ms)} / ${ms(counts.p99Ms)}`];
    }),
  );
  const first = samples[0];
  const last = samples.at(-1);
  const startEnd = (verdict: GrowthVerdict) => {
    const pick = (sample: SoakSample | undefined): string => {
      if (!sample) return 'n/a';
      if (verdict.series === 'Redis used_memory') return mib(sample.redisUsedMemory);
      const name = verdict.series.replace(/ (RSS|open fds|active handles)$/, '');
      const figures = sample.processes[name];
      if (verdict.series.endsWith('RSS')) return mib(figures?.rss);
      if (verdict.series.endsWith('open fds')) return String(figures?.fds ?? 'n/a');
      return String(figures?.handles ?? 'n/a');
    };
    return `${pick(first)} → ${pick(last)}`;
  };
  const memory = markdownTable(
    ['series', 'first → last sample', 'slope, 2nd half', 'limit', 'new high above 1st half', 'verdict'],
    verdict.growth.map((growth) => [
      growth.series,
      startEnd(growth),
      perMinute(growth),
      limit(growth),
      amount(growth, growth.newHighAbove),
      growth.unbounded ? '**grows**' : 'bounded',
    ]),
  );
  const names = ['api (mock)', 'supervisor (mock)', 'api (cli)', 'supervisor (cli)', 'claude (sum)', 'redis-server'];
  const timeline = markdownTable(
    ['t', ...names.map((name) => `${name} RSS`), 'Redis used', 'handles (api/sup mock, api/sup cli)', 'claude procs', 'queued (wait+active)'],
    samples.map((sample) => [
      `${Math.round(sample.atMs / 1000)} s`,
      ...names.map((name) => mib(sample.processes[name]?.rss)),
      mib(sample.redisUsedMemory),
      ['api (mock)', 'supervisor (mock)', 'api (cli)', 'supervisor (cli)'].map((name) => sample.processes[name]?.handles ?? '?').join('/'),
      sample.claudeCount,
      Object.values(sample.queues)
        .map((queue) => queue.wait + queue.active)
        .join('/'),
    ]),
  );
  return [
    `${Math.round(durationMs / 1000)} s of mixed traffic (JSON and streams, backend errors, clients hanging up mid-stream) through the split mode: one API replica and one supervisor process per backend on one private Redis; the mock backend, and the real \`claude\` CLI against a fake Anthropic API. Every process sampled every 10 s; a series grows without bound when, over the second half of the run, its least-squares slope passes the limit and it sets a new high above the first half's (by more than 8 MiB of RSS, 1 MiB of Redis memory, 4 descriptors or handles).`,
    '',
    `**Verdict: ${verdict.passed ? 'passed' : `FAILED (${verdict.problems.join('; ')})`}**`,
    '',
    requests,
    '',
    memory,
    '',
    '<details><summary>Samples</summary>',
    '',
    timeline,
    '',
    '</details>',
  ].join('\n');
}

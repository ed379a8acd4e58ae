/** Helpers shared by the fault cases (`pnpm test:faults`) and the soak run (`pnpm soak`). */
export { startSplitCluster, queueCounts, redisMemory, type ApiHealth, type QueueCounts, type SplitCluster, type SplitClusterOptions } from './harness/cluster.ts';
export { classifyJson, classifyStream, requestCompletion, type CompletionRequestOptions, type Outcome, type OutcomeKind } from './harness/completion-client.ts';
export { FAKE_CLI_PATH, fakeCliCommand, startFakeCliGateway, type FakeCliGateway, type FakeCliMode } from './harness/fake-cli-gateway.ts';
export { describeBad, percentile, runLoad, tally, type LoadOptions, type Tally } from './harness/load.ts';
export { activeResources, forceGc, resourceGrowth, settledMemory } from './harness/memory.ts';
export { markdownTable, mib, ms, printFigures, seconds } from './harness/report.ts';
export { judgeGrowth, secondHalf, slopePerMinute, type GrowthVerdict, type TimedValue } from './harness/trend.ts';

import type { BackendName, CompletionJob, JobEvent, Logger } from '@llm-gateway/shared';
import type { HostedBackend } from './hosted-backend.ts';
import { runJob, unavailableExecutor, type Executor, type RunJobOptions } from './run-job.ts';

/** Runs one job to its end ({@link runJob}) on the backends given to {@link hostedJobRunner}. */
export type HostedJobRunner = (job: CompletionJob, signal: AbortSignal, owned?: AbortController) => AsyncGenerator<JobEvent>;

/**
 * Runs jobs on `hosted`: each on the backend it names, its fallbacks on theirs, and a backend not
 * hosted here refused. A lone backend serves every job, whatever backend the API named (as before
 * routing existed). The one place a supervisor and an API replica running direct jobs itself
 * (`LLM_DIRECT_DISPATCH=local`) turn a job into a run.
 */
export function hostedJobRunner(hosted: readonly HostedBackend[], supervisorId: string, log: Logger): HostedJobRunner {
  // Children of the process's logger, never of one another: pino would repeat `component`.
  const jobLog = log.child({ component: 'job' });
  const executors = new Map(hosted.map((backend) => [backend.name, backend.execute]));
  const executorFor = (name: BackendName): Executor => executors.get(name) ?? unavailableExecutor(name);
  // One options object per backend, shared by its jobs: running a job allocates none.
  const runOptions = new Map<BackendName, RunJobOptions>(
    hosted.map((backend) => [backend.name, { executor: backend.execute, executorFor, supervisorId, backend: backend.name, log: jobLog }]),
  );
  const soleOptions = hosted.length === 1 ? runOptions.get(hosted[0]!.name) : undefined;
  const optionsFor = (name: BackendName): RunJobOptions =>
    soleOptions ?? runOptions.get(name) ?? { executor: unavailableExecutor(name), executorFor, supervisorId, log: jobLog };
  return (job, signal, owned) => runJob(job, signal, optionsFor(job.backend), owned);
}

export { createBackendFromConfig, type SupervisedBackend } from './backend-factory.ts';
export { createInProcessDispatcher } from './dispatch/in-process-dispatcher.ts';
export { SessionPool } from './pool/session-pool.ts';
export type { AcquireOptions, SessionPoolOptions } from './pool/session-pool-options.ts';
export type { SessionLease } from './pool/pool-lease.ts';
export { hostDirect, type HostedBackend } from './hosted-backend.ts';
export { hostedJobRunner, type HostedJobRunner } from './hosted-job-runner.ts';
export { answeredToolCalls, hostPooled } from './pool/pooled-backend.ts';
export {
  runJob,
  unavailableExecutor,
  type ExecuteOptions,
  type Execution,
  type Executor,
  type RunJobOptions,
} from './run-job.ts';
export { START_MARGIN_MS } from './execute-in-time.ts';
export { isAssignable, transition, type SessionEvent, type SessionFinalStatus } from './session/session-state.ts';
export { createSupervisor, type PoolConfig, type Supervisor, type SupervisorHealth, type SupervisorListener, type SupervisorOptions } from './supervisor.ts';
export type { ParkChange } from './pool/session-pool-options.ts';
export { CancelRegistry } from './queue/cancel-registry.ts';
export { EventBatcher, type EventBatcherOptions } from './queue/event-batcher.ts';
export { createJobProcessor, type JobProcessorOptions } from './queue/job-processor.ts';
export { queueConcurrency, startQueueConsumer, type QueueConsumer, type QueueConsumerOptions } from './queue/queue-consumer.ts';
export { GATEWAY_VERSION } from './version.ts';

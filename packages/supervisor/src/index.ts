export { createBackendFromConfig, type SupervisedBackend } from './backend-factory.ts';
export { createInProcessDispatcher } from './dispatch/in-process-dispatcher.ts';
export { SessionPool, type AcquireOptions, type SessionLease, type SessionPoolOptions } from './pool/session-pool.ts';
export {
  directExecutor,
  pooledExecutor,
  runJob,
  unavailableExecutor,
  type ExecuteOptions,
  type Execution,
  type Executor,
  type RunJobOptions,
} from './run-job.ts';
export { START_MARGIN_MS } from './execute-in-time.ts';
export { isAssignable, transition, type SessionEvent, type SessionFinalStatus } from './session/session-state.ts';
export { createSupervisor, type Supervisor, type SupervisorHealth, type SupervisorOptions } from './supervisor.ts';
export { CancelRegistry } from './queue/cancel-registry.ts';
export { EventBatcher, type EventBatcherOptions } from './queue/event-batcher.ts';
export { createJobProcessor, type JobProcessorOptions } from './queue/job-processor.ts';
export {
  QUEUE_NAME,
  decodeReplyMessage,
  encodeReplyMessage,
  isCompletionJob,
  redisKeys,
  type RedisKeys,
  type ReplyBatch,
  type SupervisorRecord,
} from './queue/protocol.ts';
export { TurnBatcher, type TurnBatcherOptions } from './queue/turn-batcher.ts';
export { queueConcurrency, startQueueConsumer, type QueueConsumer, type QueueConsumerOptions } from './queue/queue-consumer.ts';
export { closeRedisConnection, createRedisConnection, type CreateRedisConnectionOptions, type RedisConnectionKind } from './queue/redis-connection.ts';
export { HEARTBEATS_TO_EXPIRY, readSupervisorRecords, startRegistryHeartbeat, type RegistryHeartbeat } from './queue/registry.ts';

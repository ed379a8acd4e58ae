export { createBackendFromConfig, type SupervisedBackend } from './backend-factory.ts';
export { createInProcessDispatcher } from './dispatch/in-process-dispatcher.ts';
export { SessionPool, type SessionLease, type SessionPoolOptions } from './pool/session-pool.ts';
export { directExecutor, pooledExecutor, runJob, type Execution, type Executor, type RunJobOptions } from './run-job.ts';
export { isAssignable, transition, type SessionEvent, type SessionFinalStatus } from './session/session-state.ts';
export { createSupervisor, type Supervisor, type SupervisorHealth, type SupervisorOptions } from './supervisor.ts';

import type { ChatRequest } from './chat-request.ts';
import type { StreamPart } from './stream-part.ts';

/** The backends a gateway can dispatch to. */
export const BACKEND_NAMES = ['cli', 'api', 'mock', 'openai'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Backends that run on a pool of warm sessions; the others call an upstream API directly. */
const POOLED_BACKENDS: ReadonlySet<BackendName> = new Set<BackendName>(['cli', 'mock']);

/** Whether `name` runs on pooled sessions (cli, mock) rather than on an upstream API (api, openai). */
export function isPooledBackend(name: BackendName): boolean {
  return POOLED_BACKENDS.has(name);
}

/**
 * One chat completion to run, as the API hands it to a dispatcher. Plain JSON: the in-process
 * dispatcher passes it by reference, the Redis dispatcher stores it in a BullMQ job unchanged.
 */
export interface CompletionJob {
  /** Unique per job; also the completion's `chatcmpl-` id. */
  id: string;
  /** The `x-request-id` of the HTTP request, for logs across processes. */
  requestId: string;
  tenant: string;
  /** The backend that takes the job first. */
  backend: BackendName;
  /**
   * Backends tried next, in order, when the one before fails retryably before any output (or its
   * pool is exhausted). Absent when the model has no fallback (`LLM_MODELS`).
   */
  fallbacks?: readonly BackendName[];
  request: ChatRequest;
  stream: boolean;
  /** Epoch milliseconds after which nobody waits for the answer any more. */
  deadline: number;
  /** Epoch milliseconds when the API accepted the request. */
  acceptedAt: number;
}

/** Emitted once when a session (or backend) takes the job, before any output. */
export interface JobStartedEvent {
  type: 'job-started';
  sessionId: string | null;
  supervisor: string;
  /** The backend that answers: `job.backend`, or the fallback that took over. */
  backend?: BackendName;
}

/** Everything a dispatcher reports about a running job, in order. */
export type JobEvent = JobStartedEvent | StreamPart;

/** Whether an event ends the job's event stream. */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.type === 'finish' || event.type === 'error';
}

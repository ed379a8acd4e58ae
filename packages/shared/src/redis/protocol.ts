import { BACKEND_NAMES, type CompletionJob, type JobEvent } from '../contracts/job.ts';
import type { SupervisorInfo } from '../contracts/dispatcher.ts';
import type { SessionInfo } from '../contracts/session.ts';

/**
 * The wire protocol between API replicas and supervisors over Redis, in one place.
 *
 * - A job is a BullMQ job on queue {@link QUEUE_NAME}: its data is the {@link CompletionJob}
 *   unchanged, its name is the reply channel of the API replica that holds the client.
 * - A supervisor publishes the job's events to that channel in {@link ReplyBatch}es, the batches
 *   of one event-loop turn in one message.
 * - An API replica cancels a job by publishing its id on the cancel channel.
 * - Each supervisor keeps a {@link SupervisorRecord} under a key that expires unless renewed.
 * - A supervisor holding a parked tool turn says so under {@link RedisKeys.parkedCall} per call;
 *   the follow-up answering it is pushed on that supervisor's own list
 *   ({@link RedisKeys.directQueue}) as a {@link DirectedJob}.
 */
export const QUEUE_NAME = 'completions';

/** Every Redis key and channel of the gateway under one prefix (`REDIS_PREFIX`). */
export interface RedisKeys {
  /** BullMQ's own prefix: its keys are `<prefix>:completions:*`. */
  readonly prefix: string;
  readonly cancelChannel: string;
  /** The set of supervisor ids that may be alive (their records tell). */
  readonly supervisors: string;
  replyChannel(replicaId: string): string;
  supervisorRecord(supervisorId: string): string;
  /**
   * Which supervisor holds the parked turn waiting on this tool call: its id, expiring with the
   * park (`LLM_TOOL_RESULT_TIMEOUT`). See `api/src/dispatch/redis/DESIGN.md`.
   */
  parkedCall(toolCallId: string): string;
  /** A supervisor's own list of follow-ups for the turns it holds ({@link DirectedJob}s). */
  directQueue(supervisorId: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    cancelChannel: `${prefix}:cancel`,
    supervisors: `${prefix}:supervisors`,
    replyChannel: (replicaId) => `${prefix}:reply:${replicaId}`,
    supervisorRecord: (supervisorId) => `${prefix}:supervisor:${supervisorId}`,
    parkedCall: (toolCallId) => `${prefix}:parked:${toolCallId}`,
    directQueue: (supervisorId) => `${prefix}:direct:${supervisorId}`,
  };
}

/**
 * Some events of one job, in order. `attempt` counts how often a supervisor took the job: after a
 * supervisor dies, another one runs the job again as the next attempt, and the API must not mix
 * the two answers.
 */
export interface ReplyBatch {
  job: string;
  attempt: number;
  events: JobEvent[];
}

/**
 * One reply message: the batches of one or more jobs bound for the same API replica. A supervisor
 * publishes the batches of one event-loop turn together (see `ReplyPublisher`).
 */
export function encodeReplyMessage(batches: readonly ReplyBatch[]): string {
  return JSON.stringify(batches);
}

/** Parses a reply message, a list of batches. What is not a batch is left out (and so ignored). */
export function decodeReplyMessage(message: string): ReplyBatch[] {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return [];
  }
  return Array.isArray(value) ? value.filter(isReplyBatch) : [];
}

function isReplyBatch(value: unknown): value is ReplyBatch {
  if (typeof value !== 'object' || value === null) return false;
  const batch = value as Partial<ReplyBatch>;
  return typeof batch.job === 'string' && typeof batch.attempt === 'number' && Array.isArray(batch.events);
}

/**
 * A follow-up sent to the supervisor holding its parked turn: pushed on that supervisor's
 * {@link RedisKeys.directQueue} (LPUSH; the supervisor BRPOPs). `channel` is the reply channel,
 * as a queued job's name is.
 */
export interface DirectedJob {
  channel: string;
  job: CompletionJob;
}

export function encodeDirectedJob(directed: DirectedJob): string {
  return JSON.stringify(directed);
}

/** Parses a directed job; undefined when it is not one (it is then dropped). */
export function decodeDirectedJob(message: string): DirectedJob | undefined {
  try {
    const value = JSON.parse(message) as Partial<DirectedJob>;
    return typeof value.channel === 'string' && isCompletionJob(value.job) ? { channel: value.channel, job: value.job } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a supervisor tells the cluster about itself on every heartbeat (and soon after a session
 * changes status): {@link SupervisorInfo} and its sessions.
 */
export interface SupervisorRecord extends SupervisorInfo {
  sessions: SessionInfo[];
}

/**
 * Checks that a queued job's data is a completion job. A job that is not can never succeed: the
 * worker fails it without retrying.
 */
export function isCompletionJob(value: unknown): value is CompletionJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Partial<CompletionJob>;
  return (
    typeof job.id === 'string' &&
    typeof job.requestId === 'string' &&
    typeof job.tenant === 'string' &&
    typeof job.backend === 'string' &&
    (BACKEND_NAMES as readonly string[]).includes(job.backend) &&
    typeof job.request === 'object' &&
    job.request !== null &&
    Array.isArray(job.request.messages) &&
    typeof job.stream === 'boolean' &&
    typeof job.deadline === 'number' &&
    typeof job.acceptedAt === 'number'
  );
}

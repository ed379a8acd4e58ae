/**
 * What API replicas and supervisors share over Redis: the wire protocol, the connection helper,
 * the supervisor registry and the per-turn batcher. A subpath of its own so that importing
 * `@llm-gateway/shared` does not load ioredis.
 */
export {
  QUEUE_NAME,
  decodeDirectedJob,
  decodeReplyMessage,
  encodeDirectedJob,
  encodeReplyMessage,
  isCompletionJob,
  redisKeys,
  type DirectedJob,
  type RedisKeys,
  type ReplyBatch,
  type SupervisorRecord,
} from './protocol.ts';
export { closeRedisConnection, createRedisConnection, type CreateRedisConnectionOptions, type RedisConnectionKind } from './redis-connection.ts';
export { HEARTBEATS_TO_EXPIRY, readSupervisorRecords, startRegistryHeartbeat, type RegistryHeartbeat, type RegistryHeartbeatOptions } from './supervisor-registry.ts';
export { TurnBatcher, type TurnBatcherOptions } from './turn-batcher.ts';

import type { Redis } from 'ioredis';
import type { RateLimits } from './tenant-limits.ts';
import type { RateCost, RateDecision } from './token-bucket.ts';
import type { RateLimiter } from './rate-limiter.ts';

/**
 * token-bucket.ts in Lua, so that a check is one round trip and atomic across API replicas.
 * Time comes from the Redis server (TIME), not from the replicas, whose clocks may disagree.
 * KEYS[1]: the tenant's bucket hash. ARGV: rpm, tpm, tokens, mode (`take` or `adjust`), requests.
 * A bucket key expires once both buckets would be full again: a missing key means full buckets.
 */
const SCRIPT = `
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local mode = ARGV[4]
local requestCost = tonumber(ARGV[5])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'r', 't', 'u')
local requests = rpm
local tokens = tpm
if stored[3] then
  local elapsed = math.max(0, now - tonumber(stored[3]))
  requests = math.min(rpm, tonumber(stored[1]) + elapsed * rpm / 60000)
  tokens = math.min(tpm, tonumber(stored[2]) + elapsed * tpm / 60000)
end
local function wait(level, limit, target)
  if limit <= 0 or level >= target then return 0 end
  return math.ceil((target - level) * 60000 / limit)
end
local allowed = 1
local exceeded = 0
local retry = 0
if mode == 'take' then
  local requestsWait = 0
  local tokensWait = 0
  if rpm > 0 and requestCost > 0 then requestsWait = wait(requests, rpm, requestCost) end
  if tpm > 0 and cost > 0 then tokensWait = wait(tokens, tpm, cost) end
  if requestsWait > 0 or tokensWait > 0 then
    allowed = 0
    retry = math.max(requestsWait, tokensWait)
    if requestsWait >= tokensWait then exceeded = 1 else exceeded = 2 end
  else
    if rpm > 0 then requests = requests - requestCost end
    if tpm > 0 then tokens = tokens - cost end
  end
elseif tpm > 0 then
  tokens = math.min(tpm, tokens - cost)
end
local resetRequests = wait(requests, rpm, rpm)
local resetTokens = wait(tokens, tpm, tpm)
if allowed == 1 then
  redis.call('HSET', KEYS[1], 'r', tostring(requests), 't', tostring(tokens), 'u', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.max(resetRequests, resetTokens) + 1000)
end
return { allowed, retry, exceeded, math.max(0, math.floor(requests)), math.max(0, math.floor(tokens)), resetRequests, resetTokens }
`;

interface RateLimitCommands {
  llmgwRateLimit(key: string, rpm: number, tpm: number, tokens: number, mode: 'take' | 'adjust', requests: number): Promise<number[]>;
}

export interface RedisRateLimiterOptions {
  /** A connection the caller owns (and closes). */
  redis: Redis;
  /** `REDIS_PREFIX`. */
  prefix: string;
}

/** The limiter shared by every API replica: the buckets live in Redis, one hash per tenant. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, prefix } = options;
  if (!('llmgwRateLimit' in redis)) redis.defineCommand('llmgwRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  const commands = redis as unknown as RateLimitCommands;
  const key = (tenant: string) => `${prefix}:ratelimit:${tenant}`;
  return {
    async check(tenant, limits, cost: RateCost) {
      const reply = await commands.llmgwRateLimit(key(tenant), limits.rpm, limits.tpm, cost.tokens, 'take', cost.requests);
      return toDecision(reply);
    },
    async correct(tenant, limits, tokenDelta) {
      if (limits.tpm <= 0 || tokenDelta === 0) return;
      await commands.llmgwRateLimit(key(tenant), limits.rpm, limits.tpm, tokenDelta, 'adjust', 0);
    },
  };
}

function toDecision(reply: number[]): RateDecision {
  const [allowed, retryAfterMs, exceeded, remainingRequests, remainingTokens, resetRequestsMs, resetTokensMs] = reply.map(Number) as [
    number, number, number, number, number, number, number,
  ];
  const decision: RateDecision = { allowed: allowed === 1, retryAfterMs, remainingRequests, remainingTokens, resetRequestsMs, resetTokensMs };
  if (exceeded !== 0) decision.exceeded = exceeded === 1 ? 'requests' : 'tokens';
  return decision;
}

import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import type { ChatRequest, Config, GatewayMetrics, JobEvent, Logger } from '@llm-gateway/shared';
import { closeRedisConnection, createRedisConnection } from '@llm-gateway/shared/redis';
import type { GatewayEnv } from '../app-context.ts';
import { observeAnswer, type ObservedEnd } from './answer-events.ts';
import { keyRingFromConfig, type KeyRing } from '@llm-gateway/shared';
import { cacheKey } from './cache-key.ts';
import { CACHE_HEADER, wantsCache, type CacheStatus } from './cache-policy.ts';
import { checkPromptCaps, contextLengthError } from './prompt-checks.ts';
import { rateLimitError, setRateLimitHeaders, tooLargeForLimitError } from './rate-limit-headers.ts';
import { createMemoryRateLimiter, type RateLimiter } from './rate-limiter.ts';
import type { RateCost } from './token-bucket.ts';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';
import { createRedisResponseCache } from './redis-response-cache.ts';
import { createMemoryResponseCache, type CachedAnswer, type ResponseCache } from './response-cache.ts';
import { tenantMetrics, type TenantMetrics } from './tenant-metrics.ts';
import { createTenantLimits, type RateLimits, type TenantLimitTable } from './tenant-limits.ts';
import { createTokenCountPool, type TokenCountPool } from './tokens/token-count-pool.ts';
import { createPromptTokenCounter, promptSize, promptTokenUpperBound, type PromptSize, type PromptTokenCounter } from './tokens/token-estimate.ts';

/** What the guard decided for one chat completion that may go ahead. */
export interface Admission {
  cache: CacheStatus;
  /** Serve this instead of dispatching. */
  cached?: CachedAnswer;
  /** Prompt tokens counted before dispatch, when anything needed them. */
  estimatedPromptTokens?: number;
  /** Wraps the job's events (unchanged) to store the answer and settle the token budget. */
  track(events: AsyncIterator<JobEvent>): AsyncIterator<JobEvent>;
}

/** Keys, limits, token estimates and the response cache: the per-tenant rules of the API. */
export interface TenantGuard {
  readonly keys: KeyRing;
  /**
   * Takes the request from its tenant's requests-per-minute budget: called right after
   * authentication, before the body is read, so a tenant over its RPM costs no parsing or counting,
   * and a request that then fails validation has still counted. Without a promise when no RPM applies.
   * @throws GatewayError 429 (RPM).
   */
  admitRequest(c: Context<GatewayEnv>): void | Promise<void>;
  /** After parsing: caps, the cache, the token count and the TPM budget. @throws GatewayError 400 (caps, context window) or 429 (TPM). */
  admit(c: Context<GatewayEnv>, request: ChatRequest): Admission | Promise<Admission>;
  /** The prompt's token estimate, within the prompt caps (count_tokens). @throws GatewayError 400 (caps). */
  countPromptTokens(request: ChatRequest): Promise<number>;
  /** Counts one finished chat completion for its tenant. */
  account(tenant: string, model: string, status: number): void;
  close(): Promise<void>;
}

export interface TenantGuardOptions {
  config: Config;
  log: Logger;
  metrics: GatewayMetrics;
  /**
   * Shares limits and cache with every replica through this Redis (Redis mode); a connection is
   * opened only when limits or the cache are configured. @defaultValue in memory
   */
  redisUrl?: string | undefined;
  /** @defaultValue a pool of `LLM_TOKENIZER_THREADS` threads, or none when 0 */
  tokenPool?: TokenCountPool | undefined;
}

const untracked = (events: AsyncIterator<JobEvent>) => events;

export function createTenantGuard(options: TenantGuardOptions): TenantGuard {
  const { config, log } = options;
  const keys = keyRingFromConfig(config);
  const limits = createTenantLimits({
    defaults: { rpm: config.rateLimitRpm, tpm: config.rateLimitTpm },
    overrides: config.tenantLimits,
    tenants: keys.tenants,
  });
  const metrics = tenantMetrics(options.metrics.registry);
  const redis = options.redisUrl !== undefined && (limits.active || config.cacheTtlSeconds > 0) ? connect(options.redisUrl, log) : undefined;
  const limiter: RateLimiter | undefined = !limits.active
    ? undefined
    : redis
      ? createRedisRateLimiter({ redis, prefix: config.redisPrefix })
      : createMemoryRateLimiter();
  const cache: ResponseCache | undefined =
    config.cacheTtlSeconds <= 0
      ? undefined
      : redis
        ? createRedisResponseCache({ redis, prefix: config.redisPrefix })
        : createMemoryResponseCache({ maxEntries: config.cacheMaxEntries });
  const pool = options.tokenPool ?? (config.tokenizerThreads > 0 ? createTokenCountPool({ threads: config.tokenizerThreads }) : undefined);
  const countTokens = createPromptTokenCounter({ pool });
  const degraded = degradedLogger(log);
  const context: AdmitContext = { config, log, metrics, cacheHits: options.metrics.cacheHits, limits, limiter, cache, countTokens, degraded };

  return {
    keys,
    admitRequest: (c) => admitRequest(context, c),
    admit: (c, request) => admit(context, c, request),
    countPromptTokens: (request) => {
      const size = promptSize(request);
      checkPromptCaps(size, config);
      return countTokens(request, size);
    },
    account(tenant, model, status) {
      metrics.requests.inc({ tenant, model, status: String(status) });
    },
    close: async () => {
      await pool?.close();
      if (redis) await closeRedisConnection(redis);
    },
  };
}

/** Fails fast while Redis is away: a request then goes on without limits or cache instead of waiting. */
function connect(url: string, log: Logger): Redis {
  return createRedisConnection(url, { kind: 'fail-fast', name: 'api:tenants', log, commandTimeoutMs: 1_000 });
}

interface AdmitContext {
  config: Config;
  log: Logger;
  metrics: TenantMetrics;
  cacheHits: GatewayMetrics['cacheHits'];
  limits: TenantLimitTable;
  limiter: RateLimiter | undefined;
  cache: ResponseCache | undefined;
  countTokens: PromptTokenCounter;
  degraded: (what: string, error: unknown) => void;
}

/** The admission of a request nothing applies to, shared: the common case allocates nothing. */
const BYPASS: Admission = Object.freeze({ cache: 'bypass', track: untracked });

/** The RPM check of {@link TenantGuard.admitRequest}. */
function admitRequest(context: AdmitContext, c: Context<GatewayEnv>): void | Promise<void> {
  if (!context.limiter) return;
  const tenant = c.get('tenant');
  const limits = context.limits.limitsFor(tenant);
  if (limits.rpm <= 0) return;
  return limit(context, c, tenant, limits, { requests: 1, tokens: 0 });
}

/**
 * Caps first (always; a loop over the messages), then, only for what is configured: the cache
 * lookup, the token count (needed for TPM, or when the prompt might not fit the context window),
 * the TPM limit. With none of them configured it returns at once, without a promise.
 */
function admit(context: AdmitContext, c: Context<GatewayEnv>, request: ChatRequest): Admission | Promise<Admission> {
  const { config, log, limits, cache, limiter } = context;
  const tenant = c.get('tenant');
  const size = promptSize(request);
  checkPromptCaps(size, config);
  if (log.isLevelEnabled('debug')) log.debug({ requestId: c.get('requestId'), tenant, messages: request.messages }, 'chat completion prompt');
  const tenantLimits = limits.limitsFor(tenant);
  const useCache = cache !== undefined && wantsCache(c.req.header(CACHE_HEADER), request);
  const window = config.contextWindows.forModel(request.model);
  const mightOverflow = window > 0 && promptTokenUpperBound(size) + (request.maxTokens ?? 0) > window;
  // The request itself was taken from the RPM budget already (admitRequest).
  const limited = limiter !== undefined && tenantLimits.tpm > 0;
  if (!useCache && !mightOverflow && !limited) return BYPASS;
  return admitConfigured(context, c, request, { tenant, size, tenantLimits, useCache, mightOverflow, window });
}

interface AdmitState {
  tenant: string;
  size: PromptSize;
  tenantLimits: RateLimits;
  useCache: boolean;
  mightOverflow: boolean;
  /** The model's context window in tokens; 0 when unchecked. */
  window: number;
}

async function admitConfigured(context: AdmitContext, c: Context<GatewayEnv>, request: ChatRequest, state: AdmitState): Promise<Admission> {
  const { config, cache } = context;
  const { tenant, size, tenantLimits, window } = state;
  let key: string | undefined;
  if (state.useCache) {
    key = cacheKey(tenant, request);
    const cached = await cache!.get(tenant, key).catch((error: unknown) => context.degraded('response cache', error));
    if (cached) {
      // A hit costs no tokens; its request was counted by admitRequest.
      context.cacheHits.inc({ tenant });
      c.header(CACHE_HEADER, 'hit');
      return { cache: 'hit', cached, track: untracked };
    }
    context.metrics.cacheMisses.inc({ tenant });
    c.header(CACHE_HEADER, 'miss');
  }

  let estimate: number | undefined;
  const completionTokens = request.maxTokens ?? 0;
  if (tenantLimits.tpm > 0 || state.mightOverflow) {
    estimate = await context.countTokens(request, size);
    if (window > 0 && estimate + completionTokens > window) throw contextLengthError(window, estimate, completionTokens);
  }
  if (context.limiter && tenantLimits.tpm > 0) {
    const tokens = estimate ?? 0;
    if (tokens > tenantLimits.tpm) {
      context.metrics.rateLimited.inc({ tenant, limit: 'tokens' });
      throw tooLargeForLimitError(tenant, tenantLimits, tokens);
    }
    await limit(context, c, tenant, tenantLimits, { requests: 0, tokens });
  }

  const store = key !== undefined;
  const settle = tenantLimits.tpm > 0 && context.limiter !== undefined;
  const admission: Admission = { cache: store ? 'miss' : 'bypass', track: untracked };
  if (estimate !== undefined) admission.estimatedPromptTokens = estimate;
  if (!store && !settle) return admission;
  admission.track = (events) =>
    observeAnswer(events, {
      collect: store,
      onEnd: (end) => {
        if (store && end.answer) {
          cache!.set(tenant, key!, end.answer, config.cacheTtlSeconds).catch((error: unknown) => context.degraded('response cache', error));
        }
        if (settle) settleTokens(context, tenant, tenantLimits, estimate ?? 0, end);
      },
    });
  return admission;
}

/** Takes `cost` from the tenant's budgets, or refuses the request with 429. */
async function limit(context: AdmitContext, c: Context<GatewayEnv>, tenant: string, limits: RateLimits, cost: RateCost): Promise<void> {
  const limiter = context.limiter!;
  // Redis away: serve without limits rather than refuse everyone (the dispatcher reports the outage).
  const decision = await limiter.check(tenant, limits, cost).catch((error: unknown) => context.degraded('rate limiter', error));
  if (!decision) return;
  setRateLimitHeaders(c, limits, decision);
  if (!decision.allowed) {
    context.metrics.rateLimited.inc({ tenant, limit: decision.exceeded ?? 'requests' });
    throw rateLimitError(tenant, limits, decision);
  }
}

/**
 * Replaces the estimate with what the job used (prompt and completion tokens). A job that ended
 * without reporting usage (failed, or its client left mid-answer) keeps the estimate charged: a
 * refund there would let a client that hangs up early never pay for its prompts.
 */
function settleTokens(context: AdmitContext, tenant: string, limits: RateLimits, estimate: number, end: ObservedEnd): void {
  if (!end.usage) return;
  const delta = end.usage.promptTokens + end.usage.completionTokens - estimate;
  if (delta === 0) return;
  context.limiter!.correct(tenant, limits, delta).catch((error: unknown) => context.degraded('rate limiter', error));
}

/** Logs an unavailable store once a minute, not once per request. */
function degradedLogger(log: Logger, intervalMs = 60_000): (what: string, error: unknown) => undefined {
  let lastWarning = 0;
  return (what, error) => {
    const now = Date.now();
    if (now - lastWarning < intervalMs) return undefined;
    lastWarning = now;
    log.warn({ error: error instanceof Error ? error.message : String(error) }, `${what} unavailable; serving without it`);
    return undefined;
  };
}

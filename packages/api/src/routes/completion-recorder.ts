import { boundedLabel, type GatewayMetrics, type Logger, type Usage } from '@llm-gateway/shared';
import type { CacheStatus } from '../tenants/cache-policy.ts';
import type { DialectName } from './dialect.ts';

export interface CompletionOutcome {
  status: number;
  usage?: Usage;
  sessionId?: string | null;
  errorCode?: string;
  /** What the client was told; for the status page, not the log line (which has the code). */
  errorMessage?: string;
}

/**
 * Records one completion exactly once, whichever way it ends: the request counter, the latency
 * histogram, token counters and one structured log line.
 */
export class CompletionRecorder {
  /** The API the client spoke; a bounded label. */
  dialect: DialectName = 'chat';
  model = 'unknown';
  backend = 'none';
  tenant = 'anonymous';
  stream = false;
  /** What the response cache did; a hit used no backend tokens, so none are counted. */
  cache: CacheStatus | undefined;
  /** Prompt tokens counted before dispatch, when limits or the context window needed them. */
  estimatedPromptTokens: number | undefined;
  /** Per-tenant usage accounting. */
  account: ((tenant: string, model: string, status: number) => void) | undefined;
  #done = false;
  readonly #started = performance.now();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
    private readonly requestId: string,
    private readonly knownModels: ReadonlySet<string>,
    /** Called once the completion is over, however it ended. */
    private readonly onFinish: (outcome: CompletionOutcome, latencyMs: number) => void = () => {},
  ) {}

  finish(outcome: CompletionOutcome): void {
    if (this.#done) return;
    this.#done = true;
    const seconds = (performance.now() - this.#started) / 1000;
    this.onFinish(outcome, seconds * 1000);
    const model = boundedLabel(this.model, this.knownModels);
    this.metrics.requestsTotal.inc({ status: String(outcome.status), model, backend: this.backend, dialect: this.dialect });
    this.metrics.requestDuration.observe({ model, backend: this.backend, stream: String(this.stream) }, seconds);
    this.account?.(this.tenant, model, outcome.status);
    if (outcome.usage && this.cache !== 'hit') {
      this.metrics.tokensTotal.inc({ kind: 'prompt', model, tenant: this.tenant }, outcome.usage.promptTokens);
      this.metrics.tokensTotal.inc({ kind: 'completion', model, tenant: this.tenant }, outcome.usage.completionTokens);
      if (outcome.usage.costUsd !== undefined) this.metrics.costUsdTotal.inc({ tenant: this.tenant, model, backend: this.backend }, outcome.usage.costUsd);
    }
    this.log.info(
      {
        requestId: this.requestId,
        dialect: this.dialect,
        model: this.model,
        backend: this.backend,
        tenant: this.tenant,
        stream: this.stream,
        status: outcome.status,
        latencyMs: Math.round(seconds * 1000 * 10) / 10,
        sessionId: outcome.sessionId ?? null,
        promptTokens: outcome.usage?.promptTokens,
        completionTokens: outcome.usage?.completionTokens,
        ...(outcome.usage?.costUsd === undefined ? {} : { costUsd: outcome.usage.costUsd }),
        ...(this.estimatedPromptTokens === undefined ? {} : { estimatedPromptTokens: this.estimatedPromptTokens }),
        ...(this.cache === undefined ? {} : { cache: this.cache }),
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      },
      'chat completion',
    );
  }
}

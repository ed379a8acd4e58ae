import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, on a registry of their own (one per process or test). */
export interface GatewayMetrics {
  registry: Registry;
  /** By HTTP status, model, backend and API dialect (`chat`, `messages`, `responses`). */
  requestsTotal: Counter<'status' | 'model' | 'backend' | 'dialect'>;
  requestDuration: Histogram<'model' | 'backend' | 'stream'>;
  /** Sessions by status (and supervisor), set from the pool. */
  sessionsTotal: Gauge<'status'>;
  cacheHits: Counter<'tenant'>;
  queueDepth: Gauge<never>;
  tokensTotal: Counter<'kind' | 'model' | 'tenant'>;
  /** Live supervisors by the backend they serve (each supervisor once per backend it hosts), set when scraped. */
  backendSupervisors: Gauge<'backend'>;
  /** Dollars the backends reported spending (the CLI's `total_cost_usd`), by tenant, model and backend. */
  costUsdTotal: Counter<'tenant' | 'model' | 'backend'>;
  /** Runs `collect` before every scrape, e.g. to count sessions only when someone asks. */
  addCollector(collect: () => void | Promise<void>): void;
}

export interface CreateMetricsOptions {
  /** Adds Node's process metrics (CPU, memory, event loop lag). @defaultValue true */
  processMetrics?: boolean;
  /** Labels on every series, e.g. `{ role: 'api' }`. */
  defaultLabels?: Record<string, string>;
}

export function createMetrics(options: CreateMetricsOptions = {}): GatewayMetrics {
  const { processMetrics = true, defaultLabels } = options;
  const registry = new Registry();
  if (defaultLabels) registry.setDefaultLabels(defaultLabels);
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const collectors: Array<() => void | Promise<void>> = [];
  const sessionsTotal = new Gauge({
    name: 'llm_sessions_total',
    help: 'Pooled backend sessions by status.',
    labelNames: ['status'],
    registers,
    async collect() {
      for (const collect of collectors) await collect();
    },
  });
  return {
    registry,
    addCollector: (collect) => {
      collectors.push(collect);
    },
    sessionsTotal,
    requestsTotal: new Counter({
      name: 'llm_requests_total',
      help: 'Completion requests by HTTP status, model, backend and API dialect (chat, messages, responses).',
      labelNames: ['status', 'model', 'backend', 'dialect'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'llm_request_duration_seconds',
      help: 'Chat completion latency, from request to the last byte.',
      labelNames: ['model', 'backend', 'stream'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    cacheHits: new Counter({
      name: 'llm_cache_hits_total',
      help: 'Responses served from the response cache.',
      labelNames: ['tenant'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'llm_queue_depth',
      help: 'Jobs waiting for a supervisor.',
      registers,
    }),
    tokensTotal: new Counter({
      name: 'llm_tokens_total',
      help: 'Tokens by kind (prompt, completion), model and tenant.',
      labelNames: ['kind', 'model', 'tenant'],
      registers,
    }),
    backendSupervisors: new Gauge({
      name: 'llm_backend_supervisors',
      help: 'Live supervisors serving each backend (what the cluster serves, whatever this process\'s LLM_BACKEND).',
      labelNames: ['backend'],
      registers,
    }),
    costUsdTotal: new Counter({
      name: 'llm_cost_usd_total',
      help: 'US dollars the backends reported spending (the cli backend\'s total_cost_usd), by tenant, model and backend.',
      labelNames: ['tenant', 'model', 'backend'],
      registers,
    }),
  };
}

/**
 * Keeps a label's values bounded: anything not in `allowed` becomes `other`, so a client
 * inventing model names cannot create unbounded series.
 */
export function boundedLabel(value: string, allowed: ReadonlySet<string>): string {
  return allowed.has(value) ? value : 'other';
}

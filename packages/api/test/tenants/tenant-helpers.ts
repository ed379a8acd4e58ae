import type { Hono } from 'hono';
import type { GatewayEnv } from '../../src/app-context.ts';

/** Keys used by the tenant tests; every one of them must stay out of logs and metrics. */
export const KEYS = {
  alpha: 'sk-alpha-7f3a9c1e5b',
  alpha2: 'sk-alpha-second-2d8e4f',
  beta: 'sk-beta-0c6b1d9a3e',
  gamma: 'sk-gamma-94e2a7c5f1',
  admin: 'sk-admin-5e1f8b2c7d',
} as const;

/** `LLM_API_KEYS` for alpha (two keys), beta and gamma. */
export const API_KEYS = `${KEYS.alpha}:alpha,${KEYS.alpha2}:alpha,${KEYS.beta}:beta,${KEYS.gamma}:gamma`;

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export interface ChatOptions {
  key?: string;
  headers?: Record<string, string>;
}

/** POST /v1/chat/completions through `app.request()`. */
export async function chat(app: Hono<GatewayEnv>, body: Record<string, unknown>, options: ChatOptions = {}): Promise<Response> {
  return app.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.key ? bearer(options.key) : {}), ...options.headers },
    body: JSON.stringify({ model: 'claude-sonnet', ...body }),
  });
}

export const ask = (text: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content: text }], ...extra });

/** The value of one series in Prometheus text, or 0 when it is absent. */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([label, value]) => inner.includes(`${label}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

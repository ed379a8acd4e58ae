import Anthropic from '@anthropic-ai/sdk';

/** The official Anthropic client as a tenant runs it against the gateway: no retries, a 10 s timeout. */
export function anthropicClient(url: string, apiKey = 'tenant-key'): Anthropic {
  return new Anthropic({ baseURL: url, apiKey, maxRetries: 0, timeout: 10_000 });
}

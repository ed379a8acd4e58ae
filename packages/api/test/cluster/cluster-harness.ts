import type { SessionInfo } from '@llm-gateway/shared';
import { getJson } from '@llm-gateway/testkit';

export async function sessionsOf(url: string): Promise<SessionInfo[]> {
  return (await getJson<{ sessions: SessionInfo[] }>(`${url}/sessions`)).body.sessions;
}

/** Posts a chat completion with fetch; never throws for HTTP errors. */
export async function chat(
  url: string,
  content: string,
  options: { stream?: boolean; signal?: AbortSignal; model?: string } = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: options.model ?? 'claude-sonnet', stream: options.stream ?? false, messages: [{ role: 'user', content }] }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: response.status, text: await response.text() };
}

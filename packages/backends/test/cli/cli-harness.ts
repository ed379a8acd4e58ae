import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import type { ChatRequest } from '@llm-gateway/shared';
import { createCliBackend, type CliBackendOptions, type SessionBackend } from '../../src/index.ts';

/** The real `claude` CLI pointed at a fake Anthropic API, with a throwaway home of its own. */
export interface CliHarness {
  fake: FakeAnthropic;
  /** The environment sessions get: nothing of the developer's own Claude Code setup. */
  env: NodeJS.ProcessEnv;
  home: string;
  backend(options?: CliBackendOptions): SessionBackend;
  close(): Promise<void>;
}

export async function startCliHarness(): Promise<CliHarness> {
  const fake = await startFakeAnthropic();
  const home = await mkdtemp(join(tmpdir(), 'llm-gateway-cli-test-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
  };
  return {
    fake,
    env,
    home,
    // No retries: an error status from the fake becomes the answer at once.
    backend: (options = {}) => createCliBackend({ env, maxRetries: 0, requestTimeoutMs: 20_000, ...options }),
    async close() {
      await fake.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export function userRequest(text: string, model = 'claude-sonnet'): ChatRequest {
  return { model, messages: [{ role: 'user', content: [{ type: 'text', text }] }] };
}

/** The upstream request bodies the fake received for prompts (not counting other calls). */
export function promptBodies(fake: FakeAnthropic): string[] {
  return fake.requests.filter((request) => request.path.startsWith('/v1/messages')).map((request) => JSON.stringify(request.body));
}

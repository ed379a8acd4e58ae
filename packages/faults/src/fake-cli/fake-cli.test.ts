import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, type StreamPart } from '@llm-gateway/shared';
import { createBackendFromConfig } from '@llm-gateway/supervisor';
import { fakeCliCommand, type FakeCliMode } from '../harness/fake-cli-gateway.ts';

/** The fake CLI must speak the protocol the real CLI backend expects, or the fault cases prove nothing. */
describe('the fake CLI under the real CLI backend', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const sessionIn = (mode: FakeCliMode) => {
    dir = mkdtempSync(join(tmpdir(), 'fake-cli-test-'));
    writeFileSync(join(dir, 'mode'), mode);
    const config = loadConfig({ LLM_BACKEND: 'cli', LLM_CLI_COMMAND: fakeCliCommand(dir), LLM_CLI_HOST: 'pipe', LLM_CLI_SANDBOX: 'off' });
    const supervised = createBackendFromConfig(config, createLogger({ level: 'silent' }));
    if (supervised.kind !== 'pooled') throw new Error('the CLI backend is pooled');
    return supervised.backend.createSession({ id: 'fake-test' });
  };

  it('starts, answers, resets and stops like a healthy CLI, and logs its start', async () => {
    const session = sessionIn('healthy');
    try {
      await session.start(AbortSignal.timeout(10_000));
      const parts: StreamPart[] = [];
      const request = { model: 'claude-sonnet', messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }] };
      for await (const part of session.run(request, { signal: AbortSignal.timeout(10_000) })) parts.push(part);
      const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
      expect(text).toBe('Fake CLI answer.');
      expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
      await session.reset();
      expect(readFileSync(join(dir!, 'spawns.log'), 'utf8')).toMatch(/^\d+ \d+ healthy\n$/);
    } finally {
      await session.stop();
    }
  });

  it('crashing at start fails the start with its stderr line', async () => {
    const session = sessionIn('crash-at-start');
    try {
      await expect(session.start(AbortSignal.timeout(10_000))).rejects.toThrow(/simulated crash at start/);
    } finally {
      await session.stop();
    }
  });
});

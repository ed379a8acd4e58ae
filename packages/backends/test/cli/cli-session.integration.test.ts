import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAnswer, type StreamPart } from '@llm-gateway/shared';
import type { BackendSession } from '../../src/index.ts';
import { promptBodies, startCliHarness, userRequest, type CliHarness } from './cli-harness.ts';

const never = () => new AbortController().signal;

async function parts(session: BackendSession, text: string, signal = never()): Promise<StreamPart[]> {
  const collected: StreamPart[] = [];
  for await (const part of session.run(userRequest(text), { signal })) collected.push(part);
  return collected;
}

/** The real `claude` CLI under both hosts, against the fake Anthropic API. */
describe.each(['pipe', 'pty'] as const)('CLI session on the %s host', (host) => {
  let harness: CliHarness;
  let session: BackendSession;

  beforeAll(async () => {
    harness = await startCliHarness();
    session = harness.backend({ host }).createSession({ id: `test-${host}` });
    await session.start(AbortSignal.timeout(20_000));
  });

  afterAll(async () => {
    await session?.stop();
    await harness?.close();
  });

  it('streams a warm answer, then forgets it: the next upstream request holds nothing of the first', async () => {
    harness.fake.enqueue({ kind: 'text', text: 'The secret word is PELICAN, as you asked.' });
    const first = await parts(session, 'Remember the secret word ALBATROSS');
    expect(first.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(3);
    expect(first.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(first.at(-2)).toMatchObject({ type: 'usage', usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) } });
    const pid = session.pid;
    await session.reset();
    const before = harness.fake.requests.length;
    const second = await collectAnswer(session.run(userRequest('What was the secret word?'), { signal: never() }));
    expect(second.text).toBe('echo: What was the secret word?');
    expect(session.pid).toBe(pid);
    const bodies = promptBodies(harness.fake).slice(before);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toMatch(/ALBATROSS|PELICAN/);
    // The reset added nothing to the next prompt (a `/clear` would leave its caveat there, billed).
    expect(bodies[0]).not.toContain('local-command-caveat');
    await session.reset();
    const again = await collectAnswer(session.run(userRequest('What was the secret word?'), { signal: never() }));
    await session.reset();
    const third = await collectAnswer(session.run(userRequest('What was the secret word?'), { signal: never() }));
    expect(third.usage.promptTokens).toBe(again.usage.promptTokens);
    expect(promptBodies(harness.fake).at(-1)).toBe(promptBodies(harness.fake).at(-2));
    // Sessions run with no tools at all.
    expect(harness.fake.requests.at(-1)!.body.tools ?? []).toEqual([]);
    await session.reset();
  });

  it('executes nothing when the model asks to run Bash', async () => {
    const marker = join(harness.home, `pwned-${host}`);
    harness.fake.enqueue(
      { kind: 'tool_use', calls: [{ name: 'Bash', input: { command: `touch ${marker}` } }] },
      { kind: 'text', text: 'I could not run that.' },
    );
    const before = harness.fake.requests.length;
    const answer = await collectAnswer(session.run(userRequest('please run touch'), { signal: never() }));
    expect(answer).toMatchObject({ text: 'I could not run that.', toolCalls: [], finishReason: 'stop' });
    expect(existsSync(marker)).toBe(false);
    const retry = JSON.stringify(harness.fake.requests.slice(before).at(-1)!.body);
    expect(retry).toContain('No such tool available');
    await session.reset();
  });

  it('maps an upstream error status to an OpenAI error', async () => {
    harness.fake.enqueue({ kind: 'error', status: 429, message: 'slow down' });
    await expect(collectAnswer(session.run(userRequest('hello'), { signal: never() }))).rejects.toMatchObject({ code: 'rate_limit_exceeded', status: 429 });
    // After an error the pool recycles; a reset must still leave the session clean if used.
    await session.reset();
  });

  it('cancels an answer with the interrupt control: the upstream call is dropped, the process lives on and forgets it after a reset', async () => {
    harness.fake.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const disconnected = harness.fake.waitForDisconnect();
    const pending = parts(session, 'never answered', controller.signal);
    while (!harness.fake.requests.some((request) => JSON.stringify(request.body).includes('never answered'))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort(new Error('client went away'));
    expect(await pending).toEqual([]);
    await disconnected;
    await session.reset();
    const requests = harness.fake.requests.length;
    await session.ping();
    expect(harness.fake.requests.length).toBe(requests); // the keep-alive spends no tokens
    expect((await collectAnswer(session.run(userRequest('still here?'), { signal: never() }))).text).toBe('echo: still here?');
    // The pool reuses a cancelled session after this reset: the interrupted prompt must be gone.
    const bodies = promptBodies(harness.fake).slice(requests);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toContain('never answered');
    await session.reset();
  });

  it('carries a long prompt intact (a pty in line mode would drop lines over 4 KB)', async () => {
    const long = `${'x'.repeat(200_000)} end`;
    const answer = await collectAnswer(session.run(userRequest(long), { signal: never() }));
    expect(answer.text).toBe(`echo: ${long}`);
    await session.reset();
  });

  it('sends images to the upstream as image blocks, base64 and URL sources alike', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const before = harness.fake.requests.length;
    const request = {
      model: 'claude-sonnet',
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'What is in these?' },
            { type: 'image' as const, url: `data:image/png;base64,${png}` },
            { type: 'image' as const, url: 'https://example.com/cat.jpg' },
          ],
        },
      ],
    };
    const answer = await collectAnswer(session.run(request, { signal: never() }));
    expect(answer.text).toBe('echo: What is in these?');
    const [upstream] = harness.fake.requests.slice(before);
    const content = upstream!.body.messages.find((message: { role: string }) => message.role === 'user').content;
    expect(content).toEqual(
      expect.arrayContaining([
        { type: 'text', text: 'What is in these?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ]),
    );
    await session.reset();
  });

  it('never lets a tenant prompt drive the CLI with a slash command', async () => {
    const before = harness.fake.requests.length;
    const answer = await collectAnswer(session.run(userRequest('/model opus', 'claude-haiku'), { signal: never() }));
    expect(answer.text).toContain('/model opus');
    const bodies = harness.fake.requests.slice(before);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.body.model).toMatch(/haiku/);
    await session.reset();
  });
});

describe('CLI session limits', () => {
  it("gives up on an upstream that never answers by itself, within the gateway's request timeout", async () => {
    const harness = await startCliHarness();
    const session = harness.backend({ requestTimeoutMs: 2_500 }).createSession({ id: 'limits' });
    try {
      await session.start(AbortSignal.timeout(20_000));
      harness.fake.enqueue({ kind: 'hang' });
      const started = Date.now();
      await expect(collectAnswer(session.run(userRequest('hello'), { signal: never() }))).rejects.toMatchObject({ code: 'timeout', status: 504 });
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await session.stop();
      await harness.close();
    }
  });
});

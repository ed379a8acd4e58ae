import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import { collectAnswer } from '@llm-gateway/shared';
import { CliSession } from './cli-session.ts';
import { fakeSpawner, type FakeCliOptions } from './fake-cli-host.ts';

const request = (text = 'hi', model = 'claude-haiku'): ChatRequest => ({ model, messages: [{ role: 'user', content: [{ type: 'text', text }] }] });
const never = () => new AbortController().signal;

function setup(options: FakeCliOptions = {}) {
  const spawner = fakeSpawner(options);
  const session = new CliSession({ id: 's1', command: '/bin/sh', args: [], env: { PATH: process.env.PATH }, spawnHost: spawner, initialModel: 'claude-sonnet', controlTimeoutMs: 200 });
  const host = () => spawner.hosts[0]!;
  const controls = (subtype: string) => host().written.filter((line) => line.type === 'control_request' && line.request.subtype === subtype);
  const prompts = () => host().written.filter((line) => line.type === 'user').map((line) => line.message.content[0].text as string);
  return { session, host, controls, prompts };
}

describe('CliSession', () => {
  it('is ready once the CLI answers initialize, ignoring stderr noise, and sets the initial model', async () => {
    const { session, controls } = setup();
    await session.start(never());
    expect(session.pid).toBe(4242);
    expect(session.model).toBe('claude-sonnet');
    expect(controls('set_model').map((line) => line.request.model)).toEqual(['sonnet']);
    await session.stop();
  });

  it('refuses to start without credentials, saying how to fix it', async () => {
    const { session } = setup({ initialize: 'initialize-no-credentials' });
    await expect(session.start(never())).rejects.toThrow(/log in once with `claude`.*ANTHROPIC_API_KEY.*LLM_BACKEND=api/i);
    await session.stop();
  });

  it('rejects start when the CLI exits first, or when the start signal fires', async () => {
    const exiting = setup({ initialize: 'exit' });
    await expect(exiting.session.start(never())).rejects.toThrow(/exited \(exit code 1\)/);
    const silent = setup({ initialize: 'silent' });
    const controller = new AbortController();
    const started = silent.session.start(controller.signal);
    setTimeout(() => controller.abort(new Error('not ready within 5 ms')), 5);
    await expect(started).rejects.toThrow('not ready within 5 ms');
    await silent.session.stop();
  });

  it('rejects start when the command does not exist', async () => {
    const session = new CliSession({ id: 's', command: '/nonexistent/claude', args: [], env: {}, spawnHost: fakeSpawner() });
    await expect(session.start(never())).rejects.toThrow(/not found.*LLM_CLI_COMMAND/);
  });

  it('answers, switching the model only when it changes, and resets by rewinding to the first prompt: nothing is added to the next one', async () => {
    const { session, controls, prompts, host } = setup();
    await session.start(never());
    const first = await collectAnswer(session.run(request('one'), { signal: never() }));
    expect(first).toMatchObject({ text: 'Hello there, how can I help?', finishReason: 'stop' });
    await session.reset();
    await collectAnswer(session.run(request('two'), { signal: never() }));
    expect(controls('set_model').map((line) => line.request.model)).toEqual(['sonnet', 'haiku']);
    expect(prompts()).toEqual(['one', 'two']);
    const firstUuid = host().written.find((line) => line.type === 'user')!.uuid;
    expect(controls('rewind_conversation').map((line) => line.request.target_message_uuid)).toEqual([firstUuid]);
    expect(session.model).toBe('claude-haiku');
    await session.stop();
  });

  it('sends nothing to reset a session that ran no prompt since its last reset', async () => {
    const { session, controls, prompts } = setup();
    await session.start(never());
    await session.reset();
    expect(controls('rewind_conversation')).toEqual([]);
    expect(prompts()).toEqual([]);
    await session.stop();
  });

  it('falls back to a verified /clear when the CLI refuses the rewind', async () => {
    const { session, prompts } = setup({ refuseRewind: true });
    await session.start(never());
    await collectAnswer(session.run(request('one'), { signal: never() }));
    await session.reset();
    expect(prompts()).toEqual(['one', '/clear']);
    await session.stop();
  });

  it('forgets its model when a job is cancelled during set_model, so the next job sets its own', async () => {
    const { session, controls } = setup();
    await session.start(never());
    const controller = new AbortController();
    // The CLI may still switch to haiku after the gateway stopped waiting for its answer.
    const cancelled = collectAnswer(session.run(request('one', 'claude-haiku'), { signal: controller.signal }));
    controller.abort(new Error('the client left'));
    await cancelled.catch(() => {});
    expect(session.model).toBeNull();
    await session.reset();
    await collectAnswer(session.run(request('two', 'claude-sonnet'), { signal: never() }));
    expect(controls('set_model').map((line) => line.request.model)).toEqual(['sonnet', 'haiku', 'sonnet']);
    await session.stop();
  });

  it('never sends a tenant prompt the CLI would run as a command', async () => {
    const { session, prompts } = setup();
    await session.start(never());
    await collectAnswer(session.run(request('/model opus'), { signal: never() }));
    expect(prompts()[0]).toBe('<message>\n/model opus\n</message>');
    await session.stop();
  });

  it('reports an API error as an error part', async () => {
    const { session, host } = setup();
    await session.start(never());
    host().turns.push('api-error-turn');
    await expect(collectAnswer(session.run(request(), { signal: never() }))).rejects.toMatchObject({ code: 'upstream_error' });
    await session.stop();
  });

  it('interrupts on abort, and waits for the interrupted turn before the reset', async () => {
    const { session, host, controls, prompts } = setup();
    await session.start(never());
    host().turns.push('hang');
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const running = (async () => {
      for await (const part of session.run(request(), { signal: controller.signal })) parts.push(part);
    })();
    setTimeout(() => controller.abort(new Error('client gone')), 5);
    await running;
    expect(parts).toEqual([]);
    expect(controls('interrupt')).toHaveLength(1);
    await session.reset();
    expect(prompts()).toEqual(['hi']);
    expect(controls('rewind_conversation')).toHaveLength(1);
    await session.stop();
  });

  it('stops early at max_tokens, interrupting the rest of the turn', async () => {
    const { session, controls } = setup();
    await session.start(never());
    const answer = await collectAnswer(session.run({ ...request(), maxTokens: 2 }, { signal: never() }));
    expect(answer).toMatchObject({ text: 'Hello there', finishReason: 'length' });
    expect(controls('interrupt')).toHaveLength(1);
    await session.reset();
    await session.stop();
  });

  it('fails the answer and tells the pool when the process dies mid-answer', async () => {
    const { session, host } = setup();
    await session.start(never());
    const reasons: string[] = [];
    session.onExit((reason) => reasons.push(reason));
    host().turns.push('exit');
    await expect(collectAnswer(session.run(request(), { signal: never() }))).rejects.toMatchObject({ code: 'upstream_error' });
    expect(reasons).toEqual([expect.stringContaining('killed by SIGKILL')]);
    await expect(session.ping()).rejects.toThrow(/exited/);
    await expect(session.reset()).rejects.toThrow(/exited/);
  });

  it('pings with a control request the CLI answers locally, and fails a ping that goes unanswered', async () => {
    const { session, controls } = setup();
    await session.start(never());
    await session.ping();
    expect(controls('mcp_status')).toHaveLength(1);
    await session.stop();
    const wedged = setup({ unanswered: ['set_model'] });
    await expect(wedged.session.start(never())).rejects.toThrow(/did not answer set_model/);
    await wedged.session.stop();
  });

  it('kills the process and removes its working directory on stop, without reporting an exit', async () => {
    const spawner = fakeSpawner();
    let cwd = '';
    const session = new CliSession({
      id: 's',
      command: '/bin/sh',
      args: [],
      env: {},
      spawnHost: (options) => {
        cwd = options.cwd;
        return spawner(options);
      },
    });
    await session.start(never());
    expect(existsSync(cwd)).toBe(true);
    const reasons: string[] = [];
    session.onExit((reason) => reasons.push(reason));
    await session.stop();
    expect(existsSync(cwd)).toBe(false);
    expect(reasons).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { GatewayError, type JobEvent } from '@llm-gateway/shared';
import { JobInbox } from './job-inbox.ts';

const started = (supervisor: string): JobEvent => ({ type: 'job-started', sessionId: 's', supervisor });
const delta = (text: string): JobEvent => ({ type: 'text-delta', text });
const finish: JobEvent = { type: 'finish', finishReason: 'stop' };

async function drain(inbox: JobInbox): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const event of inbox) events.push(event);
  return events;
}

describe('JobInbox', () => {
  it('yields events in order and ends after the terminal event, releasing as completed', async () => {
    const releases: boolean[] = [];
    const inbox = new JobInbox((completed) => releases.push(completed));
    const consumed = drain(inbox);
    inbox.deliver(1, [started('a'), delta('x')]);
    inbox.deliver(1, [delta('y'), finish]);
    inbox.deliver(1, [delta('late')]);
    expect(await consumed).toEqual([started('a'), delta('x'), delta('y'), finish]);
    expect(releases).toEqual([true]);
  });

  it('switches to a retried attempt when the first one produced no output', async () => {
    const inbox = new JobInbox(() => {});
    inbox.deliver(1, [started('dead')]);
    inbox.deliver(2, [started('alive'), delta('x'), finish]);
    expect(await drain(inbox)).toEqual([started('dead'), delta('x'), finish]);
  });

  it('ends with job_interrupted when a retried attempt follows output, and drops stale attempts', async () => {
    const releases: boolean[] = [];
    const inbox = new JobInbox((completed) => releases.push(completed));
    inbox.deliver(2, [started('b'), delta('x')]);
    inbox.deliver(1, [delta('stale')]);
    inbox.deliver(3, [started('c'), delta('x')]);
    const events = await drain(inbox);
    expect(events.slice(0, 2)).toEqual([started('b'), delta('x')]);
    expect(events[2]).toMatchObject({ type: 'error', error: { code: 'job_interrupted' } });
    expect(events).toHaveLength(3);
    expect(releases).toEqual([false]);
  });

  it('fails from this side once, and a consumer that stops early releases it', async () => {
    const releases: boolean[] = [];
    const inbox = new JobInbox((completed) => releases.push(completed));
    const pending = inbox.next();
    inbox.fail(new GatewayError('timeout', 'too slow'));
    inbox.fail(new GatewayError('backend_unavailable', 'ignored'));
    expect((await pending).value).toMatchObject({ type: 'error', error: { code: 'timeout' } });
    expect((await inbox.next()).done).toBe(true);

    const early = new JobInbox((completed) => releases.push(completed));
    const waiting = early.next();
    await early.return();
    expect((await waiting).done).toBe(true);
    expect(releases).toEqual([false, false]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { SupervisorRecord } from '@llm-gateway/shared/redis';
import { SupervisorWatch } from './supervisor-watch.ts';

const record = (id: string, accepting: boolean, reason?: string): SupervisorRecord => ({
  id,
  backend: 'cli',
  backends: ['cli'],
  pool: [{ backend: 'cli', size: 2, maxOverflow: 0 }],
  version: '0.1.0',
  host: 'h',
  pid: 1,
  startedAt: 0,
  heartbeatAt: '',
  ok: accepting,
  ...(reason ? { reason } : {}),
  running: 0,
  accepting,
  concurrency: 2,
  sessions: [],
});

describe('SupervisorWatch', () => {
  let watch: SupervisorWatch | undefined;
  afterEach(() => watch?.stop());

  it('refuses only when supervisors are alive and none takes jobs, naming their reasons', async () => {
    let records: SupervisorRecord[] = [];
    watch = new SupervisorWatch({ read: async () => records, sampleIntervalMs: 60_000 });
    expect(watch.refusal).toBeUndefined(); // before the first sample
    await watch.sample();
    expect(watch.refusal).toBeUndefined(); // none alive: requests wait for one
    records = [record('sup-1', false, 'The cli backend has no working session: not logged in.'), record('sup-2', false)];
    await watch.sample();
    expect(watch.refusal).toBe('No supervisor can take jobs now (sup-1: The cli backend has no working session: not logged in.; sup-2: not taking jobs).');
    records = [record('sup-1', false), record('sup-3', true)];
    await watch.sample();
    expect(watch.refusal).toBeUndefined();
  });

  it('keeps its last answer when a read fails', async () => {
    let fail = false;
    watch = new SupervisorWatch({
      read: async () => {
        if (fail) throw new Error('redis gone');
        return [record('sup-1', false)];
      },
      sampleIntervalMs: 60_000,
    });
    await watch.sample();
    fail = true;
    await watch.sample();
    expect(watch.refusal).toMatch(/sup-1: not taking jobs/);
  });
});

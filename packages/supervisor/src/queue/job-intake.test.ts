import { describe, expect, it } from 'vitest';
import { JobIntake, type PausableWorker } from './job-intake.ts';

function fakeWorker(log: string[], name: string): PausableWorker {
  return {
    pause: async (doNotWaitActive) => void log.push(`${name}:pause:${String(doNotWaitActive)}`),
    resume: () => void log.push(`${name}:resume`),
  };
}

describe('JobIntake', () => {
  it('pauses every worker when no backend can serve a job and resumes them once one can, once per change', () => {
    const log: string[] = [];
    let can = true;
    const intake = new JobIntake([fakeWorker(log, 'a'), fakeWorker(log, 'b')], () => can);
    intake.sync();
    expect(log).toEqual([]);
    can = false;
    intake.sync();
    intake.sync();
    expect(intake.accepting).toBe(false);
    can = true;
    intake.sync();
    expect(intake.accepting).toBe(true);
    // Running jobs are not waited for: the workers only stop fetching.
    expect(log).toEqual(['a:pause:true', 'b:pause:true', 'a:resume', 'b:resume']);
  });

  it('does nothing once stopped (the workers are closing)', () => {
    const log: string[] = [];
    const intake = new JobIntake([fakeWorker(log, 'a')], () => false);
    intake.stop();
    intake.sync();
    expect(log).toEqual([]);
    expect(intake.accepting).toBe(false);
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '@llm-gateway/shared';
import { CompletionRecorder } from './completion-recorder.ts';

function recorder() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const metrics = createMetrics({ processMetrics: false });
  const log = createLogger({ destination, level: 'info' });
  const completion = new CompletionRecorder(metrics, log, 'req_1', new Set(['claude-sonnet']));
  completion.model = 'claude-sonnet';
  completion.backend = 'cli';
  completion.tenant = 'team-a';
  return { completion, metrics, lines };
}

describe('CompletionRecorder', () => {
  it("records what the backend says a request cost: a log field and a counter by tenant, model and backend", async () => {
    const { completion, metrics, lines } = recorder();
    completion.finish({ status: 200, usage: { promptTokens: 10, completionTokens: 5, costUsd: 0.0125 } });
    completion.finish({ status: 200, usage: { promptTokens: 10, completionTokens: 5, costUsd: 1 } });
    expect(lines.find((line) => line.msg === 'chat completion')).toMatchObject({ costUsd: 0.0125, tenant: 'team-a' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('llm_cost_usd_total{tenant="team-a",model="claude-sonnet",backend="cli"} 0.0125');
  });

  it('counts no cost where the backend reports none', async () => {
    const { completion, metrics, lines } = recorder();
    completion.finish({ status: 200, usage: { promptTokens: 1, completionTokens: 1 } });
    expect(lines[0]).not.toHaveProperty('costUsd');
    expect(await metrics.registry.metrics()).not.toMatch(/^llm_cost_usd_total\{/m);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledClaudePath } from '@llm-gateway/backends';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway, type GatewayFactory } from '../helpers/test-gateway.ts';
import { metricValue } from '../tenants/tenant-helpers.ts';

const run = promisify(execFile);

/**
 * The real Claude Code CLI as a tenant's client: `ANTHROPIC_BASE_URL=<gateway> claude -p hello`
 * completes through the gateway (mock backend). The CLI sends what Anthropic's API takes and the
 * gateway must tolerate: `?beta=true`, `thinking`, `output_config`, `context_management`,
 * `metadata.user_id`, a system entry inside `messages`, full model ids and `x-api-key`.
 */
describe.each<[string, GatewayFactory]>([
  ['embedded', inProcessGateway],
  ['Redis dispatcher', redisGateway],
])('claude -p → gateway (mock backend, %s)', (_name, factory) => {
  let served: ServedGateway;
  let home: string;
  beforeAll(async () => {
    // Claude Code asks for full model ids (claude-opus-…, claude-haiku-…): the mock serves every claude-* model.
    served = await serveGateway({ LLM_MODELS: 'claude-*=mock', LLM_API_KEYS: 'tenant-key:acme', LLM_REQUEST_TIMEOUT: '10' }, { factory });
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-claude-client-'));
  });
  afterAll(async () => {
    await served?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('completes a prompt and is counted under dialect="messages"', async () => {
    const claude = bundledClaudePath();
    expect(claude, 'the bundled @anthropic-ai/claude-code is installed').toBeDefined();
    const { stdout } = await run(claude!, ['-p', 'hello'], {
      cwd: home,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ANTHROPIC_BASE_URL: served.url,
        ANTHROPIC_API_KEY: 'tenant-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
    });
    expect(stdout).toContain('This is a mock response to:');
    const metrics = await (await served.gateway.app.request('/metrics')).text();
    expect(metricValue(metrics, 'llm_requests_total', { status: '200', dialect: 'messages' })).toBeGreaterThanOrEqual(1);
    expect(metrics).not.toMatch(/llm_requests_total\{[^}]*status="[45]\d\d"[^}]*dialect="messages"/);
  }, 90_000);
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledClaudePath } from '@llm-gateway/backends';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { startCliGateway, type CliGateway } from '../helpers/cli-gateway.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway, type GatewayFactory } from '../helpers/test-gateway.ts';
import { metricValue } from '../tenants/tenant-helpers.ts';

const run = promisify(execFile);

/** `claude -p <prompt>` as a user runs it against the gateway: a throwaway home, no telemetry. */
async function claudePrint(prompt: string, url: string, home: string): Promise<string> {
  const claude = bundledClaudePath();
  expect(claude, 'the bundled @anthropic-ai/claude-code is installed').toBeDefined();
  const { stdout } = await run(claude!, ['-p', prompt], {
    cwd: home,
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'tenant-key', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  return stdout;
}

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
    served = await serveGateway({ LLM_MODELS: 'claude-*=mock', LLM_API_KEYS: 'tenant-key:acme', LLM_ADMIN_KEY: 'admin-key', LLM_REQUEST_TIMEOUT: '10' }, { factory });
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-claude-client-'));
  });
  afterAll(async () => {
    await served?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('completes a prompt and is counted under dialect="messages"', async () => {
    const stdout = await claudePrint('hello', served.url, home);
    expect(stdout).toContain('This is a mock response to:');
    const metrics = await (await served.gateway.app.request('/metrics', { headers: { authorization: 'Bearer admin-key' } })).text();
    expect(metricValue(metrics, 'llm_requests_total', { status: '200', dialect: 'messages' })).toBeGreaterThanOrEqual(1);
    expect(metrics).not.toMatch(/llm_requests_total\{[^}]*status="[45]\d\d"[^}]*dialect="messages"/);
  }, 90_000);
});

/** Claude Code through the gateway to an Anthropic API (a fake): its request arrives as it sent it. */
describe('claude -p → gateway (api backend) → fake Anthropic', () => {
  let fake: FakeAnthropic;
  let served: ServedGateway;
  let home: string;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway({
      LLM_BACKEND: 'api',
      LLM_API_KEYS: 'tenant-key:acme',
      LLM_REQUEST_TIMEOUT: '10',
      ANTHROPIC_API_KEY: 'sk-ant-upstream-secret',
      ANTHROPIC_BASE_URL: fake.url,
    });
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-claude-client-'));
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('completes, with its tools and cache_control passed on and the upstream key, not the tenant key, upstream', async () => {
    const stdout = await claudePrint('hello', served.url, home);
    expect(stdout).toContain('echo:');
    const upstream = fake.requests.find((request) => request.path.startsWith('/v1/messages'))!;
    expect(upstream.headers['x-api-key'] ?? upstream.headers['authorization']).toMatch(/sk-ant-upstream-secret/);
    expect(JSON.stringify(upstream.headers)).not.toContain('tenant-key');
    expect(upstream.body.tools.length).toBeGreaterThan(0);
    expect(JSON.stringify(upstream.body.messages)).toContain('cache_control');
  }, 90_000);
});

/**
 * Claude Code as the client of a gateway on the cli backend: its request (a dozen tools, its own
 * system prompt) is served on a warm CLI session of the gateway, the client's tools offered there
 * as the gateway's MCP tools, and the answer comes back to it.
 */
describe('claude -p → gateway (cli backend) → fake Anthropic', () => {
  let gateway: CliGateway;
  let home: string;
  beforeAll(async () => {
    gateway = await startCliGateway('cc-cli', { env: { LLM_MODELS: 'claude-*=cli' } });
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-cc-client-'));
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("completes a prompt, the client's tools offered to the warm session as the gateway's own MCP tools", async () => {
    const stdout = await claudePrint('hello from claude code', gateway.api.url, home);
    expect(stdout).toContain('echo:');
    const upstream = gateway.fake.requests.at(-1)!.body as { tools?: Array<{ name: string }> };
    const tools = (upstream.tools ?? []).map((tool) => tool.name);
    expect(tools.length).toBeGreaterThan(3);
    expect(tools.every((name) => name.startsWith('mcp__gw__'))).toBe(true);
  }, 90_000);
});

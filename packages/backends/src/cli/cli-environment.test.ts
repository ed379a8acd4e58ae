import { describe, expect, it } from 'vitest';
import { cliArguments, cliEnvironment } from './cli-environment.ts';

describe('cliEnvironment', () => {
  const base = {
    HOME: '/home/dev',
    CLAUDE_CONFIG_DIR: '/home/dev/.claude',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    SSL_CERT_FILE: '/etc/ca.pem',
    LLM_API_KEYS: 'tenant-secret',
    LLM_ADMIN_KEY: 'admin-secret',
    REDIS_URL: 'redis://x',
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY_FILE: '/run/secret',
    AWS_SECRET_ACCESS_KEY: 'aws',
    GATEWAY_FUTURE_SECRET: 'x',
    NODE_OPTIONS: '--require /tmp/evil.js',
  };

  it("keeps the user's Claude Code environment and withholds the gateway's own secrets", () => {
    const env = cliEnvironment(base, { requestTimeoutMs: 60_000 });
    expect(env).toMatchObject({ HOME: '/home/dev', CLAUDE_CONFIG_DIR: '/home/dev/.claude', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', SSL_CERT_FILE: '/etc/ca.pem' });
    for (const name of ['LLM_API_KEYS', 'LLM_ADMIN_KEY', 'REDIS_URL', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY_FILE', 'AWS_SECRET_ACCESS_KEY', 'GATEWAY_FUTURE_SECRET', 'NODE_OPTIONS']) {
      expect(env[name]).toBeUndefined();
    }
  });

  it("bounds the CLI's retries and timeouts below the request timeout", () => {
    const env = cliEnvironment({ ...base, API_TIMEOUT_MS: '600000', CLAUDE_CODE_MAX_RETRIES: 'lots' }, { requestTimeoutMs: 30_000 });
    expect(env.API_TIMEOUT_MS).toBe('29000');
    expect(env.CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS).toBe('29000');
    expect(env.CLAUDE_CODE_MAX_RETRIES).toBe('2');
    expect(cliEnvironment({ CLAUDE_CODE_MAX_RETRIES: '0' }, { requestTimeoutMs: 30_000 }).CLAUDE_CODE_MAX_RETRIES).toBe('0');
  });

  it('adds a key read from a file only when the environment has none', () => {
    expect(cliEnvironment({}, { requestTimeoutMs: 1 }, 'from-file').ANTHROPIC_API_KEY).toBe('from-file');
    expect(cliEnvironment({ ANTHROPIC_API_KEY: 'env' }, { requestTimeoutMs: 1 }, 'from-file').ANTHROPIC_API_KEY).toBe('env');
  });
});

describe('cliArguments', () => {
  it("disables every built-in tool, transcripts and user settings; allows only the gateway's own MCP tools", () => {
    const args = cliArguments('Be helpful.');
    expect(args[args.indexOf('--tools') + 1]).toBe('');
    expect(args[args.indexOf('--setting-sources') + 1]).toBe('');
    expect(args).toContain('--no-session-persistence');
    expect(args[args.indexOf('--system-prompt') + 1]).toBe('Be helpful.');
    expect(args[args.indexOf('--allowedTools') + 1]).toBe('mcp__gw__*');
    expect(JSON.parse(args[args.indexOf('--mcp-config') + 1]!)).toEqual({ mcpServers: { gw: { type: 'sdk', name: 'gw' } } });
    expect(args).toContain('--strict-mcp-config');
    const settings = JSON.parse(args[args.indexOf('--settings') + 1]!);
    for (const tool of ['Read', 'Bash', 'Glob', 'Grep', 'Write', 'Edit', 'WebFetch', 'Skill', 'Agent']) expect(settings.permissions.deny).toContain(tool);
    expect(settings.disableAllHooks).toBe(true);
  });
});

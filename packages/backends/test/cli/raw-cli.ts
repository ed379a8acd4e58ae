import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlRequestLine, isResult, parseCliLine, userMessageLine } from '../../src/cli/protocol.ts';
import type { SpawnHost } from '../../src/cli/process-host.ts';
import { MCP_SERVER_NAME, McpToolServer } from '../../src/cli/cli-mcp-server.ts';

/**
 * Sends one prompt, exactly as given, to a fresh real CLI process started with `args`: no
 * rendering, no neutralization. It lets a test take one isolation layer away and see what the
 * others still stop. Resolves once the CLI's `result` line arrives; the process is then stopped.
 */
export async function runRawPrompt(options: { spawnHost: SpawnHost; command: string; args: string[]; env: NodeJS.ProcessEnv; text: string }): Promise<void> {
  const cwd = await mkdtemp(join(tmpdir(), 'llm-gateway-raw-cli-'));
  const host = options.spawnHost({ command: options.command, args: options.args, cwd, env: options.env });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the CLI gave no result within 20 s')), 20_000);
      let initialized = false;
      host.onExit((exit) => reject(new Error(`the CLI exited early (${JSON.stringify(exit)})`)));
      // The session's MCP server, offering no tools, as a session with a request without tools does.
      const mcp = new McpToolServer(() => {});
      host.onLine((line) => {
        const message = parseCliLine(line);
        if (!message) return;
        const request = message.request as { subtype?: string; message?: object } | undefined;
        if (message.type === 'control_request' && request?.subtype === 'mcp_message' && request.message) {
          const answer = mcp.handle(String(message.request_id), request.message);
          if (answer) host.write(answer);
          return;
        }
        if (!initialized && message.type === 'control_response') {
          initialized = true;
          host.write(userMessageLine(options.text));
        } else if (isResult(message)) {
          clearTimeout(timer);
          resolve();
        }
      });
      host.write(controlRequestLine('raw-1', { subtype: 'initialize', sdkMcpServers: [MCP_SERVER_NAME] }));
    });
  } finally {
    host.kill('SIGTERM');
    await host.exited;
    await rm(cwd, { recursive: true, force: true });
  }
}

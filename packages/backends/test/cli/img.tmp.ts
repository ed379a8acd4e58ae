import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCliHarness } from './cli-harness.ts';
import { resolveCliCommand } from '../../src/cli/cli-command.ts';
import { cliArguments, cliEnvironment } from '../../src/cli/cli-environment.ts';
import { spawnPipeHost } from '../../src/cli/pipe-host.ts';
import { controlRequestLine, isResult, parseCliLine } from '../../src/cli/protocol.ts';
const h = await startCliHarness();
const host = spawnPipeHost({ command: resolveCliCommand(undefined).command, args: cliArguments(), cwd: mkdtempSync(join(tmpdir(), 'x-')), env: cliEnvironment(h.env, { requestTimeoutMs: 20000, maxRetries: 0 }) });
const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const content = JSON.parse(process.argv[2]!.replace('PNG', png));
await new Promise<void>((resolve) => {
  let init = false;
  host.onLine((line) => { const m = parseCliLine(line); if (!m) return; if (!init && m.type === 'control_response') { init = true; host.write(JSON.stringify({ type: 'user', message: { role: 'user', content } }) + '\n'); } else if (isResult(m)) { console.log('result', JSON.stringify(m).slice(0, 300)); resolve(); } });
  host.write(controlRequestLine('r', { subtype: 'initialize' }));
});
for (const r of h.fake.requests) console.log(JSON.stringify(r.body.messages).slice(0, 1500));
host.kill(); await host.exited; await h.close();

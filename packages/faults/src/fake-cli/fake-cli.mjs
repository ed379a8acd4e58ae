#!/usr/bin/env node
// A stand-in for the Claude Code CLI that speaks just enough of its stream-json protocol
// (see packages/backends/src/cli/protocol.ts and its __fixtures__) and misbehaves on request.
// Plain JavaScript, so it starts in milliseconds under plain node.
//
// `--fake-dir=DIR` (or FAKE_CLI_DIR) names a directory; on the command line it also lets a test find
// its fakes in /proc. `<dir>/mode` holds the behaviour, read at start and again for
// every prompt, so a test can break and heal the "CLI" while the gateway runs:
//   healthy            answers every prompt with "Fake CLI answer."
//   crash-at-start     prints an error on stderr and exits 1 before answering anything
//   hang-at-start      never answers `initialize`, ignores SIGTERM
//   crash-mid-answer   streams two words of the answer, then exits 2
//   hang               a prompt wedges the process: it never answers anything again and ignores
//                      SIGTERM, even after the mode file changes
//   garbage            prints junk (invalid UTF-8, broken JSON, non-protocol JSON, a 256 KiB
//                      line) at start and around every answer, which is otherwise correct
// Every start appends "<ms since epoch> <pid> <mode>" to `<dir>/spawns.log`.
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const dirArgument = process.argv.find((argument) => argument.startsWith('--fake-dir='));
const dir = dirArgument ? dirArgument.slice('--fake-dir='.length) : process.env.FAKE_CLI_DIR;
const readMode = () => {
  try {
    return readFileSync(`${dir}/mode`, 'utf8').trim() || 'healthy';
  } catch {
    return 'healthy';
  }
};
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sessionId = `fake-${process.pid}`;

const startMode = readMode();
if (dir) appendFileSync(`${dir}/spawns.log`, `${Date.now()} ${process.pid} ${startMode}\n`);

if (startMode === 'crash-at-start') {
  process.stderr.write('fake-cli: simulated crash at start\n');
  process.exit(1);
}
/** A hung process stays alive even with its input closed, and ignores SIGTERM. */
const hangForever = () => {
  process.on('SIGTERM', () => {});
  setInterval(() => {}, 1 << 30);
};
if (startMode === 'hang-at-start') hangForever();
/** Set once a prompt arrived in `hang` mode. */
let wedged = false;

function garbage() {
  process.stdout.write(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0xc3, 0x28, 0x0a]));
  process.stdout.write('{"type":\n');
  process.stdout.write('{"no_type":true}\n[1,2,3]\nnull\n"a string"\n');
  process.stdout.write('{"type":"result"}\n');
  process.stdout.write('{"type":"control_response","response":{"subtype":"success","request_id":"nobody-asked"}}\n');
  process.stdout.write('{"type":"stream_event","event":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":42}}}\n');
  process.stdout.write('\u001b[31mError: simulated warning\u001b[0m\r\n    at somewhere (file.js:1:1)\n');
  process.stdout.write(`${'x'.repeat(256 * 1024)}\n`);
}

function answer(words) {
  out({ type: 'system', subtype: 'init', session_id: sessionId, tools: [], model: 'fake' });
  out({
    type: 'stream_event',
    event: { type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 12, output_tokens: 1 } } },
    parent_tool_use_id: null,
    session_id: sessionId,
  });
  for (const text of words) {
    out({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, parent_tool_use_id: null, session_id: sessionId });
  }
}

function result(extra = {}) {
  out({
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'Fake CLI answer.',
    stop_reason: 'end_turn',
    num_turns: 1,
    duration_ms: 1,
    duration_api_ms: 1,
    usage: { input_tokens: 12, output_tokens: 3 },
    session_id: sessionId,
    ...extra,
  });
}

function onPrompt(text) {
  if (text === '/clear') {
    out({ type: 'conversation_reset', trigger: 'clear', session_id: sessionId });
    result({ result: '', num_turns: 0, stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } });
    return;
  }
  const mode = readMode();
  if (mode === 'hang') {
    // Wedged for good: this process never answers again, whatever the mode file says later.
    wedged = true;
    hangForever();
    return;
  }
  if (mode === 'crash-mid-answer') {
    answer(['Fake', ' CLI']);
    process.stderr.write('fake-cli: simulated crash mid-answer\n');
    process.exit(2);
  }
  if (mode === 'garbage') garbage();
  answer(['Fake', ' CLI', ' answer.']);
  if (mode === 'garbage') garbage();
  result();
}

function onControl(message) {
  const subtype = message.request?.subtype;
  if (subtype === 'initialize' && readMode() === 'hang-at-start') return;
  if (wedged) return;
  const response =
    subtype === 'initialize'
      ? { account: { apiKeySource: 'ANTHROPIC_API_KEY', apiProvider: 'firstParty' }, pid: process.pid, session_state: 'idle' }
      : {};
  out({ type: 'control_response', response: { subtype: 'success', request_id: message.request_id, response } });
}

if (startMode === 'garbage') garbage();
createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (wedged) return;
  if (message.type === 'control_request') onControl(message);
  else if (message.type === 'user') {
    const content = message.message?.content;
    onPrompt(typeof content === 'string' ? content : (content?.[0]?.text ?? ''));
  }
});
// End of input ends a stream-json session, as with the real CLI (unless it is hung).
process.stdin.on('end', () => {
  if (!wedged && startMode !== 'hang-at-start') process.exit(0);
});

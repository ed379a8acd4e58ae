// A paced fake Anthropic Messages API for `pnpm bench -- streams`: every streamed answer is
// DELTAS text deltas, the first at once and then one every `intervalMs`, as a model trickles
// tokens. Plain node:http on plain node, in its own process, with every event's bytes built once:
// its CPU is not the gateway's and stays small. `POST /pace {"intervalMs":N,"deltas":N}` sets the
// pace of later answers (the bench changes it between loads); non-streamed requests get one JSON.
import http from 'node:http';

let pace = { intervalMs: 25, deltas: 40 };
const WORD = 'tok ';

const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const usage = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
const head = (model) =>
  event('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } }) +
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
const DELTA = event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: WORD } });
const tail = (deltas) =>
  event('content_block_stop', { index: 0 }) +
  event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: deltas } }) +
  event('message_stop', {});

function stream(response, model) {
  const { intervalMs, deltas } = pace;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_bench' });
  response.write(head(model) + DELTA);
  let sent = 1;
  const timer = setInterval(() => {
    if (sent === deltas) {
      clearInterval(timer);
      response.end(tail(deltas));
      return;
    }
    sent += 1;
    response.write(DELTA);
  }, intervalMs);
  response.on('close', () => clearInterval(timer));
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (request.url === '/pace') {
      pace = { intervalMs: body.intervalMs ?? pace.intervalMs, deltas: body.deltas ?? pace.deltas };
      response.end('{}');
      return;
    }
    if (body.stream) return stream(response, body.model ?? 'claude');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'msg_bench', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: WORD.repeat(pace.deltas) }], stop_reason: 'end_turn', stop_sequence: null, usage }));
  });
});
server.keepAliveTimeout = 60_000;
server.maxConnections = 100_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

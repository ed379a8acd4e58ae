// The floor of `pnpm bench -- streams`: a plain node:http relay with no framework. It takes an
// OpenAI chat request, streams the Anthropic Messages call to UPSTREAM_URL over a keep-alive
// agent, and writes each text delta as an OpenAI chunk: one JSON.parse and one JSON.stringify per
// event, nothing else (no validation, auth, routing, limits or usage). What a gateway costs per
// chunk above this is the gateway's own work.
import http from 'node:http';

const upstream = new URL(process.env.UPSTREAM_URL);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function relay(body, response) {
  const outgoing = http.request(
    { host: upstream.hostname, port: upstream.port, path: '/v1/messages', method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': 'sk-relay', 'anthropic-version': '2023-06-01' } },
    (incoming) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const id = `chatcmpl-relay${Date.now()}`;
      const created = Math.floor(Date.now() / 1000);
      let buffered = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (text) => {
        buffered += text;
        let end;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const dataAt = block.indexOf('data: ');
          if (dataAt === -1) continue;
          const event = JSON.parse(block.slice(dataAt + 6));
          if (event.type === 'content_block_delta') {
            const chunk = { id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta: { content: event.delta.text }, finish_reason: null }] };
            response.write(`data: ${JSON.stringify(chunk)}\n\n`);
          } else if (event.type === 'message_stop') {
            response.end('data: [DONE]\n\n');
          }
        }
      });
      incoming.on('error', () => response.destroy());
    },
  );
  outgoing.on('error', () => response.destroy());
  response.on('close', () => outgoing.destroy());
  outgoing.end(JSON.stringify({ model: body.model, max_tokens: body.max_tokens ?? 1024, messages: body.messages, stream: true }));
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => relay(JSON.parse(Buffer.concat(chunks).toString('utf8')), response));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

// The load generator of `pnpm bench -- streams`, in its own process so its CPU is not counted
// with the server's: opens `streams` streamed chat completions against `url` (starts spread over
// `rampMs`), and times every content chunk. Prints `{"phase":"open"}` once every stream has its
// first chunk and `{"phase":"closing"}` when the first stream ends (the parent samples RSS in
// between), and one `{"result":…}` line at the end.
// Argument: one JSON object {url, body, headers, streams, rampMs, intervalMs, deltas}.
import http from 'node:http';

const spec = JSON.parse(process.argv[2]);
const target = new URL(spec.url);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const now = () => Number(process.hrtime.bigint()) / 1e6;

const firstByte = [];
const gaps = [];
let failures = 0;
let chunks = 0;
let opened = 0;
let closed = 0;
const reasons = new Map();
const fail = (reason) => {
  failures += 1;
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
};

function one() {
  return new Promise((resolve) => {
    const started = now();
    let last;
    let seen = 0;
    let pending = '';
    let done = false;
    const request = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...spec.headers } }, (response) => {
      if (response.statusCode !== 200) {
        fail(`status ${response.statusCode}`);
        response.resume();
        response.on('end', resolve);
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (text) => {
        pending += text;
        let end;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (event.includes('[DONE]')) done = true;
          if (!event.includes('"content":"tok')) continue;
          const at = now();
          if (seen === 0) {
            firstByte.push(at - started);
            if (++opened === spec.streams) console.log(JSON.stringify({ phase: 'open' }));
          } else gaps.push(at - last - spec.intervalMs);
          last = at;
          seen += 1;
          chunks += 1;
        }
      });
      response.on('end', () => {
        if (++closed === 1) console.log(JSON.stringify({ phase: 'closing' }));
        if (seen !== spec.deltas) fail(`${seen} of ${spec.deltas} chunks`);
        else if (!done) fail('no [DONE]');
        resolve();
      });
      response.on('error', () => {
        fail('response error');
        resolve();
      });
    });
    request.on('error', (error) => {
      fail(error.code ?? 'request error');
      resolve();
    });
    request.end(spec.body);
  });
}

const percentile = (values, fraction) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
};

const running = [];
const startedAt = now();
for (let index = 0; index < spec.streams; index++) {
  const due = startedAt + (spec.rampMs * index) / spec.streams;
  const wait = due - now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  running.push(one());
}
await Promise.all(running);
if (opened < spec.streams) console.log(JSON.stringify({ phase: 'open' }));
console.log(
  JSON.stringify({
    result: {
      chunks,
      failures,
      reasons: Object.fromEntries(reasons),
      firstByteP50: percentile(firstByte, 0.5),
      firstByteP99: percentile(firstByte, 0.99),
      gapP50: percentile(gaps, 0.5),
      gapP99: percentile(gaps, 0.99),
    },
  }),
);
agent.destroy();

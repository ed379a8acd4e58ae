/**
 * The status page: one self-contained document (no build step, no external assets) that polls
 * `/status` every two seconds. Text is inserted with textContent only, never as HTML.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>llm-gateway status</title>
<style>
  :root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --muted: #6e7781; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
  .muted { color: var(--muted); }
  .cards { display: flex; flex-wrap: wrap; gap: .75rem; }
  .card { border: 1px solid #8884; border-radius: 8px; padding: .6rem .9rem; min-width: 8rem; }
  .card b { display: block; font-size: 1.4rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #8883; white-space: nowrap; }
  .status { font-weight: 600; }
  .ready, .ok { color: var(--ok); } .failed, .bad { color: var(--bad); } .busy { color: #9a6700; }
</style>
</head>
<body>
<h1>llm-gateway <span id="overall" class="status"></span></h1>
<div class="muted" id="subtitle">loading…</div>
<form id="login" hidden>
  <label>Admin key (<code>LLM_ADMIN_KEY</code>): <input id="key" type="password" autocomplete="off"></label>
  <button type="submit">Show</button>
</form>
<h2>Overview</h2>
<div class="cards">
  <div class="card"><span class="muted">requests/s (1 min)</span><b id="rate">–</b></div>
  <div class="card"><span class="muted">latency p50 / p95</span><b id="latency">–</b></div>
  <div class="card"><span class="muted">queue depth</span><b id="queue">–</b></div>
  <div class="card"><span class="muted">in flight</span><b id="inflight">–</b></div>
  <div class="card"><span class="muted">supervisors</span><b id="supervisors">–</b></div>
</div>
<h2>Sessions by state</h2>
<table id="by-state"><thead><tr><th>supervisor</th><th>starting</th><th>ready</th><th>busy</th><th>parked</th><th>resetting</th><th>stopping</th><th>failed</th></tr></thead><tbody></tbody></table>
<h2>Sessions</h2>
<table id="sessions"><thead><tr><th>id</th><th>status</th><th>supervisor</th><th>backend</th><th>pid</th><th>model</th><th>requests</th><th>last used</th><th>error</th></tr></thead><tbody></tbody></table>
<h2>Recent errors</h2>
<table id="errors"><thead><tr><th>time</th><th>status</th><th>code</th><th>api</th><th>model</th><th>request id</th></tr></thead><tbody></tbody></table>
<script>
const STATES = ['starting', 'ready', 'busy', 'parked', 'resetting', 'stopping', 'failed'];
const $ = (id) => document.getElementById(id);
function row(cells, classes) {
  const tr = document.createElement('tr');
  cells.forEach((cell, index) => {
    const td = document.createElement('td');
    td.textContent = cell === null || cell === undefined ? '–' : String(cell);
    if (classes && classes[index]) td.className = classes[index];
    tr.appendChild(td);
  });
  return tr;
}
function fill(tableId, rows) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren(...rows);
}
function ago(iso) {
  if (!iso) return null;
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return seconds < 60 ? seconds + ' s ago' : Math.round(seconds / 60) + ' min ago';
}
// With keys configured, /status needs the admin key: asked once, kept for this tab only.
$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('llm-gateway-admin-key', $('key').value);
  $('login').hidden = true;
  refresh();
});
async function refresh() {
  try {
    const key = sessionStorage.getItem('llm-gateway-admin-key');
    const response = await fetch('status', { cache: 'no-store', headers: key ? { authorization: 'Bearer ' + key } : {} });
    if (response.status === 401 || response.status === 403) {
      $('login').hidden = false;
      throw new Error('this page needs the admin key');
    }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const s = await response.json();
    $('overall').textContent = s.draining ? '· draining' : s.ok ? '· ok' : '· unavailable';
    $('overall').className = 'status ' + (s.ok ? 'ok' : 'bad');
    $('subtitle').textContent = 'backend ' + s.backend + ' · ' + s.mode + (s.redis ? ' · redis ' + s.redis : '') + (s.reason ? ' · ' + s.reason : '') + ' · updated ' + new Date().toLocaleTimeString();
    $('rate').textContent = s.activity.requestsPerSecond.toFixed(1);
    const l = s.activity.latencyMs;
    $('latency').textContent = l.p50 === null ? '–' : l.p50.toFixed(0) + ' / ' + l.p95.toFixed(0) + ' ms';
    $('queue').textContent = s.queueDepth === null ? '–' : s.queueDepth;
    $('inflight').textContent = s.inflight;
    $('supervisors').textContent = s.supervisors;
    const bySupervisor = new Map();
    for (const session of s.sessions) {
      const counts = bySupervisor.get(session.supervisor) || Object.fromEntries(STATES.map((state) => [state, 0]));
      counts[session.status] += 1;
      bySupervisor.set(session.supervisor, counts);
    }
    fill('by-state', [...bySupervisor].map(([name, counts]) => row([name, ...STATES.map((state) => counts[state])])));
    fill('sessions', s.sessions.map((x) => row(
      [x.id, x.status, x.supervisor, x.backend, x.pid, x.model, x.requests, ago(x.last_used_at), x.error],
      [null, 'status ' + x.status])));
    fill('errors', s.activity.recentErrors.map((e) => row([new Date(e.at).toLocaleTimeString(), e.status, e.errorCode, e.dialect ?? 'chat', e.model, e.requestId], [null, 'bad'])));
  } catch (error) {
    $('overall').textContent = '· unreachable';
    $('overall').className = 'status bad';
    $('subtitle').textContent = String(error);
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;

import { STATUS_PAGE_SCRIPT } from './status-page-script.ts';

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
  :root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #6e7781; }
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
  .muted, small { color: var(--muted); }
  .cards { display: flex; flex-wrap: wrap; gap: .75rem; }
  .card { border: 1px solid #8884; border-radius: 8px; padding: .6rem .9rem; min-width: 9rem; }
  .card b { display: block; font-size: 1.4rem; }
  .card small { display: block; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #8883; white-space: nowrap; vertical-align: top; }
  td.message { white-space: normal; min-width: 18rem; max-width: 40rem; }
  th.n, td.n { text-align: right; }
  .status { font-weight: 600; }
  .ready, .ok { color: var(--ok); } .failed, .bad { color: var(--bad); } .busy, .parked, .client { color: var(--warn); }
  .empty { color: var(--muted); font-style: italic; }
</style>
</head>
<body>
<h1>llm-gateway <span id="overall" class="status"></span></h1>
<div class="muted" id="subtitle">loading…</div>
<form id="login" hidden>
  <label>Admin key (<code>LLM_ADMIN_KEY</code>): <input id="key" type="password" autocomplete="off"></label>
  <button type="submit">Show</button>
</form>
<h2>Last <span id="window">60</span> s on this API replica</h2>
<div class="cards">
  <div class="card"><span class="muted">requests/s</span><b id="rate">–</b><small id="rate-detail"></small></div>
  <div class="card"><span class="muted">answer latency p50 / p95</span><b id="latency">–</b><small id="latency-detail"></small></div>
  <div class="card"><span class="muted">gateway errors</span><b id="server-count">–</b><small>5xx, and 429 for a full queue</small></div>
  <div class="card"><span class="muted">client errors</span><b id="client-count">–</b><small id="client-detail">4xx: bad requests, keys, limits</small></div>
  <div class="card"><span class="muted">queue depth</span><b id="queue">–</b></div>
  <div class="card"><span class="muted">in flight</span><b id="inflight">–</b></div>
</div>
<h2>Supervisors (<span id="supervisors">–</span>)</h2>
<table id="supervisor-table"><thead><tr><th>supervisor</th><th>version</th><th>up since</th><th>backends</th><th>pool: warm + overflow</th>
<th class="n">starting</th><th class="n">ready</th><th class="n">busy</th><th class="n">parked</th><th class="n">resetting</th><th class="n">stopping</th><th class="n">failed</th></tr></thead><tbody></tbody></table>
<h2>Sessions</h2>
<table id="sessions"><thead><tr><th>id</th><th>status</th><th>supervisor</th><th>backend</th><th>pid</th><th>model</th><th class="n">requests</th><th>started</th><th>last used</th><th>error</th></tr></thead><tbody></tbody></table>
<h2>Gateway errors</h2>
<table id="server-errors"><thead><tr><th>time</th><th>status</th><th>code</th><th>message</th><th class="n">after</th><th>api</th><th>model</th><th>request id</th></tr></thead><tbody></tbody></table>
<h2>Client errors</h2>
<table id="client-errors"><thead><tr><th>time</th><th>status</th><th>code</th><th>message</th><th class="n">after</th><th>api</th><th>model</th><th>request id</th></tr></thead><tbody></tbody></table>
<script>
${STATUS_PAGE_SCRIPT}
</script>
</body>
</html>
`;

/**
 * The status page's script: plain browser JavaScript, kept apart from the markup so each stays
 * readable. It reads `/status` defensively: the fields a newer gateway adds to supervisor records
 * (`backends`, `pool`, `version`, `startedAt`) show when present and read "–" when not.
 */
export const STATUS_PAGE_SCRIPT = String.raw`
const STATES = ['starting', 'ready', 'busy', 'parked', 'resetting', 'stopping', 'failed'];
const $ = (id) => document.getElementById(id);
const pad = (n) => String(n).padStart(2, '0');

// Date, time and zone, so a time can be compared with logs from anywhere: 2026-12-03 09:31:05 UTC.
function stamp(value) {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const zone = offset === 0 ? 'UTC' : 'UTC' + (offset > 0 ? '+' : '-') + pad(Math.floor(Math.abs(offset) / 60)) + ':' + pad(Math.abs(offset) % 60);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + ' ' + zone;
}
function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min ' + (s % 60) + ' s';
  const h = Math.floor(m / 60);
  if (h < 24) return h + ' h ' + (m % 60) + ' min';
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}
function millis(ms) {
  return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s';
}
function since(value) {
  const text = stamp(value);
  if (text === null) return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return text + ' (' + duration(Date.now() - ms) + ')';
}
function plural(n, word) {
  return n + ' ' + word + (n === 1 ? '' : 's');
}
function row(cells, classes) {
  const tr = document.createElement('tr');
  cells.forEach((cell, index) => {
    const td = document.createElement('td');
    td.textContent = cell === null || cell === undefined || cell === '' ? '–' : String(cell);
    if (classes && classes[index]) td.className = classes[index];
    tr.appendChild(td);
  });
  return tr;
}
function fill(tableId, rows, emptyText) {
  const body = $(tableId).querySelector('tbody');
  if (rows.length === 0 && emptyText) {
    const td = document.createElement('td');
    td.colSpan = $(tableId).querySelectorAll('th').length;
    td.className = 'empty';
    td.textContent = emptyText;
    const tr = document.createElement('tr');
    tr.appendChild(td);
    rows = [tr];
  }
  body.replaceChildren(...rows);
}
function poolText(pool) {
  if (!Array.isArray(pool)) return null;
  if (pool.length === 0) return 'no pool';
  return pool.map((p) => p.backend + ': ' + p.size + ' + ' + p.maxOverflow).join(', ');
}
// One row per supervisor, from the records the live supervisors publish (the embedded one's too);
// sessions add their counts.
function supervisorRows(s) {
  const rows = new Map();
  const records = Array.isArray(s.supervisorRecords) ? s.supervisorRecords : [];
  for (const record of records) {
    if (!record || typeof record !== 'object') continue;
    const backends = Array.isArray(record.backends) ? record.backends : record.backend ? [record.backend] : null;
    rows.set(String(record.id), { version: record.version, startedAt: record.startedAt, backends, pool: record.pool });
  }
  const counts = new Map();
  for (const session of s.sessions) {
    const name = String(session.supervisor);
    if (!rows.has(name)) rows.set(name, {});
    const byState = counts.get(name) || Object.fromEntries(STATES.map((state) => [state, 0]));
    byState[session.status] = (byState[session.status] || 0) + 1;
    counts.set(name, byState);
  }
  return [...rows].map(([name, r]) => {
    const byState = counts.get(name) || {};
    return row(
      [name, r.version, since(r.startedAt), Array.isArray(r.backends) ? r.backends.join(', ') : null, poolText(r.pool), ...STATES.map((state) => byState[state] || 0)],
      [null, null, null, null, null, ...STATES.map((state) => 'n ' + (byState[state] ? state : ''))],
    );
  });
}
function errorRows(errors, kind) {
  return errors.map((e) => row(
    [stamp(e.at), e.status, e.errorCode, e.errorMessage, millis(e.latencyMs), e.dialect || 'chat', e.model, e.requestId],
    [null, kind, kind, 'message', 'n'],
  ));
}
function render(s) {
  const a = s.activity;
  $('overall').textContent = s.draining ? '· draining' : s.ok ? '· ok' : '· unavailable';
  $('overall').className = 'status ' + (s.ok ? 'ok' : 'bad');
  const parts = [];
  if (s.version) parts.push('version ' + s.version);
  parts.push(s.mode);
  parts.push(Array.isArray(s.backends) ? 'backends ' + (s.backends.join(', ') || 'none') : 'backend ' + s.backend);
  if (s.redis) parts.push('redis ' + s.redis);
  if (s.startedAt) parts.push('API up ' + duration(Date.now() - s.startedAt) + ' (since ' + stamp(s.startedAt) + ')');
  if (s.reason) parts.push(s.reason);
  parts.push('updated ' + stamp(Date.now()));
  $('subtitle').textContent = parts.join(' · ');
  $('window').textContent = a.windowSeconds;
  const total = a.latencyMs.samples;
  $('rate').textContent = a.requestsPerSecond.toFixed(1);
  $('rate-detail').textContent = plural(total, 'request');
  const answered = a.answeredLatencyMs;
  $('latency').textContent = answered.samples === 0 ? '–' : millis(answered.p50) + ' / ' + millis(answered.p95);
  $('latency-detail').textContent = answered.samples === 0 ? 'no answers yet' : 'over ' + plural(answered.samples, 'answer');
  $('server-count').textContent = a.outcomes.serverErrors;
  $('server-count').className = a.outcomes.serverErrors > 0 ? 'bad' : '';
  $('client-count').textContent = a.outcomes.clientErrors;
  $('client-count').className = a.outcomes.clientErrors > 0 ? 'client' : '';
  $('client-detail').textContent = '4xx: bad requests, keys, limits' + (a.outcomes.cancelled > 0 ? '; ' + a.outcomes.cancelled + ' clients left' : '');
  $('queue').textContent = s.queueDepth === null ? '–' : s.queueDepth;
  $('inflight').textContent = s.inflight;
  $('supervisors').textContent = s.supervisors;
  fill('supervisor-table', supervisorRows(s), 'no supervisor');
  fill('sessions', s.sessions.map((x) => row(
    [x.id, x.status + (x.overflow ? ' · overflow' : ''), x.supervisor, x.backend, x.pid, x.model, x.requests, stamp(x.started_at), since(x.last_used_at), x.error],
    [null, 'status ' + x.status, null, null, null, null, 'n'])), 'no sessions');
  fill('server-errors', errorRows(a.serverErrors, 'bad'), 'none');
  fill('client-errors', errorRows(a.clientErrors, 'client'), 'none');
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
    render(await response.json());
  } catch (error) {
    $('overall').textContent = '· unreachable';
    $('overall').className = 'status bad';
    $('subtitle').textContent = String(error) + ' · ' + stamp(Date.now());
  }
}
refresh();
setInterval(refresh, 2000);
`;

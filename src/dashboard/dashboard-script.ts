/**
 * The dashboard's browser script, as a string served inline (no bundler, no CDN, no chart
 * library). It draws the trend charts as hand-written SVG (the drift test's statistic and p-value,
 * PSI and the materiality gate's effect size, each with the thresholds from driftSettings; batch
 * and window verdicts; realized vs estimated ROC AUC with the realized value's 95% interval;
 * alerts opened per bucket), polls a small overview, and keeps the alert list: filled
 * from history on load, then live over graphql-ws (the graphql-transport-ws protocol, spoken
 * directly: connection_init, subscribe, next), resuming after the last event id on a reconnect.
 * Operators acknowledge, resolve and snooze from the list; `me.allowedOperations` says whether the
 * key may, so a viewer sees the actions disabled instead of a FORBIDDEN after clicking.
 *
 * Credentials: the API key comes from the URL fragment (`/dashboard#key=cmk_…`, which browsers
 * never send to the server) or from the key form. It is kept in sessionStorage (this tab only),
 * removed from the address bar at once (history.replaceState, so it stays out of history and
 * bookmarks), and sent only as the Authorization header of same-origin requests and in the
 * graphql-ws connection_init payload; it is never written into the page or a URL. HTML drift
 * reports need the header too, so they are fetched and opened from a blob: URL.
 */
export const DASHBOARD_SCRIPT = String.raw`
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (v) => String(v ?? '–').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const badge = (s) => '<span class="badge ' + esc(String(s).toLowerCase()) + '">' + esc(s) + '</span>';

  // ---- the API key ----
  const STORAGE_KEY = 'credit-monitor.api-key';
  let memoryKey = null; // used when sessionStorage is unavailable (e.g. storage disabled)
  function storedKey() {
    try { return sessionStorage.getItem(STORAGE_KEY) || memoryKey; } catch { return memoryKey; }
  }
  function storeKey(key) {
    memoryKey = key;
    try { if (key) sessionStorage.setItem(STORAGE_KEY, key); else sessionStorage.removeItem(STORAGE_KEY); } catch { /* memory only */ }
  }
  /** Moves '#key=…' from the address bar into sessionStorage, keeping any other fragment parts. */
  function takeKeyFromFragment() {
    if (!location.hash) return false;
    const parts = location.hash.slice(1).split('&');
    const rest = parts.filter((p) => !/^key=/.test(p));
    if (rest.length === parts.length) return false;
    let key = '';
    try { key = decodeURIComponent(parts.find((p) => /^key=/.test(p)).slice(4)).trim(); } catch { key = ''; }
    history.replaceState(history.state, '', location.pathname + location.search + (rest.length ? '#' + rest.join('&') : ''));
    if (key) storeKey(key);
    return Boolean(key);
  }

  class ApiError extends Error {
    constructor(message, code) { super(message); this.code = code; }
  }
  const isAuthError = (error) => error && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN');
  const sameOrigin = (url) => new URL(url, location.href).origin === location.origin;

  async function authorizedFetch(url, init = {}) {
    const key = storedKey();
    if (!key) throw new ApiError('no API key', 'UNAUTHENTICATED');
    if (!sameOrigin(url)) throw new ApiError('refusing to send the API key to another origin', 'FORBIDDEN');
    return fetch(url, { ...init, credentials: 'omit', cache: 'no-store', headers: { ...(init.headers || {}), authorization: 'Bearer ' + key } });
  }

  async function gql(query, variables) {
    const res = await authorizedFetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    const first = body && body.errors && body.errors[0];
    if (first) throw new ApiError(first.message, (first.extensions && first.extensions.code) || statusCode(res.status));
    if (!res.ok || !body) throw new ApiError('HTTP ' + res.status, statusCode(res.status));
    return body.data;
  }
  const statusCode = (status) => (status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'ERROR');

  // A new key (or losing one) starts a new session; work of an older session is ignored.
  let session = 0;
  let socket = null;

  function askForKey(message) {
    $('auth-message').textContent = message;
    $('auth').hidden = false;
    $('forget-key').hidden = true;
    $('feed-state').textContent = 'no key';
    $('key-input').focus();
  }

  function authFailed(error) {
    if (!storedKey()) return; // already handled for this session
    session++;
    storeKey(null);
    me = null;
    showRole();
    if (socket) socket.close(1000, 'credential refused');
    document.body.dataset.auth = error.code === 'FORBIDDEN' ? 'forbidden' : 'unauthenticated';
    $('updated').textContent = 'not signed in';
    askForKey(error.code === 'FORBIDDEN'
      ? 'Access denied (FORBIDDEN): this API key may not read the dashboard (' + error.message + '). Paste a key with role viewer or above.'
      : 'The API key was refused (UNAUTHENTICATED: ' + error.message + '). It may be mistyped, revoked or expired; paste another key.');
  }

  function start() {
    const current = ++session;
    if (socket) socket.close(1000, 'new session');
    if (!storedKey()) {
      document.body.dataset.auth = 'missing';
      $('updated').textContent = 'waiting for an API key';
      askForKey('This dashboard needs an API key (role viewer or above). Paste one below, or open a link ending in #key=… (npm run demo prints one).');
      return;
    }
    $('auth').hidden = true;
    $('forget-key').hidden = false;
    $('feed-state').textContent = 'connecting…';
    delete document.body.dataset.auth;
    lastEventId = null;
    begin(current);
  }

  /** A new session: who the key is, the overview, the charts, the alert history, then the live feed after it. */
  async function begin(current) {
    try {
      const d = await gql('{ me { name role allowedOperations } }');
      if (current !== session) return;
      me = d.me;
      showRole();
      await refresh(current);
      if (current !== session || !storedKey()) return;
      await loadSettings(current);
      await loadAlerts(current);
      if (current !== session) return;
      connectFeed(current);
      refreshCharts(current);
    } catch (error) {
      if (current !== session) return;
      if (isAuthError(error)) authFailed(error);
      else $('updated').textContent = 'loading failed: ' + error.message;
    }
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('key-input');
    const key = input.value.trim();
    input.value = '';
    if (!key) return;
    storeKey(key);
    start();
  });
  $('forget-key').addEventListener('click', () => {
    storeKey(null);
    start();
  });
  window.addEventListener('hashchange', () => { if (takeKeyFromFragment()) start(); });

  const OVERVIEW = 'query Overview {' +
    ' batches(first: 15) { totalCount edges { node { batchId size receivedAt modelVersion dataQuality { duplicateCustomerIds outOfSupportValues } drift { status globalScore reportUrl features { feature drifted } } } } }' +
    ' alertSummary { total liveBySeverity { severity count } byStatus { status count } }' +
    ' activeBaseline { version rowCount source }' +
    ' latestReport: driftReports(first: 1) { edges { node { id kind status batchId windowKind windowStart windowEnd createdAt rowCount reportUrl' +
    ' scoreShift { total contributions { feature contribution share baselineMean currentMean } }' +
    ' features { feature evaluated drifted pValue adjustedPValue psi wassersteinNormalized reason } } } } }';

  // ---- the latest drift report: which features moved the scores, and the joint-distribution verdict ----
  const MULTIVARIATE = 'multivariate';
  const SHIFT_BARS = 5;
  const signed = (v) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : (v > 0 ? '+' : '') + fmtNum(v));
  const fmtP = (p) => (p === null || p === undefined ? 'n/a' : p === 0 ? '< 1e-300' : p < 0.001 ? p.toExponential(1) : p.toFixed(3));

  function jointVerdict(r) {
    const f = r.features.find((x) => x.feature === MULTIVARIATE);
    if (!f) return '<div class="row joint" data-verdict="ABSENT"><b>Joint distribution</b> <span class="muted">not checked: this baseline has no joint-distribution model</span></div>';
    if (!f.evaluated) return '<div class="row joint" data-verdict="NOT_EVALUATED"><b>Joint distribution</b> ' + badge('not evaluated') + ' <span class="muted">' + esc(f.reason || '') + '</span></div>';
    const verdict = f.drifted ? 'DRIFT' : 'STABLE';
    const meaning = f.drifted ? 'the inputs no longer go together as in the baseline (check upstream joins and field mappings)' : 'the inputs relate as in the baseline';
    return '<div class="row joint" data-verdict="' + verdict + '"><b>Joint distribution</b> ' + badge(verdict) + ' KS p ' + esc(fmtP(f.pValue)) +
      ' · effect ' + esc(fmtNum(f.wassersteinNormalized, 2)) + ' SD · PSI ' + esc(fmtNum(f.psi)) + ' <span class="muted">' + meaning + '</span></div>';
  }

  /** Compact diverging bars of the largest contributions, on one scale (the largest |contribution| shown). */
  function shiftBars(shift) {
    if (!shift) return '<div class="row shift" data-shift="none"><b>Which features moved the scores</b> <span class="muted">no decomposition for this report (it needs the trained, linear scoring model)</span></div>';
    const top = shift.contributions.slice(0, SHIFT_BARS);
    const max = Math.max(1e-12, ...top.map((c) => Math.abs(c.contribution)));
    const bars = top.map((c) => {
      const width = (Math.abs(c.contribution) / max) * 50;
      const up = c.contribution >= 0;
      return '<div class="shift-bar" data-feature="' + esc(c.feature) + '" data-sign="' + (up ? '+' : '-') + '"><span class="name" title="' + esc(c.feature) + '">' + esc(c.feature) +
        '</span><span class="track" title="' + esc(c.feature + ': mean ' + fmtNum(c.baselineMean) + ' → ' + fmtNum(c.currentMean)) + '"><i class="' + (up ? 'up' : 'down') + '" style="width:' + width.toFixed(1) + '%"></i></span><span class="val">' +
        esc(signed(c.contribution)) + ' · ' + esc(Math.round(c.share * 100)) + '%</span></div>';
    }).join('');
    return '<div class="row shift" data-shift="' + shift.contributions.length + '"><h3>Which features moved the scores</h3><div class="muted">mean log-odds <b class="total">' + esc(signed(shift.total)) +
      '</b> (current − baseline), largest first; red raised the scores, blue lowered them</div>' + bars + '</div>';
  }

  function renderLatestReport(r) {
    const box = $('latest-report');
    if (!r) {
      box.innerHTML = '<span class="muted">no drift report yet</span>';
      delete box.dataset.reportId;
      delete box.dataset.batch;
      return;
    }
    box.dataset.reportId = r.id;
    box.dataset.batch = r.batchId || '';
    const scope = r.kind === 'WINDOW'
      ? esc((r.windowKind || 'window').toLowerCase()) + ' window ' + esc(fmtShort(r.windowStart)) + '–' + esc(fmtShort(r.windowEnd))
      : 'batch <b>' + esc(r.batchId) + '</b>';
    box.innerHTML = '<div class="row">' + badge(r.status) + ' ' + scope + ' · ' + r.rowCount + ' rows · ' + esc(fmtShort(r.createdAt)) +
      ' · <a href="' + esc(r.reportUrl) + '" data-report="' + esc(r.reportUrl) + '" target="_blank" rel="noopener">report</a></div>' +
      jointVerdict(r) + shiftBars(r.scoreShift);
  }

  async function refresh(current = session) {
    if (current !== session || !storedKey()) return;
    try {
      const d = await gql(OVERVIEW);
      if (current !== session) return;
      $('batch-count').textContent = d.batches.totalCount;
      $('baseline').textContent = 'v' + d.activeBaseline.version + ' (' + d.activeBaseline.rowCount + ' rows)';
      $('live-alerts').innerHTML = d.alertSummary.liveBySeverity.map((s) => badge(s.severity) + ' ' + s.count).join(' &nbsp; ');
      $('batches').innerHTML = d.batches.edges.map(({ node: b }) => {
        const drifted = b.drift ? b.drift.features.filter((f) => f.drifted).map((f) => f.feature).join(', ') : '';
        // Opened by openReport (the report needs the Authorization header a plain link cannot send).
        const report = b.drift ? '<a href="' + esc(b.drift.reportUrl) + '" data-report="' + esc(b.drift.reportUrl) + '" target="_blank" rel="noopener">report</a>' : '';
        return '<tr><td>' + esc(b.batchId) + '</td><td>' + esc(fmtShort(b.receivedAt)) + '</td><td>' + b.size +
          '</td><td>' + (b.drift ? badge(b.drift.status) : '–') + '</td><td>' + esc(drifted || '–') + '</td><td>' + b.dataQuality.duplicateCustomerIds +
          '</td><td>' + report + '</td></tr>';
      }).join('') || '<tr><td colspan="7" class="muted">no batches yet</td></tr>';
      const latest = d.latestReport.edges[0];
      renderLatestReport(latest ? latest.node : null);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.loaded = 'true';
    } catch (error) {
      if (current !== session) return;
      if (isAuthError(error)) authFailed(error);
      else $('updated').textContent = 'refresh failed: ' + error.message;
    }
  }

  // HTML drift reports: fetched with the key, shown in a new tab from a blob: URL. The tab is
  // opened at once, while the click still counts as a user gesture (no popup blocker), and
  // cut off from this page (opener = null) before anything is loaded into it.
  async function openReport(url) {
    const current = session;
    const tab = window.open('', '_blank');
    if (tab) {
      tab.opener = null;
      tab.document.title = 'Loading drift report…';
      tab.document.body.textContent = 'Loading drift report…';
    }
    try {
      const res = await authorizedFetch(url);
      if (!res.ok) {
        let body = null;
        try { body = await res.json(); } catch { /* not JSON */ }
        const error = body && body.error;
        throw new ApiError((error && error.message) || 'HTTP ' + res.status, (error && error.code) || statusCode(res.status));
      }
      const blobUrl = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html;charset=utf-8' }));
      if (tab && !tab.closed) tab.location.replace(blobUrl);
      else window.open(blobUrl, '_blank', 'noopener');
      // Long enough for the tab to load it; the report in that tab stays readable afterwards.
      setTimeout(() => URL.revokeObjectURL(blobUrl), 60000);
    } catch (error) {
      if (tab && !tab.closed) tab.close();
      if (current !== session) return;
      if (isAuthError(error)) authFailed(error);
      else $('updated').textContent = 'could not open the report: ' + error.message;
    }
  }
  const reportClick = (event) => {
    const link = event.target.closest && event.target.closest('a[data-report]');
    if (!link || (event.type === 'auxclick' && event.button !== 1)) return;
    event.preventDefault();
    openReport(link.getAttribute('data-report'));
  };
  for (const id of ['batches', 'latest-report']) {
    $(id).addEventListener('click', reportClick);
    $(id).addEventListener('auxclick', reportClick);
  }

  // Live alert feed over graphql-ws.
  // The key travels in connection_init, never in the websocket URL; the server closes with
  // 4401 (refused) or 4403 (revoked, expired, forbidden) when it does not accept it.
  let lastEventId = null;
  function feedError(errors) {
    const first = (errors && errors[0]) || {};
    const error = new ApiError(first.message || 'subscription refused', (first.extensions && first.extensions.code) || 'ERROR');
    if (isAuthError(error)) authFailed(error);
    else $('feed-state').textContent = 'feed error: ' + error.message;
  }
  function connectFeed(current) {
    const key = storedKey();
    if (current !== session || !key) return;
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql', 'graphql-transport-ws');
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer ' + key } }));
    ws.onmessage = (message) => {
      if (current !== session) return;
      const msg = JSON.parse(message.data);
      if (msg.type === 'connection_ack') {
        $('feed-state').textContent = 'live';
        ws.send(JSON.stringify({ id: 'alerts', type: 'subscribe', payload: {
          query: 'subscription($after: ID) { alertChanged(afterEventId: $after) { id type occurredAt actor note alert { ' + ALERT_FIELDS + ' } } }',
          variables: { after: lastEventId } } }));
      } else if (msg.type === 'next' && msg.payload.errors && !msg.payload.data) {
        feedError(msg.payload.errors);
      } else if (msg.type === 'next' && msg.payload.data) {
        const e = msg.payload.data.alertChanged;
        lastEventId = e.id;
        const row = document.createElement('li');
        row.innerHTML = badge(e.alert.severity) + ' <b>' + esc(e.type) + '</b> ' + esc(e.alert.message) + ' <span class="muted">' +
          esc(new Date(e.occurredAt).toLocaleTimeString()) + ' · ' + esc(e.alert.status) + ' · ×' + e.alert.occurrences +
          (e.actor !== 'system' ? ' · by ' + esc(e.actor) : '') + (e.note ? ' · “' + esc(e.note) + '”' : '') + '</span>';
        $('feed').prepend(row);
        while ($('feed').children.length > 50) $('feed').lastChild.remove();
        applyAlert(e.alert);
        chartsSoon();
      } else if (msg.type === 'error' && msg.id === 'alerts') {
        feedError(msg.payload);
      } else if (msg.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    };
    ws.onclose = (event) => {
      if (socket === ws) socket = null;
      if (current !== session) return;
      if (event.code === 4401 || event.code === 4403) {
        authFailed(new ApiError(event.reason || 'credential refused', 'UNAUTHENTICATED'));
        return;
      }
      $('feed-state').textContent = 'reconnecting…';
      setTimeout(() => connectFeed(current), 2000);
    };
  }

  // ---- charts: hand-written SVG, drawn at the container's pixel width (redrawn on resize) ----
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const COLORS = {
    psi: '#1f77b4', pValue: '#9467bd', statistic: '#8c564b', effect: '#17a589', gate: '#ff7f0e', alert: '#d62728', alpha: '#ff7f0e',
    realized: '#1f77b4', band: 'rgba(31,119,180,0.16)', estimated: '#2ca02c',
    STABLE: '#2ca02c', DRIFT: '#d62728', INSUFFICIENT_DATA: '#999',
    LOW: '#17becf', MEDIUM: '#bcbd22', HIGH: '#ff7f0e', CRITICAL: '#d62728',
  };
  const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  const VERDICTS = ['STABLE', 'DRIFT', 'INSUFFICIENT_DATA'];
  const MARGIN = { left: 54, right: 14, top: 10, bottom: 26 };

  function svgEl(name, attrs, parent) {
    const node = document.createElementNS(SVG_NS, name);
    for (const k of Object.keys(attrs || {})) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function svgText(parent, x, y, text, attrs) {
    const node = svgEl('text', Object.assign({ x, y }, attrs || {}), parent);
    node.textContent = text;
    return node;
  }
  /** A data mark: class "pt" (counted by the tests), with its tooltip as an SVG title. */
  function mark(parent, name, attrs, tip) {
    const node = svgEl(name, attrs, parent);
    node.classList.add('pt');
    svgEl('title', {}, node).textContent = tip;
    return node;
  }

  /** Time of day for today, date and time otherwise: short enough for a table column. */
  const fmtShort = (t) => {
    const d = new Date(t);
    const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
    return d.toDateString() === new Date().toDateString() ? time : d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + time;
  };
  const fmtTime = (t) => new Date(t).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const fmtNum = (v, d) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : Math.abs(v) > 0 && Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toFixed(d === undefined ? 3 : d));

  const MINUTE = 60000, HOUR = 3600000, DAY = 86400000;
  const TIME_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
  /** Tick times at a round step (local time), about one per 90 px. */
  function timeTicks(t0, t1, width) {
    const wanted = Math.max(2, Math.floor(width / 90));
    const step = TIME_STEPS.find((s) => (t1 - t0) / s <= wanted) || 14 * DAY;
    const offset = new Date(t0).getTimezoneOffset() * MINUTE;
    const ticks = [];
    for (let t = Math.ceil((t0 - offset) / step) * step + offset; t <= t1; t += step) ticks.push(t);
    const label = step >= DAY
      ? (t) => new Date(t).toLocaleDateString([], { month: 'short', day: 'numeric' })
      : (t) => {
          const d = new Date(t);
          const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
          return d.getHours() === 0 && d.getMinutes() === 0 ? d.toLocaleDateString([], { month: 'short', day: 'numeric' }) : time;
        };
    return { ticks, label };
  }
  function niceTicks(min, max, count) {
    if (!(max > min)) max = min + 1;
    const raw = (max - min) / count;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
    const ticks = [];
    for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
    return ticks;
  }

  /** A fresh SVG sized to the container; returns the drawing frame. */
  function frame(container, height) {
    container.textContent = '';
    const width = Math.max(240, Math.floor(container.clientWidth));
    const svg = svgEl('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' }, container);
    return { svg, width, height, x0: MARGIN.left, x1: width - MARGIN.right };
  }
  function scaleTime(f, t0, t1) {
    return (t) => f.x0 + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * (f.x1 - f.x0);
  }
  function xAxis(f, t0, t1, y) {
    const x = scaleTime(f, t0, t1);
    const g = svgEl('g', { class: 'axis x' }, f.svg);
    svgEl('line', { x1: f.x0, x2: f.x1, y1: y, y2: y }, g);
    const { ticks, label } = timeTicks(t0, t1, f.x1 - f.x0);
    for (const t of ticks) {
      svgEl('line', { x1: x(t), x2: x(t), y1: y, y2: y + 4 }, g);
      svgText(g, x(t), y + 16, label(t), { 'text-anchor': 'middle' });
    }
    return x;
  }
  /** A value axis on [y0 (bottom), y1 (top)] with grid lines; log10 when options.log is set. */
  function yAxis(f, domain, y0, y1, options) {
    const o = options || {};
    const tr = o.log ? (v) => Math.log10(v) : (v) => v;
    const lo = tr(domain[0]), hi = tr(domain[1]);
    const y = (v) => y0 - ((tr(v) - lo) / (hi - lo)) * (y0 - y1);
    const g = svgEl('g', { class: 'axis y' }, f.svg);
    const ticks = o.ticks || niceTicks(domain[0], domain[1], Math.max(2, Math.floor((y0 - y1) / 28)));
    for (const v of ticks) {
      svgEl('line', { class: 'grid', x1: f.x0, x2: f.x1, y1: y(v), y2: y(v) }, g);
      svgText(g, f.x0 - 6, y(v) + 4, o.format ? o.format(v) : String(v), { 'text-anchor': 'end' });
    }
    if (o.label) svgText(g, f.x0, y1 - 2, o.label, { class: 'panel-label' });
    return y;
  }
  /** A threshold line; data-gate and data-value say which setting it draws and its value. */
  function hline(f, y, value, color, label, gate) {
    const g = svgEl('g', { class: 'threshold', 'data-gate': gate || '', 'data-value': String(value) }, f.svg);
    svgEl('line', { x1: f.x0, x2: f.x1, y1: y(value), y2: y(value), stroke: color, 'stroke-dasharray': '5 4' }, g);
    svgText(g, f.x1 - 4, y(value) - 3, label, { 'text-anchor': 'end', fill: color });
    svgEl('title', {}, g).textContent = label;
  }
  function polyline(f, points, color, dashed) {
    if (points.length < 2) return;
    svgEl('polyline', { points: points.map((p) => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' '), fill: 'none', stroke: color,
      'stroke-width': 1.6, 'stroke-dasharray': dashed ? '6 4' : 'none' }, f.svg);
  }
  function emptyState(f, container) {
    svgText(f.svg, f.width / 2, f.height / 2, 'no data in this range', { 'text-anchor': 'middle', class: 'empty' });
    container.dataset.empty = 'true';
  }
  function legend(container, items) {
    const box = container.parentElement.querySelector('.legend');
    box.textContent = '';
    for (const item of items) {
      const key = document.createElement('span');
      key.className = 'key';
      const swatch = document.createElement('i');
      swatch.className = item.line ? 'line' : item.dashed ? 'dashed' : '';
      swatch.style.setProperty('--c', item.color);
      key.append(swatch, item.label);
      box.appendChild(key);
    }
  }
  function finish(container, marks) {
    container.dataset.points = String(marks);
    if (marks > 0) delete container.dataset.empty;
  }

  // (1) One feature's drift over time in four panels sharing the time axis: the test's statistic
  // (KS D or chi-square), its Holm-adjusted p-value against alpha, PSI against the PSI gate and
  // the alert bands, and the materiality gate's effect size (noise-corrected Wasserstein in
  // baseline SDs for numeric features, Jensen–Shannon distance for discrete ones) against its
  // gate. Every threshold line comes from driftSettings (what checks use now); a report's own
  // threshold of its time is in each mark's tooltip.
  function drawDrift(container, data, view) {
    const points = data.metricsHistory;
    const t = view.settings && view.settings.columns.find((c) => c.feature === view.feature);
    const discrete = Boolean(t && t.kind === 'discrete');
    const testName = discrete ? 'chi-square' : 'KS';
    const effectName = discrete ? 'Jensen–Shannon distance' : 'Wasserstein distance (baseline SDs)';
    const PANEL = 92, GAP = 34, TOP = 16;
    const f = frame(container, TOP + 4 * PANEL + 3 * GAP + MARGIN.bottom + 6);
    container.dataset.feature = view.feature;
    container.dataset.kind = t ? t.kind : '';
    $('drift-feature').textContent = view.feature;
    legend(container, [
      { color: COLORS.statistic, label: testName + ' statistic', line: true },
      { color: COLORS.pValue, label: 'Holm-adjusted p-value of the ' + testName + ' test', line: true },
      { color: COLORS.psi, label: 'PSI', line: true },
      { color: COLORS.effect, label: effectName + ', noise-corrected', line: true },
      { color: COLORS.DRIFT, label: 'drifted' },
      { color: COLORS.gate, label: 'thresholds (configured)', dashed: true },
      { color: '#555', label: '● batch  ◆ window report' },
    ]);
    const x = xAxis(f, view.from, view.to, f.height - MARGIN.bottom);
    if (points.length === 0) { emptyState(f, container); finish(container, 0); return; }
    const band = (i) => ({ top: TOP + i * (PANEL + GAP), bottom: TOP + i * (PANEL + GAP) + PANEL });

    const psiLines = [];
    if (t) {
      psiLines.push({ gate: 'psi', value: t.psiThreshold, label: 'PSI gate ' + fmtNum(t.psiThreshold, 2), color: COLORS.gate });
      for (const [gate, value, label] of [['alert-medium', view.settings.alertPsiModerate, 'alert MEDIUM'], ['alert-high', view.settings.alertPsiSignificant, 'alert HIGH']]) {
        const same = psiLines.find((l) => l.value === value);
        if (same) { same.label += ' · ' + label; same.gate += ' ' + gate; }
        else psiLines.push({ gate, value, label: label + ' ' + fmtNum(value, 2), color: COLORS.alert });
      }
    }
    const P_FLOOR = 1e-12;
    const panels = [
      { cls: 'stat', color: COLORS.statistic, label: testName + ' statistic' + (discrete ? '' : ' D'),
        value: (p) => (discrete ? p.chiSquareStatistic : p.ksStatistic), min: discrete ? 1 : 0.05, lines: [] },
      { cls: 'pval', color: COLORS.pValue, label: testName + ' test: Holm-adjusted p-value (log)', log: true,
        value: (p) => (p.adjustedPValue === null ? null : Math.max(P_FLOOR, p.adjustedPValue)),
        lines: t ? [{ gate: 'alpha', value: t.alpha, label: 'alpha ' + t.alpha, color: COLORS.alpha }] : [] },
      { cls: 'psi', color: COLORS.psi, label: 'PSI', value: (p) => p.psi, min: 0.05, lines: psiLines },
      { cls: 'effect', color: COLORS.effect, label: effectName + ', noise-corrected', value: (p) => p.effectSize, min: 0.05,
        lines: t ? [{ gate: 'effect', value: t.effectThreshold, label: 'materiality gate ' + fmtNum(t.effectThreshold, 2), color: COLORS.gate }] : [] },
    ];
    const tip = (p) => [fmtTime(p.createdAt) + ' · ' + p.reportKind.toLowerCase() + ' report',
      testName + ' statistic ' + fmtNum(discrete ? p.chiSquareStatistic : p.ksStatistic) + ', p ' + fmtNum(p.pValue) + ', Holm-adjusted ' + fmtNum(p.adjustedPValue),
      'PSI ' + fmtNum(p.psi) + ' · ' + effectName + ' ' + fmtNum(p.effectSize) + ' after noise (gate then ' + fmtNum(p.effectThreshold) + ')',
      'decided by ' + p.method + ', its threshold then ' + fmtNum(p.threshold), p.evaluated ? (p.drifted ? 'DRIFT' : 'no drift') : 'not evaluated'].join('\n');
    const shape = (g, p, cx, cy, cls, color) => p.reportKind === 'WINDOW'
      ? mark(g, 'path', { class: cls, d: 'M' + cx + ',' + (cy - 5) + 'l5,5l-5,5l-5,-5z', fill: p.drifted ? COLORS.DRIFT : '#fff', stroke: p.drifted ? COLORS.DRIFT : color }, tip(p))
      : mark(g, 'circle', { class: cls, cx, cy, r: 3.5, fill: p.drifted ? COLORS.DRIFT : p.evaluated ? color : '#fff', stroke: p.drifted ? COLORS.DRIFT : color }, tip(p));
    const g = svgEl('g', {}, f.svg);
    let marks = 0;
    panels.forEach((panel, i) => {
      const { top, bottom } = band(i);
      const shown = points.filter((p) => panel.value(p) !== null);
      const y = panel.log
        ? yAxis(f, [1, P_FLOOR], bottom, top, { log: true, ticks: [1, 1e-3, 1e-6, 1e-9, 1e-12], label: panel.label,
            format: (v) => (v === 1 ? '1' : '1e' + Math.round(Math.log10(v))) })
        : yAxis(f, [0, Math.max(panel.min, ...shown.map(panel.value), ...panel.lines.map((l) => l.value * 1.15))], bottom, top,
            { label: panel.label, format: (v) => fmtNum(v, 2) });
      for (const l of panel.lines) hline(f, y, l.value, l.color, l.label, l.gate);
      polyline(f, shown.map((p) => [x(Date.parse(p.createdAt)), y(panel.value(p))]), panel.color);
      for (const p of shown) { shape(g, p, x(Date.parse(p.createdAt)), y(panel.value(p)), panel.cls, panel.color); marks++; }
    });
    // Marks above the lines of every panel.
    f.svg.appendChild(g);
    finish(container, marks);
  }

  /** Lanes (one per category) with a mark per item; (2) and (3). */
  function drawLanes(container, lanes, items, view, place) {
    const f = frame(container, 34 + lanes.length * 30 + MARGIN.bottom);
    const x = xAxis(f, view.from, view.to, f.height - MARGIN.bottom);
    const laneY = (i) => MARGIN.top + 6 + i * 30;
    const g = svgEl('g', { class: 'axis y' }, f.svg);
    lanes.forEach((lane, i) => {
      svgEl('line', { class: 'grid', x1: f.x0, x2: f.x1, y1: laneY(i) + 12, y2: laneY(i) + 12 }, g);
      svgText(g, f.x0 - 6, laneY(i) + 16, lane.label, { 'text-anchor': 'end' });
    });
    if (items.length === 0) { emptyState(f, container); finish(container, 0); return; }
    const layer = svgEl('g', {}, f.svg);
    for (const item of items) place(layer, x, laneY(lanes.findIndex((l) => l.key === item.lane)) + 12, item);
    finish(container, items.length);
  }

  // (2) Batch verdicts.
  function drawBatchVerdicts(container, data, view) {
    const reports = data.batchReports.edges.map((e) => e.node);
    legend(container, VERDICTS.map((v) => ({ color: COLORS[v], label: v })).concat(
      data.batchReports.totalCount > reports.length ? [{ color: '#fff', label: 'newest ' + reports.length + ' of ' + data.batchReports.totalCount }] : []));
    drawLanes(container, VERDICTS.map((v) => ({ key: v, label: v === 'INSUFFICIENT_DATA' ? 'INSUFF.' : v })),
      reports.map((r) => ({ lane: r.status, r })), view, (g, x, y, item) => {
        const r = item.r;
        mark(g, 'circle', { cx: x(Date.parse(r.createdAt)), cy: y, r: 5, fill: COLORS[r.status], 'fill-opacity': 0.85, stroke: '#fff' },
          [(r.batchId || 'batch') + ' · ' + r.status, fmtTime(r.createdAt), r.rowCount + ' rows', 'global score ' + fmtNum(r.globalScore),
            'drifted share ' + fmtNum(r.driftedShare, 2)].join('\n'));
      });
  }

  // (3) Window verdicts: one bar per scheduled (or manual) window check, spanning its window.
  function drawWindowVerdicts(container, data, view) {
    const reports = data.windowReports.edges.map((e) => e.node).filter((r) => r.windowStart && r.windowEnd);
    const kinds = [...new Set(reports.map((r) => r.windowKind || 'window'))].sort();
    legend(container, VERDICTS.map((v) => ({ color: COLORS[v], label: v })));
    drawLanes(container, (kinds.length ? kinds : ['HOURLY']).map((k) => ({ key: k, label: k })),
      reports.map((r) => ({ lane: r.windowKind || 'window', r })), view, (g, x, y, item) => {
        const r = item.r;
        const a = x(Date.parse(r.windowStart)), b = x(Date.parse(r.windowEnd));
        mark(g, 'rect', { x: a, y: y - 8, width: Math.max(3, b - a - 1), height: 16, rx: 2, fill: COLORS[r.status], 'fill-opacity': 0.85 },
          [r.windowKind + ' window ' + fmtTime(r.windowStart) + ' – ' + fmtTime(r.windowEnd), r.status, r.rowCount + ' rows',
            'drifted share ' + fmtNum(r.driftedShare, 2)].join('\n'));
      });
  }

  // (4) Realized ROC AUC with its 95% band, and the label-free estimate.
  function drawAuc(container, data, view) {
    const points = data.performanceHistory;
    const f = frame(container, 220);
    legend(container, [
      { color: COLORS.realized, label: 'realized ROC AUC (labelled rows)', line: true },
      { color: COLORS.band, label: '95% interval of realized' },
      { color: COLORS.estimated, label: 'estimated (CBPE, no labels)', dashed: true },
    ]);
    const x = xAxis(f, view.from, view.to, f.height - MARGIN.bottom);
    const values = [];
    for (const p of points) {
      if (p.estimated.rocAuc !== null) values.push(p.estimated.rocAuc);
      if (p.realized && p.realized.rocAuc !== null) values.push(p.realized.rocAuc, p.realized.rocAucLower ?? p.realized.rocAuc, p.realized.rocAucUpper ?? p.realized.rocAuc);
    }
    if (values.length === 0) { emptyState(f, container); finish(container, 0); return; }
    const lo = Math.max(0, Math.floor((Math.min(...values) - 0.02) * 20) / 20), hi = Math.min(1, Math.ceil((Math.max(...values) + 0.02) * 20) / 20);
    const y = yAxis(f, [lo, hi], f.height - MARGIN.bottom - 4, MARGIN.top + 8, { format: (v) => v.toFixed(2), label: 'ROC AUC' });
    let marks = 0;
    const g = svgEl('g', {}, f.svg);
    for (const version of [...new Set(points.map((p) => p.modelVersion))]) {
      const series = points.filter((p) => p.modelVersion === version);
      const at = (p) => x(Date.parse(p.windowStart));
      const banded = series.filter((p) => p.realized && p.realized.rocAucLower !== null && p.realized.rocAucUpper !== null);
      if (banded.length > 1) {
        const upper = banded.map((p) => at(p).toFixed(1) + ',' + y(p.realized.rocAucUpper).toFixed(1));
        const lower = banded.slice().reverse().map((p) => at(p).toFixed(1) + ',' + y(p.realized.rocAucLower).toFixed(1));
        svgEl('polygon', { points: upper.concat(lower).join(' '), fill: COLORS.band, stroke: 'none' }, g);
      }
      for (const p of banded) svgEl('line', { x1: at(p), x2: at(p), y1: y(p.realized.rocAucLower), y2: y(p.realized.rocAucUpper), stroke: COLORS.realized, 'stroke-opacity': 0.45 }, g);
      const realized = series.filter((p) => p.realized && p.realized.rocAuc !== null);
      const estimated = series.filter((p) => p.estimated.rocAuc !== null);
      polyline({ svg: g }, estimated.map((p) => [at(p), y(p.estimated.rocAuc)]), COLORS.estimated, true);
      polyline({ svg: g }, realized.map((p) => [at(p), y(p.realized.rocAuc)]), COLORS.realized);
      const tip = (p) => [fmtTime(p.windowStart) + ' – ' + fmtTime(p.windowEnd) + ' · model ' + p.modelVersion,
        'realized ' + (p.realized && p.realized.rocAuc !== null ? fmtNum(p.realized.rocAuc) + ' (95% ' + fmtNum(p.realized.rocAucLower) + '–' + fmtNum(p.realized.rocAucUpper) + ', ' + p.labelledCount + ' labelled)' : 'n/a (no labels yet)'),
        'estimated ' + fmtNum(p.estimated.rocAuc) + ' over ' + p.rowCount + ' rows'].join('\n');
      for (const p of estimated) { mark(g, 'rect', { class: 'estimated', x: at(p) - 3, y: y(p.estimated.rocAuc) - 3, width: 6, height: 6, fill: '#fff', stroke: COLORS.estimated }, tip(p)); marks++; }
      for (const p of realized) { mark(g, 'circle', { class: 'realized', cx: at(p), cy: y(p.realized.rocAuc), r: 3.5, fill: COLORS.realized }, tip(p)); marks++; }
    }
    finish(container, marks);
  }

  // (5) Alerts opened per bucket, stacked by severity.
  function drawAlertCounts(container, data, view) {
    const buckets = data.alertCountHistory;
    const f = frame(container, 220);
    legend(container, SEVERITIES.map((s) => ({ color: COLORS[s], label: s })));
    const x = xAxis(f, view.from, view.to, f.height - MARGIN.bottom);
    if (buckets.length === 0) { emptyState(f, container); finish(container, 0); return; }
    const max = Math.max(...buckets.map((b) => b.opened));
    const ticks = niceTicks(0, Math.max(max, 4), 4).filter((v) => Number.isInteger(v));
    const y = yAxis(f, [0, ticks[ticks.length - 1]], f.height - MARGIN.bottom, MARGIN.top + 8, { ticks, label: 'alerts opened' });
    const g = svgEl('g', {}, f.svg);
    let marks = 0;
    for (const b of buckets) {
      const a = x(Date.parse(b.bucketStart)), e = x(Date.parse(b.bucketEnd));
      let base = 0;
      for (const s of SEVERITIES) {
        const count = (b.bySeverity.find((c) => c.severity === s) || { count: 0 }).count;
        if (!count) continue;
        mark(g, 'rect', { x: a + 0.5, y: y(base + count), width: Math.max(2, e - a - 1.5), height: Math.max(1, y(base) - y(base + count)), fill: COLORS[s] },
          fmtTime(b.bucketStart) + ' – ' + fmtTime(b.bucketEnd) + '\n' + count + ' ' + s + ' of ' + b.opened + ' opened');
        base += count;
        marks++;
      }
    }
    finish(container, marks);
  }

  // ---- the API key's role: what this console may offer ----
  let me = null;
  const canUpdateAlerts = () => Boolean(me && me.allowedOperations.includes('Mutation.updateAlertStatus'));
  function showRole() {
    $('role').textContent = me ? me.role + ' key (' + me.name + ')' : '–';
    document.body.dataset.role = me ? me.role : '';
    const readOnly = Boolean(me) && !canUpdateAlerts();
    $('actions-hint').hidden = !readOnly;
    renderAlerts();
  }
  $('switch-key').addEventListener('click', () => {
    $('auth-message').textContent = 'Paste an operator (or admin) API key to acknowledge, resolve and snooze alerts. The current key stays in use until you do.';
    $('auth').hidden = false;
    $('key-input').focus();
  });

  // ---- trend charts ----
  const RANGES = {
    '6h': { ms: 6 * HOUR, performance: 'HOUR', alerts: 'FIFTEEN_MINUTES' },
    '24h': { ms: 24 * HOUR, performance: 'HOUR', alerts: 'HOUR' },
    '7d': { ms: 7 * DAY, performance: 'HOUR', alerts: 'SIX_HOURS' },
    '30d': { ms: 30 * DAY, performance: 'DAY', alerts: 'DAY' },
  };
  const view = { range: '24h', feature: null, settings: null, from: 0, to: 0 };
  let chartData = null;

  const CHARTS = 'query Charts($feature: String!, $from: DateTime!, $to: DateTime!, $window: PerformanceWindow!, $bucket: AlertCountBucket!) {' +
    ' metricsHistory(feature: $feature, from: $from, to: $to) { reportKind createdAt method statistic pValue adjustedPValue threshold psi ksStatistic chiSquareStatistic effectSize effectThreshold drifted evaluated }' +
    ' batchReports: driftReports(kind: BATCH, from: $from, to: $to, first: 500) { totalCount edges { node { batchId status globalScore driftedShare rowCount createdAt } } }' +
    ' windowReports: driftReports(kind: WINDOW, from: $from, to: $to, first: 500) { totalCount edges { node { status windowKind windowStart windowEnd rowCount driftedShare } } }' +
    ' performanceHistory(from: $from, to: $to, window: $window) { windowStart windowEnd modelVersion rowCount labelledCount estimated { rocAuc } realized { rocAuc rocAucLower rocAucUpper } }' +
    ' alertCountHistory(from: $from, to: $to, bucket: $bucket) { bucketStart bucketEnd opened bySeverity { severity count } } }';

  function drawCharts() {
    if (!chartData) return;
    const draw = [['chart-drift', drawDrift], ['chart-verdicts', drawBatchVerdicts], ['chart-windows', drawWindowVerdicts],
      ['chart-auc', drawAuc], ['chart-alert-counts', drawAlertCounts]];
    for (const [id, fn] of draw) fn($(id), chartData, view);
    $('charts').dataset.loaded = 'true';
  }

  async function loadSettings(current) {
    const d = await gql('{ driftSettings { minSampleSize alertPsiModerate alertPsiSignificant columns { feature kind enabled alpha psiThreshold effectThreshold } } }');
    if (current !== session) return;
    view.settings = d.driftSettings;
    const select = $('feature');
    const previous = view.feature;
    select.textContent = '';
    for (const c of view.settings.columns) {
      const option = document.createElement('option');
      option.value = c.feature;
      option.textContent = c.feature + (c.enabled ? '' : ' (not checked)');
      select.appendChild(option);
    }
    view.feature = previous && view.settings.columns.some((c) => c.feature === previous) ? previous : view.settings.columns[0].feature;
    select.value = view.feature;
    // Alert features are the monitored columns (data-quality and performance alerts name a measure instead).
    const filter = $('filter-feature');
    if (filter.options.length === 1) {
      for (const c of view.settings.columns) {
        const option = document.createElement('option');
        option.value = option.textContent = c.feature;
        filter.appendChild(option);
      }
      // Joint-distribution alerts name the derived column, which is no configured column of its own.
      if (!view.settings.columns.some((c) => c.feature === MULTIVARIATE)) {
        const option = document.createElement('option');
        option.value = MULTIVARIATE;
        option.textContent = MULTIVARIATE + ' (joint distribution)';
        filter.appendChild(option);
      }
    }
  }

  let chartsLoading = null;
  async function refreshCharts(current = session) {
    if (current !== session || !storedKey() || !view.feature) return;
    const range = RANGES[view.range];
    const to = Date.now();
    const from = to - range.ms;
    try {
      const request = gql(CHARTS, { feature: view.feature, from: new Date(from).toISOString(), to: new Date(to + 60000).toISOString(),
        window: range.performance, bucket: range.alerts });
      chartsLoading = request;
      const d = await request;
      if (current !== session || chartsLoading !== request) return; // a newer range or feature was asked for
      view.from = from;
      view.to = to;
      chartData = d;
      $('charts-error').textContent = '';
      drawCharts();
    } catch (error) {
      if (current !== session) return;
      if (isAuthError(error)) authFailed(error);
      else $('charts-error').textContent = 'charts could not load: ' + error.message;
    }
  }
  let chartTimer = null;
  /** Live events change what the charts show: redraw soon, once for a burst of events. */
  function chartsSoon() {
    if (chartTimer) return;
    chartTimer = setTimeout(() => { chartTimer = null; refreshCharts(); }, 1500);
  }
  $('ranges').addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button[data-range]');
    if (!button) return;
    view.range = button.dataset.range;
    for (const b of $('ranges').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === button));
    refreshCharts();
  });
  $('feature').addEventListener('change', () => {
    view.feature = $('feature').value;
    refreshCharts();
  });
  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(drawCharts);
  }).observe($('charts'));

  // ---- alerts: history first, then live ----
  // The list is keyed by alert id. It is loaded after reading the newest event id, and the feed
  // subscribes after that id: every later change arrives once, in order; an event older than the
  // state shown (updatedAt) is not applied, so a replay never moves an alert back.
  const alerts = new Map();
  let alertsTotal = 0;
  const alertFilter = () => {
    const filter = {};
    for (const name of ['status', 'severity', 'feature']) if ($('filter-' + name).value) filter[name] = $('filter-' + name).value;
    return filter;
  };
  const matchesFilter = (a, filter) => Object.keys(filter).every((name) => a[name] === filter[name]);
  const ALERT_FIELDS = 'id kind feature severity status message occurrences worstScore snoozedUntil firstSeenAt lastSeenAt resolvedAt createdAt updatedAt';

  async function loadAlerts(current) {
    const summary = await gql('{ alertSummary { latestEventId } }');
    const filter = alertFilter();
    const d = await gql('query Alerts($filter: AlertsFilter) { alerts(first: 100, filter: $filter) { totalCount edges { node { ' + ALERT_FIELDS + ' } } } }', { filter });
    if (current !== session) return;
    if (lastEventId === null) lastEventId = summary.alertSummary.latestEventId;
    alerts.clear();
    for (const { node } of d.alerts.edges) alerts.set(node.id, node);
    alertsTotal = d.alerts.totalCount;
    $('alerts').dataset.loaded = 'true';
    renderAlerts();
  }
  function applyAlert(a) {
    const shown = alerts.get(a.id);
    if (shown && Date.parse(a.updatedAt) < Date.parse(shown.updatedAt)) return;
    if (matchesFilter(a, alertFilter())) {
      if (!shown) alertsTotal++;
      alerts.set(a.id, a);
    } else if (shown) {
      alerts.delete(a.id);
      alertsTotal--;
    }
    renderAlerts();
  }
  for (const name of ['status', 'severity', 'feature']) {
    $('filter-' + name).addEventListener('change', () => {
      const current = session;
      loadAlerts(current).catch((error) => { if (current === session) isAuthError(error) ? authFailed(error) : ($('alerts-state').textContent = 'alerts could not load: ' + error.message); });
    });
  }

  const SNOOZE_CHOICES = [['1 h', HOUR], ['4 h', 4 * HOUR], ['24 h', DAY], ['7 d', 7 * DAY]];
  const KIND_LABEL = { FEATURE_DRIFT: 'Feature drift', PREDICTION_DRIFT: 'Prediction drift', MULTIVARIATE_DRIFT: 'Joint-distribution drift',
    DATASET_DRIFT: 'Dataset drift', DATA_QUALITY: 'Data quality', PERFORMANCE: 'Performance',
    VALIDATION_FAILURE: 'Credit validation' };

  function alertItem(a) {
    const li = document.createElement('li');
    li.className = 'alert';
    li.dataset.alertId = a.id;
    li.innerHTML = '<div class="alert-head"></div><div class="alert-msg"></div><div class="alert-meta muted"></div>' +
      '<div class="alert-actions"><input class="note" type="text" placeholder="note (optional, kept on the alert event)" aria-label="note">' +
      '<button type="button" data-action="ACKNOWLEDGED">Acknowledge</button><button type="button" data-action="RESOLVED">Resolve</button>' +
      '<select class="snooze-for" aria-label="snooze for">' + SNOOZE_CHOICES.map(([label, ms]) => '<option value="' + ms + '">' + label + '</option>').join('') + '</select>' +
      '<button type="button" data-action="SNOOZE">Acknowledge &amp; snooze</button></div><p class="alert-error" role="alert" hidden></p>';
    return li;
  }
  function updateItem(li, a) {
    li.dataset.status = a.status;
    li.querySelector('.alert-head').innerHTML = badge(a.severity) + ' <span class="status ' + esc(a.status.toLowerCase()) + '">' + esc(a.status) + '</span> <b>' +
      esc(KIND_LABEL[a.kind] || a.kind) + '</b>' + (a.feature ? ' <span class="feature">' + esc(a.feature) + '</span>' : '');
    li.querySelector('.alert-msg').textContent = a.message;
    li.querySelector('.alert-meta').textContent = '×' + a.occurrences + ' · opened ' + fmtTime(a.createdAt) + ' · last seen ' + fmtTime(a.lastSeenAt) +
      (a.snoozedUntil && Date.parse(a.snoozedUntil) > Date.now() ? ' · snoozed until ' + fmtTime(a.snoozedUntil) : '') +
      (a.resolvedAt ? ' · resolved ' + fmtTime(a.resolvedAt) : '');
    const allowed = canUpdateAlerts();
    const why = allowed ? '' : 'needs an operator or admin key (this key is ' + (me ? me.role : 'unknown') + ')';
    const moves = { ACKNOWLEDGED: a.status === 'OPEN', RESOLVED: a.status !== 'RESOLVED', SNOOZE: a.status === 'OPEN' };
    for (const button of li.querySelectorAll('button[data-action]')) {
      const move = moves[button.dataset.action];
      button.disabled = !allowed || !move || li.dataset.busy === 'true';
      button.title = !allowed ? why : move ? '' : a.status === 'RESOLVED' ? 'resolved alerts are final' : 'snooze is set when acknowledging';
    }
    li.querySelector('.note').disabled = !allowed || a.status === 'RESOLVED';
    li.querySelector('.snooze-for').disabled = !allowed || a.status !== 'OPEN';
    li.querySelector('.alert-actions').hidden = a.status === 'RESOLVED';
  }
  function renderAlerts() {
    const list = $('alerts');
    const sorted = [...alerts.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1));
    const existing = new Map([...list.children].map((li) => [li.dataset.alertId, li]));
    for (const [id, li] of existing) if (!alerts.has(id)) li.remove();
    let previous = null;
    for (const a of sorted) {
      let li = existing.get(a.id);
      if (!li) li = alertItem(a);
      updateItem(li, a);
      const expected = previous ? previous.nextSibling : list.firstChild;
      if (expected !== li) list.insertBefore(li, expected);
      previous = li;
    }
    $('alerts-state').textContent = alerts.size === 0 ? 'no alerts match these filters' : 'showing ' + alerts.size + ' of ' + Math.max(alertsTotal, alerts.size) + ', newest first';
  }

  const UPDATE_STATUS = 'mutation Update($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { ' + ALERT_FIELDS + ' } }';
  $('alerts').addEventListener('click', async (event) => {
    const button = event.target.closest && event.target.closest('button[data-action]');
    if (!button || button.disabled) return;
    const li = button.closest('li.alert');
    const id = li.dataset.alertId;
    const note = li.querySelector('.note').value.trim();
    const input = { id, status: button.dataset.action === 'RESOLVED' ? 'RESOLVED' : 'ACKNOWLEDGED', note: note || null };
    if (button.dataset.action === 'SNOOZE') input.snoozeUntil = new Date(Date.now() + Number(li.querySelector('.snooze-for').value)).toISOString();
    const error = li.querySelector('.alert-error');
    error.hidden = true;
    li.dataset.busy = 'true';
    updateItem(li, alerts.get(id));
    const current = session;
    try {
      const d = await gql(UPDATE_STATUS, { input });
      if (current !== session) return;
      li.querySelector('.note').value = '';
      delete li.dataset.busy;
      applyAlert(d.updateAlertStatus);
    } catch (failure) {
      if (current !== session) return;
      delete li.dataset.busy;
      if (failure.code === 'UNAUTHENTICATED') { authFailed(failure); return; }
      // Shown next to the alert (FORBIDDEN for a key without the role, BAD_USER_INPUT for a move the alert no longer allows).
      error.textContent = (failure.code || 'ERROR') + ': ' + failure.message;
      error.hidden = false;
      if (alerts.has(id)) updateItem(li, alerts.get(id));
    }
  });

  takeKeyFromFragment();
  start();
  setInterval(() => refresh(), 5000);
  setInterval(() => refreshCharts(), 30000);
})();
`;

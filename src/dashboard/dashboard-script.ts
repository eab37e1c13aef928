/**
 * The dashboard's browser script, as a string served inline (no bundler, no CDN). It polls the
 * GraphQL API for batches, alert counts and performance, and keeps a live alert feed over
 * graphql-ws (the graphql-transport-ws protocol, spoken directly: connection_init, subscribe,
 * next), resuming from the last event id after a reconnect.
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
  const num = (v, d = 3) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));
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
    refresh(current);
    connectFeed(current);
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

  const OVERVIEW = 'query Overview($from: DateTime!, $to: DateTime!) {' +
    ' batches(first: 15) { totalCount edges { node { batchId size receivedAt modelVersion dataQuality { duplicateCustomerIds outOfSupportValues } drift { status globalScore reportUrl features { feature drifted } } } } }' +
    ' alertSummary { total liveBySeverity { severity count } byStatus { status count } }' +
    ' activeBaseline { version rowCount source }' +
    ' performanceHistory(from: $from, to: $to, window: HOUR) { windowStart rowCount labelledCount estimated { rocAuc } realized { rocAuc } } }';

  async function refresh(current = session) {
    if (current !== session || !storedKey()) return;
    try {
      const to = new Date(Date.now() + 60000);
      const from = new Date(Date.now() - 24 * 3600 * 1000);
      const d = await gql(OVERVIEW, { from: from.toISOString(), to: to.toISOString() });
      if (current !== session) return;
      $('batch-count').textContent = d.batches.totalCount;
      $('baseline').textContent = 'v' + d.activeBaseline.version + ' (' + d.activeBaseline.rowCount + ' rows)';
      $('live-alerts').innerHTML = d.alertSummary.liveBySeverity.map((s) => badge(s.severity) + ' ' + s.count).join(' &nbsp; ');
      $('batches').innerHTML = d.batches.edges.map(({ node: b }) => {
        const drifted = b.drift ? b.drift.features.filter((f) => f.drifted).map((f) => f.feature).join(', ') : '';
        // Opened by openReport (the report needs the Authorization header a plain link cannot send).
        const report = b.drift ? '<a href="' + esc(b.drift.reportUrl) + '" data-report="' + esc(b.drift.reportUrl) + '" target="_blank" rel="noopener">report</a>' : '';
        return '<tr><td>' + esc(b.batchId) + '</td><td>' + esc(new Date(b.receivedAt).toLocaleTimeString()) + '</td><td>' + b.size +
          '</td><td>' + (b.drift ? badge(b.drift.status) : '–') + '</td><td>' + esc(drifted || '–') + '</td><td>' + b.dataQuality.duplicateCustomerIds +
          '</td><td>' + report + '</td></tr>';
      }).join('');
      $('performance').innerHTML = d.performanceHistory.slice(-8).reverse().map((p) =>
        '<tr><td>' + esc(new Date(p.windowStart).toLocaleString()) + '</td><td>' + p.rowCount + '</td><td>' + p.labelledCount +
        '</td><td>' + num(p.estimated.rocAuc) + '</td><td>' + num(p.realized && p.realized.rocAuc) + '</td></tr>').join('') || '<tr><td colspan="5">no data yet</td></tr>';
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
  $('batches').addEventListener('click', reportClick);
  $('batches').addEventListener('auxclick', reportClick);

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
          query: 'subscription($after: ID) { alertChanged(afterEventId: $after) { id type occurredAt alert { severity status kind feature message occurrences } } }',
          variables: { after: lastEventId } } }));
      } else if (msg.type === 'next' && msg.payload.errors && !msg.payload.data) {
        feedError(msg.payload.errors);
      } else if (msg.type === 'next' && msg.payload.data) {
        const e = msg.payload.data.alertChanged;
        lastEventId = e.id;
        const row = document.createElement('li');
        row.innerHTML = badge(e.alert.severity) + ' <b>' + esc(e.type) + '</b> ' + esc(e.alert.message) + ' <span class="muted">' +
          esc(new Date(e.occurredAt).toLocaleTimeString()) + ' · ' + esc(e.alert.status) + ' · ×' + e.alert.occurrences + '</span>';
        $('feed').prepend(row);
        while ($('feed').children.length > 50) $('feed').lastChild.remove();
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

  takeKeyFromFragment();
  start();
  setInterval(() => refresh(), 3000);
})();
`;

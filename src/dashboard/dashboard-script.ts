/**
 * The dashboard's browser script, as a string served inline (no bundler, no CDN). It polls the
 * GraphQL API for batches, alert counts and performance, and keeps a live alert feed over
 * graphql-ws (the graphql-transport-ws protocol, spoken directly: connection_init, subscribe,
 * next), resuming from the last event id after a reconnect.
 */
export const DASHBOARD_SCRIPT = String.raw`
(() => {
  const $ = (id) => document.getElementById(id);
  const esc = (v) => String(v ?? '–').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  const num = (v, d = 3) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));
  const badge = (s) => '<span class="badge ' + esc(String(s).toLowerCase()) + '">' + esc(s) + '</span>';

  async function gql(query, variables) {
    const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = await res.json();
    if (body.errors) throw new Error(body.errors[0].message);
    return body.data;
  }

  const OVERVIEW = 'query Overview($from: DateTime!, $to: DateTime!) {' +
    ' batches(first: 15) { totalCount edges { node { batchId size receivedAt modelVersion dataQuality { duplicateCustomerIds outOfSupportValues } drift { status globalScore reportUrl features { feature drifted } } } } }' +
    ' alertSummary { total liveBySeverity { severity count } byStatus { status count } }' +
    ' activeBaseline { version rowCount source }' +
    ' performanceHistory(from: $from, to: $to, window: HOUR) { windowStart rowCount labelledCount estimated { rocAuc } realized { rocAuc } } }';

  async function refresh() {
    try {
      const to = new Date(Date.now() + 60000);
      const from = new Date(Date.now() - 24 * 3600 * 1000);
      const d = await gql(OVERVIEW, { from: from.toISOString(), to: to.toISOString() });
      $('batch-count').textContent = d.batches.totalCount;
      $('baseline').textContent = 'v' + d.activeBaseline.version + ' (' + d.activeBaseline.rowCount + ' rows)';
      $('live-alerts').innerHTML = d.alertSummary.liveBySeverity.map((s) => badge(s.severity) + ' ' + s.count).join(' &nbsp; ');
      $('batches').innerHTML = d.batches.edges.map(({ node: b }) => {
        const drifted = b.drift ? b.drift.features.filter((f) => f.drifted).map((f) => f.feature).join(', ') : '';
        const report = b.drift ? '<a href="' + esc(b.drift.reportUrl) + '">report</a>' : '';
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
      $('updated').textContent = 'refresh failed: ' + error.message;
    }
  }

  // Live alert feed over graphql-ws.
  let lastEventId = null;
  function connectFeed() {
    const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql', 'graphql-transport-ws');
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.onmessage = (message) => {
      const msg = JSON.parse(message.data);
      if (msg.type === 'connection_ack') {
        $('feed-state').textContent = 'live';
        socket.send(JSON.stringify({ id: 'alerts', type: 'subscribe', payload: {
          query: 'subscription($after: ID) { alertChanged(afterEventId: $after) { id type occurredAt alert { severity status kind feature message occurrences } } }',
          variables: { after: lastEventId } } }));
      } else if (msg.type === 'next' && msg.payload.data) {
        const e = msg.payload.data.alertChanged;
        lastEventId = e.id;
        const row = document.createElement('li');
        row.innerHTML = badge(e.alert.severity) + ' <b>' + esc(e.type) + '</b> ' + esc(e.alert.message) + ' <span class="muted">' +
          esc(new Date(e.occurredAt).toLocaleTimeString()) + ' · ' + esc(e.alert.status) + ' · ×' + e.alert.occurrences + '</span>';
        $('feed').prepend(row);
        while ($('feed').children.length > 50) $('feed').lastChild.remove();
      } else if (msg.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    };
    socket.onclose = () => {
      $('feed-state').textContent = 'reconnecting…';
      setTimeout(connectFeed, 2000);
    };
  }

  refresh();
  setInterval(refresh, 3000);
  connectFeed();
})();
`;

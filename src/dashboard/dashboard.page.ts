import { DASHBOARD_SCRIPT } from './dashboard-script';

/**
 * The dashboard's HTML shell; the data arrives through the GraphQL API (see dashboard-script.ts).
 * It carries no credential: the script takes the API key from the URL fragment (never sent to
 * the server) or from the key form, and keeps it in sessionStorage. The layout is fluid from
 * about 1,000 px up (charts are drawn at their container's width); below 1,200 px the lower
 * half stacks into one column so no table forces a horizontal scrollbar.
 */
export function renderDashboardPage(nonce: string): string {
  const chart = (id: string, title: string, note: string, wide = false): string =>
    `<figure class="chart${wide ? ' wide' : ''}"><figcaption><b>${title}</b> <span class="muted">${note}</span></figcaption>` +
    `<div class="legend"></div><div class="plot" id="${id}"></div></figure>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Credit model monitor</title><link rel="icon" href="data:,">
<style>
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:16px 20px;color:#222;background:#f6f7f9}
h1{font-size:20px;margin:0 0 12px} h2{font-size:15px;margin:18px 0 6px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:7px 12px;min-width:130px;font-size:13px}
.card b{display:block;font-size:16px;margin-top:2px}
.toolbar{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:14px 0 8px;font-size:13px}
.toolbar [role=group] button{border:1px solid #bbb;background:#fff;padding:3px 10px;cursor:pointer;font:inherit;margin-right:-1px}
.toolbar [role=group] button:first-child{border-radius:4px 0 0 4px}.toolbar [role=group] button:last-child{border-radius:0 4px 4px 0}
.toolbar [role=group] button[aria-pressed=true]{background:#1f77b4;color:#fff;border-color:#1f77b4}
select,input,button{font:inherit;font-size:13px}
.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}
.chart{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 10px 4px;min-width:0}.chart.wide{grid-column:1/-1}
figcaption{font-size:13px;margin-bottom:2px}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:11px;color:#555;min-height:15px}
.legend .key{display:inline-flex;align-items:center;gap:4px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c)}
.legend i.line{height:3px;width:14px}.legend i.dashed{height:0;width:14px;border-top:2px dashed var(--c);background:none}
.plot{width:100%;min-width:0}.plot svg{display:block;max-width:100%}
.plot text{font-size:11px;fill:#555}.plot .panel-label{fill:#333;font-weight:600}.plot .empty{font-size:13px;fill:#999}
.axis line{stroke:#999}.axis line.grid{stroke:#eee}.threshold text{font-size:10px}
.lower{display:grid;grid-template-columns:minmax(0,4fr) minmax(0,3fr);gap:18px}
@media (max-width:1200px){.lower{grid-template-columns:minmax(0,1fr)}}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left}
ul{list-style:none;padding:0;margin:0;font-size:13px}li{background:#fff;border:1px solid #eee;border-radius:4px;padding:5px 8px;margin-bottom:4px;overflow-wrap:anywhere}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;font-size:13px;margin-bottom:6px}
li.alert{padding:7px 10px}li.alert[data-status=RESOLVED]{opacity:.7}
.alert-head .feature{font-family:monospace}.alert-msg{margin:3px 0}.alert-meta{font-size:12px}
.alert-actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.alert-actions[hidden]{display:none}.alert-actions .note{flex:1 1 200px;min-width:0;padding:3px 5px}
.alert-error{color:#b00020;margin:5px 0 0;font-size:12px}.alert-error[hidden]{display:none}
.status{font-size:11px;border:1px solid #999;border-radius:9px;padding:0 6px}.status.open{border-color:#d62728;color:#d62728}.status.acknowledged{border-color:#ff7f0e;color:#b35900}.status.resolved{color:#2ca02c;border-color:#2ca02c}
.hint{background:#fff8e1;border:1px solid #f0d58c;border-radius:5px;padding:6px 10px;font-size:13px;margin-bottom:8px}.hint[hidden]{display:none}
.badge{border-radius:9px;padding:1px 7px;font-size:11px;color:#fff;background:#888}
.badge.drift,.badge.critical{background:#d62728}.badge.high{background:#ff7f0e}.badge.medium{background:#bcbd22}.badge.low{background:#17becf}
.badge.stable{background:#2ca02c}.badge.insufficient_data{background:#888}.muted{color:#777}.error{color:#b00020;font-size:13px}
#auth{background:#fff;border:1px solid #e3a0a0;border-radius:6px;padding:10px 14px;margin:0 0 14px;max-width:640px}
#auth[hidden],#forget-key[hidden]{display:none}#auth p{margin:0 0 8px;font-size:14px}#auth input{width:100%;font:13px monospace;padding:5px;margin:4px 0 8px}
#latest-report{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 12px;font-size:13px}
#latest-report .row{margin:3px 0}#latest-report h3{font-size:13px;margin:8px 0 3px}
.shift-bar{display:grid;grid-template-columns:minmax(0,11em) minmax(60px,1fr) 8.5em;gap:8px;align-items:center;margin:2px 0}
.shift-bar .name{font-family:monospace;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.shift-bar .val{font-variant-numeric:tabular-nums;text-align:right}
.shift-bar .track{position:relative;height:10px;background:#f1f1f3;border-radius:2px}.shift-bar .track::after{content:'';position:absolute;left:50%;top:-2px;bottom:-2px;border-left:1px solid #999}
.shift-bar i{position:absolute;top:0;bottom:0}.shift-bar i.up{left:50%;background:#c0392b}.shift-bar i.down{right:50%;background:#2a7f9e}
button.link{background:none;border:0;padding:0;color:#0645ad;cursor:pointer;font:inherit;text-decoration:underline}
#forget-key{font-size:12px;font-weight:normal;margin-left:10px;vertical-align:middle}
</style></head><body>
<h1>Credit model monitor <button type="button" class="link muted" id="forget-key" hidden>forget key</button></h1>
<section id="auth" hidden><p id="auth-message" role="alert"></p>
<form id="key-form" autocomplete="off"><label for="key-input">API key (role viewer or above; operator to act on alerts)</label>
<input id="key-input" type="password" autocomplete="off" spellcheck="false" placeholder="cmk_…" required>
<button type="submit">Use this key</button> <span class="muted">kept in this tab only (sessionStorage)</span></form></section>
<div class="cards">
<div class="card">batches<b id="batch-count">–</b></div>
<div class="card">active baseline<b id="baseline">–</b></div>
<div class="card">live alerts<b id="live-alerts">–</b></div>
<div class="card">alert feed<b id="feed-state">connecting…</b></div>
<div class="card">signed in as<b id="role">–</b></div>
<div class="card muted" id="updated">loading…</div>
</div>
<div class="toolbar">
<span>Range <span role="group" id="ranges" aria-label="time range"><button type="button" data-range="6h" aria-pressed="false">6 h</button><button type="button" data-range="24h" aria-pressed="true">24 h</button><button type="button" data-range="7d" aria-pressed="false">7 d</button><button type="button" data-range="30d" aria-pressed="false">30 d</button></span></span>
<label>Feature <select id="feature" aria-label="feature"></select></label>
<span class="error" id="charts-error" role="status"></span>
</div>
<section class="charts" id="charts">
${chart('chart-drift', 'Drift of <span id="drift-feature">the selected feature</span>', 'the test statistic and its p-value, PSI and the effect size per report, with the thresholds checks use', true)}
${chart('chart-verdicts', 'Batch verdicts', 'one mark per ingested batch')}
${chart('chart-windows', 'Window verdicts', 'scheduled re-checks over time windows')}
${chart('chart-auc', 'ROC AUC', 'realized (outcomes known) vs estimated without labels')}
${chart('chart-alert-counts', 'Alerts opened', 'per bucket, by severity')}
</section>
<div class="lower">
<section><h2>Alerts</h2>
<p class="hint" id="actions-hint" hidden>This key can only read: acknowledging, resolving and snoozing need an <b>operator</b> (or admin) key.
<button type="button" class="link" id="switch-key">Use an operator key</button></p>
<div class="filters">
<label>Status <select id="filter-status"><option value="">any</option><option>OPEN</option><option>ACKNOWLEDGED</option><option>RESOLVED</option></select></label>
<label>Severity <select id="filter-severity"><option value="">any</option><option>CRITICAL</option><option>HIGH</option><option>MEDIUM</option><option>LOW</option></select></label>
<label>Feature <select id="filter-feature"><option value="">any</option></select></label>
<span class="muted" id="alerts-state">loading…</span>
</div>
<ul id="alerts"></ul>
</section>
<section><h2>Latest drift report</h2>
<div id="latest-report" aria-live="polite"><span class="muted">loading…</span></div>
<h2>Recent batches</h2>
<div class="table-wrap"><table><thead><tr><th>batch</th><th>received</th><th>rows</th><th>drift</th><th>drifted features</th><th>dup. ids</th><th></th></tr></thead><tbody id="batches"></tbody></table></div>
<h2>Live alert events</h2><ul id="feed"></ul>
</section>
</div>
<script nonce="${nonce}">${DASHBOARD_SCRIPT}</script>
</body></html>`;
}

import { DASHBOARD_SCRIPT } from './dashboard-script';

/**
 * The dashboard's HTML shell; the data arrives through the GraphQL API (see dashboard-script.ts).
 * It carries no credential: the script takes the API key from the URL fragment (never sent to
 * the server) or from the key form, and keeps it in sessionStorage.
 */
export function renderDashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Credit model monitor</title><link rel="icon" href="data:,">
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:20px;color:#222;background:#fafafa}
h1{font-size:20px;margin:0 0 12px} h2{font-size:15px;margin:18px 0 6px}
.cards{display:flex;gap:14px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 14px;min-width:140px}
.card b{display:block;font-size:17px;margin-top:2px}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:18px}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left}
ul{list-style:none;padding:0;margin:0;font-size:13px}li{background:#fff;border:1px solid #eee;border-radius:4px;padding:5px 8px;margin-bottom:4px}
.badge{border-radius:9px;padding:1px 7px;font-size:11px;color:#fff;background:#888}
.badge.drift,.badge.critical{background:#d62728}.badge.high{background:#ff7f0e}.badge.medium{background:#bcbd22}.badge.low{background:#17becf}
.badge.stable{background:#2ca02c}.badge.insufficient_data{background:#888}.muted{color:#777}
#auth{background:#fff;border:1px solid #e3a0a0;border-radius:6px;padding:10px 14px;margin:0 0 14px;max-width:640px}
#auth[hidden],#forget-key[hidden]{display:none}#auth p{margin:0 0 8px;font-size:14px}#auth input{width:100%;box-sizing:border-box;font:13px monospace;padding:5px;margin:4px 0 8px}
button.link{background:none;border:0;padding:0;color:#0645ad;cursor:pointer;font:inherit;text-decoration:underline}
#forget-key{font-size:12px;font-weight:normal;margin-left:10px;vertical-align:middle}
</style></head><body>
<h1>Credit model monitor <button type="button" class="link muted" id="forget-key" hidden>forget key</button></h1>
<section id="auth" hidden><p id="auth-message" role="alert"></p>
<form id="key-form" autocomplete="off"><label for="key-input">API key (role viewer or above)</label>
<input id="key-input" type="password" autocomplete="off" spellcheck="false" placeholder="cmk_…" required>
<button type="submit">Use this key</button> <span class="muted">kept in this tab only (sessionStorage)</span></form></section>
<div class="cards">
<div class="card">batches<b id="batch-count">–</b></div>
<div class="card">active baseline<b id="baseline">–</b></div>
<div class="card">live alerts<b id="live-alerts">–</b></div>
<div class="card">alert feed<b id="feed-state">connecting…</b></div>
<div class="card muted" id="updated">loading…</div>
</div>
<div class="grid">
<section><h2>Recent batches</h2>
<table><thead><tr><th>batch</th><th>received</th><th>rows</th><th>drift</th><th>drifted features</th><th>dup. ids</th><th></th></tr></thead><tbody id="batches"></tbody></table>
<h2>Performance (hourly, last 24 h)</h2>
<table><thead><tr><th>window</th><th>rows</th><th>labelled</th><th>estimated ROC AUC</th><th>realized ROC AUC</th></tr></thead><tbody id="performance"></tbody></table>
</section>
<section><h2>Alert feed (live)</h2><ul id="feed"></ul></section>
</div>
<script nonce="${nonce}">${DASHBOARD_SCRIPT}</script>
</body></html>`;
}

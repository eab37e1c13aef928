import { readFileSync } from 'fs';
import { ksTwoSample } from '../src/stats/ks';
import { kolmogorovNSurvival, smirnovSurvival, kolmogorovSurvival } from '../src/stats/kolmogorov-distribution';
import { chiSquareSurvival } from '../src/stats/special-functions';
const d = JSON.parse(readFileSync('/tmp/scipy-extra.json', 'utf8'));
const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));
let worst = 0; let t0 = Date.now();
for (const [n, x, p] of d.kstwo) { const v = kolmogorovNSurvival(n, x); const r = rel(v, p); if (r > 1e-9 && Math.abs(v-p) > 1e-15) console.log('kstwo', n, x, v, p, r); worst = Math.max(worst, Math.abs(v-p)); }
console.log('kstwo worst abs', worst, 'ms', Date.now() - t0);
worst = 0;
for (const [n, x, p] of d.smirnov) { const v = smirnovSurvival(n, x); const r = rel(v, p); if (r > 1e-9 && Math.abs(v-p) > 1e-15) console.log('smirnov', n, x, v, p, r); }
for (const [x, p] of d.kolm) { const v = kolmogorovSurvival(x); if (rel(v, p) > 1e-12) console.log('kolm', x, v, p); }
for (const [x, k, p] of d.chi2) { const v = chiSquareSurvival(x, k); if (rel(v, p) > 1e-10) console.log('chi2', x, k, v, p, rel(v,p)); }
t0 = Date.now(); let w = 0;
for (const e of d.ks) { const r = ksTwoSample(e.a, e.b); if (Math.abs(r.statistic - e.s) > 1e-12) console.log('stat', r.statistic, e.s); const rr = rel(r.pValue, e.p); w = Math.max(w, rr); if (rr > 1e-8) console.log('ks p', e.a.length, e.b.length, r.pValue, e.p, rr); }
console.log('ks worst rel', w, 'ms', Date.now() - t0);

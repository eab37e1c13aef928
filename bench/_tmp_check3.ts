import { readFileSync } from 'fs';
import { wassersteinDistance } from '../src/stats/wasserstein';
import { chiSquareContingency } from '../src/stats/chi-square';
import { jensenShannonDistance } from '../src/stats/jensen-shannon';
const d = JSON.parse(readFileSync('/work/shared/reference/stats-vectors.json', 'utf8'));
for (const e of d.wasserstein_distance) { const v = wassersteinDistance(e.a, e.b); console.log('w', v, e.value, Math.abs(v - e.value) / e.value); }
for (const e of d.chi2_contingency) { const v = chiSquareContingency(e.table, { correction: e.correction }); console.log('chi', v.statistic - e.statistic, v.dof, e.dof, (v.pValue - e.pvalue) / e.pvalue); }
for (const e of d.jensenshannon_base2) { const v = jensenShannonDistance(e.p, e.q); console.log('js', v - e.distance); }

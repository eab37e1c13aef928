import { escapeHtmlValue } from '../../common/html/escape-html';
import { MULTIVARIATE_COLUMN, MULTIVARIATE_EXPLAINED_VARIANCE } from '../../drift-engine/multivariate';
import { StoredReportDetails } from '../drift-report.mapper';
import { DriftReport, FeatureDriftMetric } from '../models/drift-report.model';
import {
  CURRENT_COLOR,
  divergingBarsSvg,
  ecdfSvg,
  formatNumber,
  histogramSvg,
  LOWERS_COLOR,
  pairedBarsSvg,
  RAISES_COLOR,
  REFERENCE_COLOR,
} from './svg-charts';

export interface DriftReportView {
  report: DriftReport;
  details: StoredReportDetails;
  title?: string;
}

/**
 * Every value read back from the database (details are free JSON) goes through `text`, even those
 * typed as numbers or enums.
 */
const text = escapeHtmlValue;

const num = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : formatNumber(value));

/** A stored number (free JSON: it may be anything), or null. */
const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Signed, so a reader sees the direction without a legend: "+0.041", "-0.012", "–" when missing. */
function signed(value: unknown): string {
  const v = finite(value);
  if (v === null) return '–';
  return v > 0 ? `+${formatNumber(v)}` : formatNumber(v);
}

const percent = (value: unknown): string => {
  const v = finite(value);
  return v === null ? '–' : `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
};

/** Columns that are not a raw input get a name a person can read; every other column keeps its own. */
function featureLabel(feature: string): string {
  return feature === MULTIVARIATE_COLUMN ? 'Joint distribution (multivariate): reconstruction error' : feature;
}

const MULTIVARIATE_EXPLANATION =
  `Each row's distance from the baseline's correlation structure (its reconstruction error outside the principal components that explain ` +
  `${Math.round(MULTIVARIATE_EXPLAINED_VARIANCE * 100)}% of the variance, in residual SDs), against held-out baseline rows: drift here means ` +
  `the features no longer go together as in the baseline, even when each one looks normal on its own (e.g. an upstream join attaching values to the wrong applications).`;

/** The column's status: insufficient data is shown as such (amber), never as an all-clear. */
function verdictBadge(f: FeatureDriftMetric): string {
  if (f.status === 'INSUFFICIENT_DATA') return '<span class="badge warn">insufficient data</span>';
  if (!f.evaluated) return '<span class="badge muted">not evaluated</span>';
  return f.drifted ? '<span class="badge drift">drift</span>' : '<span class="badge ok">stable</span>';
}

function warningsBlock(warnings: ReadonlyArray<string>): string {
  if (!warnings.length) return '';
  return `<div class="warnings" id="warnings"><b>Caveats</b><ul>${warnings.map((w) => `<li>${text(w)}</li>`).join('')}</ul></div>`;
}

function featureRow(f: FeatureDriftMetric): string {
  return `<tr class="${f.drifted ? 'drifted' : ''}">
<td><a href="#f-${text(f.feature)}">${text(featureLabel(f.feature))}</a></td><td>${text(f.kind)}</td><td>${text(f.method)}</td>
<td>${num(f.statistic)}</td><td>${num(f.pValue)}</td><td>${num(f.adjustedPValue)}</td><td>${num(f.psi)}</td>
<td>${num(f.wassersteinNormalized)}</td><td>${num(f.jensenShannon)}</td><td>${num(f.effectSize)} / ${num(f.effectThreshold)}</td>
<td>${verdictBadge(f)}</td></tr>`;
}

function binLabels(edges: number[], kind: string, bins: number): string[] {
  if (kind === 'discrete') return edges.map((e) => formatNumber(e));
  return Array.from({ length: bins }, (_, i) => formatNumber(edges[i] ?? 0));
}

function featureSection(f: FeatureDriftMetric, details: StoredReportDetails['features'][number] | undefined): string {
  if (!details) return '';
  const h = details.histogram;
  const joint = f.feature === MULTIVARIATE_COLUMN;
  const caption = joint ? 'Reconstruction errors, reference vs current (share of rows per bin)' : 'Distribution (share of rows per bin)';
  const charts = [
    `<figure><figcaption>${caption}</figcaption>${histogramSvg(binLabels(h.edges, f.kind, h.reference.length).map(text), h.reference, h.current, text(`${featureLabel(f.feature)} histogram`))}</figure>`,
  ];
  if (details.ecdf && f.kind === 'numeric') {
    charts.push(
      `<figure><figcaption>Empirical CDF (KS = largest vertical gap)</figcaption>${ecdfSvg(details.ecdf.x, details.ecdf.reference, details.ecdf.current, text(`${featureLabel(f.feature)} ECDF`))}</figure>`,
    );
  }
  const reason = details.reason ? `<p class="reason">${text(details.reason)}</p>` : '';
  // Window checks compute numeric statistics on the baseline's grid: say how far they can be off.
  const binning = details.binning
    ? `; computed on ${text(details.binning.bins)} bins: the exact KS D is at most ${num(details.binning.ksErrorBound)} above the one shown, the exact W1 within ±${num(details.binning.wassersteinErrorBound)}`
    : '';
  const explanation = joint ? `<p class="explain">${text(MULTIVARIATE_EXPLANATION)}</p>` : '';
  return `<section id="f-${text(f.feature)}"${joint ? ' class="joint"' : ''}><h3>${text(featureLabel(f.feature))} ${verdictBadge(f)}</h3>${explanation}${reason}
<div class="charts">${charts.join('')}</div>
<p class="small">rows compared: ${text(details.sampleSize)}; deciding statistic ${text(f.method)} = ${num(f.statistic)} (threshold ${num(f.threshold)})${binning}</p></section>`;
}

/**
 * "Which features moved the scores": the exact split of the change in mean log-odds (score-shift.ts)
 * as signed bars and a table. Without a decomposition, says why there is none: reports written
 * before it existed have no `scoreShift` key at all; a stored null means the check had no linear
 * scoring model (the rule-based fallback) or a feature had no finite mean on one side.
 */
function scoreShiftSection(report: DriftReport, details: StoredReportDetails): string {
  const shift = report.scoreShift ?? details.scoreShift ?? null;
  const heading = '<h2>Which features moved the scores</h2>';
  if (!shift || !Array.isArray(shift.contributions)) {
    const why =
      details.scoreShift === undefined && !report.scoreShift
        ? 'This report was written before drift reports split the score change by feature, so there is no decomposition to show.'
        : 'No decomposition for this report: it needs a scoring model whose log-odds are linear in the features (the trained model artifact, not the rule-based fallback scorer) and a finite mean of every model feature in both the baseline and the current data.';
    return `<section id="score-shift">${heading}<p class="small no-shift">${text(why)}</p></section>`;
  }
  const total = finite(shift.total);
  const direction =
    total === null || total === 0
      ? 'did not change'
      : total > 0
        ? 'rose: higher predicted default risk on average'
        : 'fell: lower predicted default risk on average';
  const bars = shift.contributions.map((c) => ({
    label: text(c.feature),
    value: finite(c.contribution) ?? NaN,
    valueLabel: text(`${signed(c.contribution)} (${percent(c.share)})`),
  }));
  const rows = shift.contributions
    .map(
      (c) =>
        `<tr data-feature="${text(c.feature)}"><td>${text(c.feature)}</td><td>${num(finite(c.baselineMean))}</td><td>${num(finite(c.currentMean))}</td><td>${text(signed(c.contribution))}</td><td>${text(percent(c.share))}</td></tr>`,
    )
    .join('\n');
  return `<section id="score-shift">${heading}
<p>Mean log-odds of the scores, current minus baseline: <b class="total">${text(signed(shift.total))}</b> (it ${direction}). For the logistic model the change splits exactly into one part per feature (its coefficient × the change in its mean), so the contributions sum to the total; share = |contribution| ÷ Σ|contributions|.</p>
<p class="legend small">Largest first:<span style="background:${RAISES_COLOR}"></span>raised the log-odds (riskier scores)<span style="background:${LOWERS_COLOR}"></span>lowered them</p>
<figure>${divergingBarsSvg(bars, 'Contribution of each feature to the change in mean log-odds')}</figure>
<table class="shift"><thead><tr><th>feature</th><th>baseline mean</th><th>current mean</th><th>contribution (log-odds)</th><th>share</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

const GRADE_CHART_LABEL = 'Share of rows per rating grade: development vs current';

/** A grade-mix status badge: the same three outcomes as a report. */
function gradeStatusBadge(status: unknown): string {
  if (status === 'DRIFT') return '<span class="badge drift">drift</span>';
  if (status === 'STABLE') return '<span class="badge ok">stable</span>';
  return '<span class="badge warn">insufficient data</span>';
}

const CHI_SQUARE_METHOD: Record<string, string> = {
  asymptotic: 'chi-square distribution',
  exact: 'exact permutation',
  monte_carlo: 'Monte-Carlo permutation',
};

/**
 * "Rating-grade distribution": the scores' grade mix against the model's development sample
 * (grade-distribution.ts), as a table of shares per grade, paired bars, PSI, the chi-square
 * p-value and its status. Without one, says why: reports written before it existed have no
 * `gradeDistribution` key; a stored null means the scoring model had no master scale.
 */
function gradeDistributionSection(report: DriftReport, details: StoredReportDetails): string {
  const grades = report.gradeDistribution ?? details.gradeDistribution ?? null;
  const heading = '<h2>Rating-grade distribution</h2>';
  if (!grades || !Array.isArray(grades.grades)) {
    const why =
      details.gradeDistribution === undefined && !report.gradeDistribution
        ? 'This report was written before drift reports compared the rating-grade mix with development, so there is none to show.'
        : 'No grade comparison for this report: the scoring model has no master scale (the rule-based fallback scorer, or an artifact trained before master scales existed).';
    return `<section id="grade-distribution">${heading}<p class="small no-grades">${text(why)}</p></section>`;
  }
  const chiSquare = grades.chiSquare;
  const method = chiSquare ? (CHI_SQUARE_METHOD[String(chiSquare.pValueMethod)] ?? String(chiSquare.pValueMethod)) : null;
  const pValue = chiSquare ? `${num(finite(chiSquare.pValue))} (${method}, ${num(finite(chiSquare.degreesOfFreedom))} df)` : '–';
  const rows = grades.grades
    .map(
      (g) =>
        `<tr data-grade="${text(g.grade)}"><td>${text(g.grade)}</td><td>${num(finite(g.pdLower))} – ${num(finite(g.pdUpper))}</td><td>${text(percent(g.developmentShare))}</td><td>${text(percent(g.share))}</td><td>${text(g.developmentCount)}</td><td>${text(g.count)}</td></tr>`,
    )
    .join('\n');
  const chart = pairedBarsSvg(
    grades.grades.map((g) => text(g.grade)),
    grades.grades.map((g) => finite(g.developmentShare) ?? NaN),
    grades.grades.map((g) => finite(g.share) ?? NaN),
    GRADE_CHART_LABEL,
  );
  return `<section id="grade-distribution">${heading}
<p>The scores' rating grades (the model's master scale, a grade per PD range: lower bound included, upper excluded) against the model's development sample: <span class="grade-status">${gradeStatusBadge(grades.status)}</span></p>
<div class="summary grades">
<div>PSI<b class="psi">${num(finite(grades.psi))}</b></div>
<div>chi-square p<b class="p-value">${text(pValue)}</b></div>
<div>rows graded<b>${text(grades.rowCount)}</b></div>
<div>development rows<b>${text(grades.developmentRowCount)}</b></div>
</div>
<p class="reason">${text(grades.reason)}. This comparison does not change the report's verdict: the prediction column already judges the score distribution.</p>
<p class="legend small"><span style="background:${REFERENCE_COLOR}"></span>development<span style="background:${CURRENT_COLOR}"></span>current</p>
<figure>${chart}</figure>
<table class="grades"><thead><tr><th>grade</th><th>PD range</th><th>development share</th><th>current share</th><th>development rows</th><th>current rows</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

/**
 * A self-contained HTML drift report: inline CSS and SVG only, no scripts and no network
 * requests, built from binned data so a 50,000-row batch renders as fast as a 50-row one.
 */
export function renderDriftReportHtml(view: DriftReportView): string {
  const { report, details } = view;
  const byFeature = new Map(details.features.map((f) => [f.feature, f]));
  const drifted = report.features
    .filter((f) => f.drifted)
    .map((f) => (f.feature === MULTIVARIATE_COLUMN ? 'joint distribution (multivariate)' : f.feature));
  const title = view.title ?? `Drift report ${report.id}`;
  const statusClass = report.status === 'DRIFT' ? 'drift' : report.status === 'STABLE' ? 'ok' : 'muted';
  const scope =
    report.kind === 'WINDOW'
      ? `window ${report.windowStart?.toISOString() ?? ''} – ${report.windowEnd?.toISOString() ?? ''}`
      : `batch ${text(report.batchId ?? '')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(title)}</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin-top:28px} h3{font-size:15px;margin:18px 0 6px}
.summary{display:flex;gap:24px;flex-wrap:wrap;margin:12px 0 8px}.summary div{background:#f5f5f7;border-radius:6px;padding:8px 14px}
.summary b{display:block;font-size:18px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:5px 8px;text-align:right}
th:first-child,td:first-child,td:nth-child(2),td:nth-child(3){text-align:left} tr.drifted{background:#fff4ec}
.badge{border-radius:10px;padding:1px 8px;font-size:12px;color:#fff}.badge.drift{background:#d62728}.badge.ok{background:#2ca02c}.badge.muted{background:#888}.badge.warn{background:#b7791f}
.warnings{background:#fff8e6;border:1px solid #f0d9a0;border-radius:6px;padding:6px 14px;font-size:13px;margin:8px 0}.warnings ul{margin:4px 0}
.charts{display:flex;gap:16px;flex-wrap:wrap}figure{margin:0}figcaption{font-size:12px;color:#555}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.small,.reason{font-size:12px;color:#555}.explain{font-size:13px;color:#333;margin:2px 0 6px;max-width:900px}
table.shift{width:auto;min-width:560px;margin-top:8px}table.shift td,table.shift th{text-align:right}table.shift td:first-child,table.shift th:first-child{text-align:left}
table.grades{width:auto;min-width:560px;margin-top:8px}table.grades td,table.grades th{text-align:right}
</style></head><body>
<h1>${text(title)}</h1>
<p class="small">${text(report.kind)} report for ${scope} · model ${text(report.modelVersion)} · baseline v${text(report.baselineVersion ?? '–')} · ${report.createdAt.toISOString()}</p>
<div class="summary">
<div>verdict<b><span class="badge ${statusClass}">${text(report.status)}</span></b></div>
<div>rows<b>${text(report.rowCount)}</b></div>
<div>global score<b>${num(report.globalScore)}</b></div>
<div>drifted share<b>${num(report.driftedShare)}</b></div>
<div>drifted features<b>${drifted.length ? text(drifted.join(', ')) : 'none'}</b></div>
</div>
${warningsBlock(report.warnings ?? [])}
<p class="legend small">Charts:<span style="background:${REFERENCE_COLOR}"></span>reference (baseline)<span style="background:${CURRENT_COLOR}"></span>current</p>
<h2>Per-feature results</h2>
<table id="features"><thead><tr><th>feature</th><th>kind</th><th>decided by</th><th>statistic</th><th>p-value</th><th>adjusted p</th><th>PSI</th><th>Wasserstein (sd)</th><th>Jensen–Shannon</th><th>effect / threshold</th><th>verdict</th></tr></thead>
<tbody>${report.features.map(featureRow).join('\n')}</tbody></table>
${scoreShiftSection(report, details)}
${gradeDistributionSection(report, details)}
<h2>Distributions</h2>
${report.features.map((f) => featureSection(f, byFeature.get(f.feature))).join('\n')}
<p class="small">How verdicts are reached: a feature drifts when its test is significant after Holm correction across features and its noise-corrected effect size passes the materiality threshold; fewer rows than the minimum sample give INSUFFICIENT_DATA, never a verdict.</p>
</body></html>`;
}

import { generateColumns, loadProfile } from '../../../datasets/generator';
import { checkedToDriftReport, reportDetails, StoredReportDetails } from '../../../src/drift/drift-report.mapper';
import { DriftReport } from '../../../src/drift/models/drift-report.model';
import { renderDriftReportHtml } from '../../../src/drift/report/drift-report.html';
import { baselineColumnKinds, baselineColumns } from '../../../src/drift-engine/baseline-columns';
import { checkDrift } from '../../../src/drift-engine/check';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { loadScorer } from '../../../src/model/scorer';

/**
 * The HTML drift report's score-shift section and its joint-distribution (multivariate) column,
 * on a report the real engine produced: a batch whose loan amounts were attached to the wrong
 * applications (every marginal unchanged, the income–loan relation broken), scored by the
 * shipped model artifact so the report carries its score-shift decomposition.
 */

const JOINT_LABEL = 'Joint distribution (multivariate): reconstruction error';
const CHART_LABEL = 'Contribution of each feature to the change in mean log-odds';

function engineReport(): { report: DriftReport; details: StoredReportDetails } {
  const profile = loadProfile();
  const { scorer } = loadScorer('artifacts/model.json');
  expect(scorer.logOddsWeights).toBeDefined();
  const baseline = generateColumns(profile, 4000, { seed: 11 });
  const baselineProfile = buildBaselineProfile(baselineColumns(baseline.columns, scorer.score(baseline.columns)), baselineColumnKinds());
  const current = generateColumns(profile, 1000, { seed: 12, scenario: 'loan_income_decoupled' });
  const result = checkDrift(
    baselineProfile,
    baselineColumns(current.columns, scorer.score(current.columns)),
    {},
    {
      logOddsWeights: scorer.logOddsWeights,
    },
  );
  const checked = { id: '00000000-0000-4000-8000-000000000001', createdAt: new Date('2026-03-01T12:00:00Z'), baselineVersion: 3, result };
  return { report: checkedToDriftReport(checked, 'BATCH', scorer.modelVersion, 'decoupled-1'), details: reportDetails(result, 3) };
}

/** The markup between the opening tag that contains `marker` and the next `</closing>`. */
function slice(html: string, marker: string, closing: string): string {
  const start = html.indexOf(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf(closing, start) + closing.length);
}

/**
 * A figure as the report prints it (svg-charts formatNumber): 3 significant digits, or 2 in
 * exponent form below 1e-3 and from 1e5; so within half a unit of the last digit shown.
 */
function expectShown(shown: string, actual: number): void {
  const magnitude = Math.abs(actual);
  const relative = magnitude < 1e-3 || magnitude >= 1e5 ? 0.05 : 0.005;
  expect(Math.abs(Number(shown) - actual)).toBeLessThanOrEqual(relative * magnitude + 1e-12);
}

const attribute = (tag: string, name: string): string => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)![1];

describe('HTML drift report: which features moved the scores, and the joint distribution', () => {
  const view = engineReport();
  const html = renderDriftReportHtml(view);
  const shift = view.report.scoreShift!;

  it('the engine report has what the sections draw: a decomposition and a drifted multivariate row', () => {
    expect(shift.contributions.length).toBe(8);
    expect(view.report.features.find((f) => f.feature === 'multivariate')).toMatchObject({
      drifted: true,
      evaluated: true,
      kind: 'numeric',
    });
  });

  it('states the total change in mean log-odds, signed', () => {
    const section = slice(html, '<section id="score-shift">', '</section>');
    const total = /<b class="total">([^<]+)<\/b>/.exec(section)![1];
    expect(Number(total)).toBeCloseTo(shift.total, 2);
    expect(total.startsWith(shift.total > 0 ? '+' : '-')).toBe(true);
    // The contributions are exact: they sum to the total the section states.
    expect(shift.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(shift.total, 12);
  });

  it('draws one signed bar per feature, largest |contribution| first, right of zero when it raised the log-odds', () => {
    const chart = slice(html, `aria-label="${CHART_LABEL}"`, '</svg>');
    const zero = Number(attribute(/<line [^>]*>/.exec(chart)![0], 'x1'));
    const bars = [...chart.matchAll(/<rect class="bar"[^>]*>/g)].map((m) => m[0]);
    const labels = [...chart.matchAll(/<title>([^:<]+):/g)].map((m) => m[1]);
    expect(labels).toEqual(shift.contributions.map((c) => c.feature));
    const magnitudes = shift.contributions.map((c) => Math.abs(c.contribution));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    bars.forEach((bar, i) => {
      const c = shift.contributions[i].contribution;
      const x = Number(attribute(bar, 'x'));
      const width = Number(attribute(bar, 'width'));
      expect(attribute(bar, 'data-sign')).toBe(c >= 0 ? '+' : '-');
      if (c >= 0) expect(x).toBeCloseTo(zero, 1);
      else expect(x + width).toBeCloseTo(zero, 0);
    });
    // One scale: the largest bar is the longest, and lengths keep their ratio (to the drawing's 0.1 px).
    const widths = bars.map((bar) => Number(attribute(bar, 'width')));
    expect(Math.max(...widths)).toBe(widths[0]);
    if (magnitudes[1] / magnitudes[0] > 0.05) expect(widths[1] / widths[0]).toBeCloseTo(magnitudes[1] / magnitudes[0], 1);
  });

  it('tabulates feature, baseline mean, current mean, contribution and share in the same order', () => {
    const table = slice(html, '<table class="shift">', '</table>');
    const rows = [
      ...table.matchAll(
        /<tr data-feature="([^"]+)"><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
      ),
    ];
    expect(rows.map((r) => r[1])).toEqual(shift.contributions.map((c) => c.feature));
    rows.forEach((row, i) => {
      const c = shift.contributions[i];
      expectShown(row[2], c.baselineMean);
      expectShown(row[3], c.currentMean);
      expectShown(row[4], c.contribution);
      expect(row[5]).toBe(`${(c.share * 100).toFixed(c.share < 0.1 ? 1 : 0)}%`);
    });
    const shares = rows.reduce((s, r) => s + Number(r[5].replace('%', '')), 0);
    expect(shares).toBeGreaterThan(98);
    expect(shares).toBeLessThan(102);
  });

  it('labels the multivariate row for people, explains it in a line, and draws its error histograms', () => {
    const tableRow = slice(html, '<a href="#f-multivariate">', '</tr>');
    expect(tableRow).toContain(JOINT_LABEL);
    expect(tableRow).toContain('<span class="badge drift">drift</span>');
    const section = slice(html, '<section id="f-multivariate"', '</section>');
    expect(section).toContain(`<h3>${JOINT_LABEL} <span class="badge drift">drift</span></h3>`);
    expect(section).toMatch(
      /<p class="explain">Each row&#39;s distance from the baseline&#39;s correlation structure .*65% of the variance.*wrong applications\)\.<\/p>/,
    );
    expect(section).toContain('Reconstruction errors, reference vs current (share of rows per bin)');
    const histogram = slice(section, `aria-label="${JOINT_LABEL} histogram"`, '</svg>');
    const bins = view.details.features.find((f) => f.feature === 'multivariate')!.histogram.reference.length;
    expect(bins).toBeGreaterThan(5);
    // Reference and current bars per bin.
    expect(histogram.match(/<rect /g)!.length).toBe(2 * bins);
    expect(section).toContain(`aria-label="${JOINT_LABEL} ECDF"`);
    expect(html).toMatch(/drifted features<b>[^<]*joint distribution \(multivariate\)/);
  });

  it('stays self-contained: no script, no external reference', () => {
    expect(html).not.toMatch(/<script|\ssrc=|href="(?!#|data:)/i);
  });

  it('says why there is no decomposition: none computed (stored null) vs a report from before it existed (no key)', () => {
    const none = renderDriftReportHtml({ report: { ...view.report, scoreShift: null }, details: { ...view.details, scoreShift: null } });
    const noneSection = slice(none, '<section id="score-shift">', '</section>');
    expect(noneSection).toContain('No decomposition for this report: it needs a scoring model whose log-odds are linear in the features');
    expect(noneSection).not.toContain('<svg');
    const { scoreShift: _dropped, ...older } = view.details;
    const old = renderDriftReportHtml({ report: { ...view.report, scoreShift: null }, details: older });
    expect(slice(old, '<section id="score-shift">', '</section>')).toContain(
      'written before drift reports split the score change by feature',
    );
  });

  it('escapes stored names and survives non-numeric stored figures (details are free JSON)', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const stored = {
      total: 'x',
      contributions: [
        { feature: hostile, contribution: 0.2, share: 0.8, baselineMean: 1, currentMean: 2 },
        { feature: 'loanAmount', contribution: '"><script>', share: null, baselineMean: 'n/a', currentMean: 3 },
      ],
    } as unknown as DriftReport['scoreShift'];
    const rendered = renderDriftReportHtml({ report: { ...view.report, scoreShift: stored }, details: view.details });
    expect(rendered).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(rendered).not.toMatch(/<img|<script/i);
    expect(rendered).not.toContain('NaN');
    const section = slice(rendered, '<section id="score-shift">', '</section>');
    expect(section).toContain('<b class="total">–</b>');
    // The unreadable contribution keeps its row (and its place in the order) but draws no bar.
    expect(section.match(/<rect class="bar"/g)!.length).toBe(1);
    expect(section).toContain('<tr data-feature="loanAmount"><td>loanAmount</td><td>–</td><td>3</td><td>–</td><td>–</td></tr>');
  });
});

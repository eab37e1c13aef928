import { GradeValidation, TrafficLight, ValidationReport } from '../../../src/model/validation-report-types';
import { renderValidationReportHtml, ValidationReportHtmlContext } from '../../../src/performance/report/validation-report-html';

/**
 * The HTML validation report on hand-made report objects (the renderer draws what it is given; the
 * statistics are tested where they are computed): content, escaping, "n/a" with a reason for every
 * null, traffic-light badges that never let "insufficient data" read as a pass, and the two charts.
 */

const BOUNDS = [0, 0.01, 0.02, 0.04, 0.08, 0.15, 0.25, 0.4, 1];

type GradeRow = [
  count: number,
  defaults: number,
  pd: number,
  jeffreysP: number,
  binomialP: number,
  light: TrafficLight,
  interval: [number, number],
];

const GRADE_ROWS: GradeRow[] = [
  [400, 2, 0.005, 0.52, 0.59, 'GREEN', [0.0011, 0.0163]],
  [350, 6, 0.015, 0.41, 0.44, 'GREEN', [0.0072, 0.0345]],
  [300, 16, 0.03, 0.032, 0.028, 'YELLOW', [0.0321, 0.0829]],
  [250, 14, 0.06, 0.48, 0.51, 'GREEN', [0.0326, 0.0904]],
  [200, 41, 0.11, 3.2e-7, 2.1e-7, 'RED', [0.1525, 0.2638]],
  [150, 29, 0.2, 0.55, 0.6, 'GREEN', [0.1358, 0.2611]],
  [100, 33, 0.32, 0.6, 0.64, 'GREEN', [0.2456, 0.4254]],
  [12, 8, 0.6, 0.72, 0.44, 'INSUFFICIENT_DATA', [0.3853, 0.8786]],
];

const ROWS = GRADE_ROWS.reduce((s, r) => s + r[0], 0);

function grades(): GradeValidation[] {
  return GRADE_ROWS.map(([count, defaults, pd, jeffreysPValue, binomialPValue, trafficLight, jeffreysInterval], i) => ({
    grade: i + 1,
    pdLower: BOUNDS[i],
    pdUpper: BOUNDS[i + 1],
    count,
    defaults,
    pd,
    observedDefaultRate: defaults / count,
    jeffreysPValue,
    binomialPValue,
    trafficLight,
    jeffreysInterval,
    share: count / ROWS,
    developmentShare: 1 / GRADE_ROWS.length,
  }));
}

function fullReport(): ValidationReport {
  const defaults = GRADE_ROWS.reduce((s, r) => s + r[1], 0);
  return {
    rows: ROWS,
    defaults,
    rocAuc: 0.7812,
    rocAucStandardError: 0.0153,
    rocAucCi: [0.7512, 0.8112],
    gini: 0.5624,
    giniCi: [0.5024, 0.6224],
    ksSeparation: 0.4213,
    hosmerLemeshow: { statistic: 31.27, degreesOfFreedom: 8, pValue: 1.23e-4 },
    herfindahl: 0.0412,
    aucDeclineTest: { initialAuc: 0.8, statistic: 1.229, pValue: 0.1096, significant: false },
    grades: grades(),
    portfolio: {
      count: ROWS,
      defaults,
      pd: 0.0741,
      observedDefaultRate: defaults / ROWS,
      jeffreysPValue: 0.0071,
      binomialPValue: 0.0069,
      trafficLight: 'RED',
      jeffreysInterval: [0.0743, 0.0993],
    },
    gradePsi: 0.0873,
    rocCurve: [
      { falsePositiveRate: 0, truePositiveRate: 0 },
      { falsePositiveRate: 0.05, truePositiveRate: 0.31 },
      { falsePositiveRate: 0.2, truePositiveRate: 0.62 },
      { falsePositiveRate: 0.45, truePositiveRate: 0.85 },
      { falsePositiveRate: 0.7, truePositiveRate: 0.96 },
      { falsePositiveRate: 1, truePositiveRate: 1 },
    ],
    settings: { yellowPValue: 0.05, redPValue: 0.01, minGradeObligors: 20, minClassCount: 5, confidence: 0.95 },
    failed: true,
    failures: ['The portfolio traffic light is RED: Jeffreys p = 0.0071 < 0.01.'],
  };
}

const CONTEXT: ValidationReportHtmlContext = {
  title: 'Validation report credit-lr-2026.03',
  modelVersion: 'credit-lr-2026.03',
  period: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') },
  source: null,
  generatedAt: new Date('2026-04-02T09:30:00Z'),
  masterScaleRule: 'boundaries given at training time',
};

/** The markup from the first occurrence of `marker` to the next `closing` (inclusive). */
function slice(html: string, marker: string, closing: string): string {
  const start = html.indexOf(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = html.indexOf(closing, start);
  expect(end).toBeGreaterThan(start);
  return html.slice(start, end + closing.length);
}

const attribute = (tag: string, name: string): string => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)![1];

/** The cells' markup of the table row with this data-grade. */
function gradeCells(html: string, grade: number): string[] {
  const row = slice(html, `<tr data-grade="${grade}"`, '</tr>');
  return [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
}

/** Every element's text with the markup removed: what a reader sees (entities still encoded). */
const visibleText = (html: string): string => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ');

describe('HTML validation report', () => {
  const report = fullReport();
  const html = renderValidationReportHtml(report, CONTEXT);

  it('heads the page with the model, the period, the time it was generated and the settings', () => {
    expect(html).toContain('<title>Validation report credit-lr-2026.03</title>');
    const scope = slice(html, '<p class="small" id="scope">', '</p>');
    expect(scope).toContain('model credit-lr-2026.03');
    expect(scope).toContain('outcomes from 2026-01-01 to 2026-04-01');
    expect(scope).toContain('generated 2026-04-02T09:30:00.000Z');
    const settings = slice(html, '<table class="settings"', '</table>');
    expect(settings).toContain('red below p = 0.01, yellow below p = 0.05');
    expect(settings).toContain('20 per grade');
    expect(settings).toContain('at least 5 defaults and 5 non-defaults');
    expect(settings).toContain('95% two-sided');
    expect(settings).toContain('boundaries given at training time');
  });

  it('names the source file of a CLI report instead of a period', () => {
    const fromFile = renderValidationReportHtml(report, { ...CONTEXT, period: null, source: 'data/q1-outcomes.csv' });
    const scope = slice(fromFile, '<p class="small" id="scope">', '</p>');
    expect(scope).toContain('data file data/q1-outcomes.csv');
    expect(scope).not.toContain('outcomes from');
  });

  it('states a failed verdict with each failure listed', () => {
    const verdict = slice(html, '<section id="verdict">', '</section>');
    expect(verdict).toContain('<h2>Verdict <span class="badge verdict-failed">failed</span></h2>');
    expect(verdict).toContain('<li>The portfolio traffic light is RED: Jeffreys p = 0.0071 &lt; 0.01.</li>');
    // What deserves a look beside the failure rule: red, yellow and untested grades.
    expect(verdict).toContain('Red grades (PD underestimates the risk): 5.');
    expect(verdict).toContain('Yellow grades: 3.');
    expect(verdict).toMatch(/Grades with insufficient data \(fewer than 20 obligors; not tested, not passing\): 8\./);
  });

  it('says "passed" only when the failure rule was evaluated and did not fire', () => {
    const greenPortfolio = { ...report.portfolio, trafficLight: 'GREEN' as const, jeffreysPValue: 0.2 };
    const passed = renderValidationReportHtml({ ...report, portfolio: greenPortfolio, failed: false, failures: [] }, CONTEXT);
    const verdict = slice(passed, '<section id="verdict">', '</section>');
    expect(verdict).toContain('<span class="badge verdict-passed">passed</span>');
    expect(verdict).not.toContain('class="failures"');
    expect(verdict).toContain('has not declined significantly since initial validation');

    // Too few obligors for the portfolio test: the rule cannot fire, and that is not a pass.
    const thin = renderValidationReportHtml(
      { ...report, portfolio: { ...report.portfolio, count: 12, trafficLight: 'INSUFFICIENT_DATA' }, failed: false, failures: [] },
      CONTEXT,
    );
    const thinVerdict = slice(thin, '<section id="verdict">', '</section>');
    expect(thinVerdict).toContain('<span class="badge verdict-inconclusive">inconclusive</span>');
    expect(thinVerdict).toContain('too few obligors (12, minimum 20)');
    expect(thinVerdict).not.toContain('passed');
  });

  it('shows every summary figure, p-values near zero in exponent form', () => {
    const summary = slice(html, '<div class="summary" id="summary">', '\n</div>');
    const tileOf = (id: string): string => slice(summary, `<div class="tile" id="tile-${id}">`, '</div>');
    expect(tileOf('rows')).toContain('<b>1,762</b>');
    expect(tileOf('defaults')).toContain(`<b>${report.defaults}</b>`);
    expect(tileOf('default-rate')).toContain(`<b>${Number(((report.defaults / ROWS) * 100).toPrecision(3))}% vs 7.41%</b>`);
    expect(tileOf('default-rate')).toContain('Jeffreys 95% [7.43%, 9.93%]');
    expect(tileOf('portfolio')).toContain('data-light="RED"');
    expect(tileOf('portfolio')).toContain('Jeffreys p 0.0071 · binomial p 0.0069');
    expect(tileOf('auc')).toContain('<b>0.781 ± 0.0153</b>');
    expect(tileOf('auc')).toContain('95% CI [0.751, 0.811]');
    expect(tileOf('gini')).toContain('<b>0.562</b>');
    expect(tileOf('gini')).toContain('95% CI [0.502, 0.622]');
    expect(tileOf('ks')).toContain('<b>0.421</b>');
    expect(tileOf('hosmer-lemeshow')).toContain('χ² 31.3');
    expect(tileOf('hosmer-lemeshow')).toContain('8 dof · p 1.2e-4');
    expect(tileOf('herfindahl')).toContain('<b>0.0412</b>');
    expect(tileOf('grade-psi')).toContain('<b>0.0873</b>');
    expect(tileOf('auc-decline')).toContain('no significant decline');
    expect(tileOf('auc-decline')).toContain('initial AUC 0.8 · z 1.23 · p 0.11');

    const significant = renderValidationReportHtml(
      { ...report, aucDeclineTest: { initialAuc: 0.85, statistic: 4.45, pValue: 4.3e-6, significant: true } },
      CONTEXT,
    );
    const decline = slice(significant, '<div class="tile" id="tile-auc-decline">', '</div>');
    expect(decline).toContain('<span class="badge verdict-failed">significant decline</span>');
    expect(decline).toContain('p 4.3e-6');
  });

  it('tabulates each grade: range, obligors, shares, defaults, PD, observed rate, interval, p-values and light', () => {
    expect(html.match(/<tr data-grade="/g)!.length).toBe(8);
    expect(gradeCells(html, 1)).toEqual([
      '1',
      '[0%, 1%)',
      '400',
      `${Number(((400 / ROWS) * 100).toPrecision(3))}%`,
      '12.5%',
      '2',
      '0.5%',
      '0.5%',
      '[0.11%, 1.63%]',
      '0.52',
      '0.59',
      expect.stringContaining('>green</span>'),
    ]);
    const fifth = gradeCells(html, 5);
    expect(fifth[1]).toBe('[8%, 15%)');
    expect(fifth[7]).toBe('20.5%');
    expect(fifth[9]).toBe('3.2e-7');
    expect(fifth[10]).toBe('2.1e-7');
    // The last grade's upper end is inclusive (p = 1 belongs to it).
    expect(gradeCells(html, 8)[1]).toBe('[40%, 100%]');
    const portfolio = slice(html, '<tr id="portfolio-row">', '</tr>');
    expect(portfolio).toContain('<td>portfolio</td>');
    expect(portfolio).toContain('data-light="RED"');
  });

  it('badges each light in colour and words; insufficient data never looks like a pass', () => {
    const badge = (grade: number): string => gradeCells(html, grade)[11];
    expect(badge(1)).toMatch(/^<span class="badge tl-green" data-light="GREEN" title="[^"]+">green<\/span>$/);
    expect(badge(3)).toMatch(/class="badge tl-yellow"[^>]*>yellow<\/span>/);
    expect(badge(5)).toMatch(/class="badge tl-red"[^>]*>red<\/span>/);
    const insufficient = badge(8);
    expect(insufficient).toMatch(/class="badge tl-insufficient" data-light="INSUFFICIENT_DATA"[^>]*>insufficient data<\/span>/);
    expect(attribute(insufficient, 'title')).toBe('Fewer than 20 obligors: too few for the test to mean anything. Not a pass.');
    expect(insufficient).not.toMatch(/green|passed/);
    // The insufficient badge's style is not the green one.
    const css = slice(html, '<style>', '</style>');
    expect(css).toMatch(/\.tl-insufficient\{background:#fff;/);
    expect(css).toMatch(/\.tl-green,\.verdict-passed\{background:#2ca02c\}/);
  });

  it('shows every null as "n/a" with the reason on hover', () => {
    const empty: GradeValidation = {
      ...report.grades[7],
      count: 0,
      defaults: 0,
      pd: null,
      observedDefaultRate: null,
      jeffreysPValue: null,
      binomialPValue: null,
      jeffreysInterval: null,
      share: 0,
      developmentShare: null,
      trafficLight: 'INSUFFICIENT_DATA',
    };
    const thin: ValidationReport = {
      ...report,
      defaults: 3,
      rocAuc: null,
      rocAucStandardError: null,
      rocAucCi: null,
      gini: null,
      giniCi: null,
      ksSeparation: null,
      hosmerLemeshow: { statistic: null, degreesOfFreedom: 7, pValue: 0 },
      herfindahl: null,
      gradePsi: null,
      aucDeclineTest: { initialAuc: null, statistic: null, pValue: null, significant: false },
      grades: [...report.grades.slice(0, 7), empty],
      rocCurve: [],
      failed: false,
      failures: [],
    };
    const rendered = renderValidationReportHtml(thin, { ...CONTEXT, modelVersion: null, masterScaleRule: null });
    const naTitles = [...rendered.matchAll(/<span class="na" title="([^"]*)">n\/a<\/span>/g)].map((m) => m[1]);
    const fewDefaults = `Too few defaults or non-defaults: discrimination statistics need at least 5 of each; this sample has 3 defaults and ${ROWS - 3} non-defaults.`;
    expect(naTitles).toContain(fewDefaults);
    expect(naTitles).toContain('Not tested: no initial-validation AUC was given and the model card has none.');
    expect(naTitles).toContain('Infinite: a grade whose PD is 0 or 1 had a default count other than N·PD (p-value 0).');
    expect(naTitles).toContain('The master scale carries no development counts to compare the grade distribution with.');
    expect(naTitles).toContain('The master scale carries no development count for this grade.');
    expect(naTitles).toContain('Empty grade: no obligors fell into it.');
    expect(naTitles).toContain('The model version is not known for this report.');
    expect(naTitles).toContain('The master scale’s rule is not known for this report.');
    expect(naTitles.every((t) => t.length > 10)).toBe(true);

    expect(slice(rendered, 'id="tile-auc"', '</div>')).toContain(`<b><span class="na" title="${fewDefaults}">n/a</span></b>`);
    expect(slice(rendered, 'id="tile-auc-decline"', '</div>')).toContain('>not tested</span>');
    const emptyCells = gradeCells(rendered, 8);
    expect(emptyCells[3]).toBe('0%');
    for (const i of [4, 6, 7, 8, 9, 10]) expect(emptyCells[i]).toMatch(/^<span class="na" title="[^"]+">n\/a<\/span>$/);
    expect(slice(rendered, '<tr data-grade="8"', '</tr>')).toContain('class="empty"');

    // Nothing leaks the JavaScript spelling of a missing number.
    expect(visibleText(rendered)).not.toMatch(/\b(NaN|undefined|null|Infinity)\b/);
    expect(rendered).toContain('No ROC curve to draw.');
    // The AUC decline could not be tested: said in the verdict, not glossed as a pass of that test.
    const verdict = slice(rendered, '<section id="verdict">', '</section>');
    expect(verdict).toContain('the AUC decline could not be tested');
    expect(verdict).toContain('AUC decline: Not tested: no initial-validation AUC was given');
  });

  it('escapes all text: title, model version, source, failures, master-scale rule', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const rendered = renderValidationReportHtml(
      { ...report, failures: [`<script>alert("x")</script> & more`] },
      {
        ...CONTEXT,
        title: `Report ${hostile}`,
        modelVersion: `v1 "${hostile}"`,
        period: null,
        source: `q1'"><b>.csv`,
        masterScaleRule: `rule ${hostile}`,
      },
    );
    expect(rendered).not.toMatch(/<img|<script|<b>\.csv/i);
    expect(rendered).toContain('<title>Report &lt;img src=x onerror=alert(1)&gt;</title>');
    expect(rendered).toContain('model v1 &quot;&lt;img src=x onerror=alert(1)&gt;&quot;');
    expect(rendered).toContain('data file q1&#39;&quot;&gt;&lt;b&gt;.csv');
    expect(rendered).toContain('<li>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</li>');
    expect(rendered).toContain('rule &lt;img src=x onerror=alert(1)&gt;');
  });

  it('stays self-contained: no script, no external reference', () => {
    expect(html).not.toMatch(/<script|\ssrc=|href="(?!#|data:)|url\(|@import/i);
  });

  describe('the calibration chart', () => {
    const chart = slice(html, '<svg xmlns="http://www.w3.org/2000/svg" class="chart calibration"', '</svg>');
    const viewBox = attribute(chart, 'viewBox').split(' ').map(Number);

    it('draws one PD marker, one observed-rate marker and one Jeffreys bar per grade', () => {
      const pd = [...chart.matchAll(/<path class="pd-point" data-grade="(\d+)"/g)].map((m) => Number(m[1]));
      const observed = [...chart.matchAll(/class="observed-point[^"]*" data-grade="(\d+)"/g)].map((m) => Number(m[1]));
      const bars = [...chart.matchAll(/<g class="jeffreys-interval" data-grade="(\d+)"/g)].map((m) => Number(m[1]));
      expect(pd).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(observed).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(bars).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(chart).toContain('<title>grade 5: observed 20.5% (41 of 200 obligors)</title>');
      expect(chart).toContain('<title>grade 5: Jeffreys 95% interval [15.3%, 26.4%]</title>');
    });

    it('puts a higher PD higher on a labelled log axis, every mark inside the drawing', () => {
      const pdY = [...chart.matchAll(/<path class="pd-point" data-grade="\d+" d="M[\d.]+,([\d.]+) /g)].map((m) => Number(m[1]) + 5);
      expect(pdY).toHaveLength(8);
      pdY.forEach((y, i) => {
        expect(y).toBeGreaterThan(0);
        expect(y).toBeLessThan(viewBox[3]);
        if (i > 0) expect(y).toBeLessThan(pdY[i - 1]);
      });
      // Log scale: 0.5% → 1% and 30% → 60% span the same height (grades 1→… are not evenly spaced in PD).
      const decade = (a: number, b: number): number => Math.log10(b / a);
      expect((pdY[0] - pdY[7]) / decade(0.005, 0.6)).toBeCloseTo((pdY[3] - pdY[7]) / decade(0.06, 0.6), 0);
      expect(chart).toContain('default rate (log scale)');
      expect(chart).toContain('rating grade (1 = lowest PD)');
      expect(chart).toMatch(/>0\.1%<\/text>/);
      expect(chart).toMatch(/>100%<\/text>/);
      expect(chart).toContain('grade PD (mean model PD)');
      expect(chart).toContain('observed default rate, Jeffreys 95% interval');
      expect(chart).not.toContain('NaN');
    });

    it('draws a zero default rate on the axis, and skips the markers of an empty grade', () => {
      const zero = { ...report.grades[0], defaults: 0, observedDefaultRate: 0, jeffreysInterval: [1.2e-6, 0.0062] as [number, number] };
      const empty = { ...report.grades[7], count: 0, defaults: 0, pd: null, observedDefaultRate: null, jeffreysInterval: null };
      const rendered = renderValidationReportHtml({ ...report, grades: [zero, ...report.grades.slice(1, 7), empty] }, CONTEXT);
      const drawn = slice(rendered, 'class="chart calibration"', '</svg>');
      expect(drawn.match(/class="pd-point"/g)!.length).toBe(7);
      expect(drawn.match(/class="observed-point/g)!.length).toBe(7);
      expect(drawn).toContain('class="observed-point zero" data-grade="1"');
      expect(drawn).toContain('no defaults: a rate of 0 is drawn on the axis');
      // The tiny Jeffreys lower bound does not stretch the axis below the PDs' decade.
      expect(drawn).toMatch(/>0\.1%<\/text>/);
      expect(drawn).not.toMatch(/>0\.01%<\/text>/);
      // The empty grade keeps its place on the x axis.
      expect(drawn).toMatch(/text-anchor="middle">8<\/text>/);
    });
  });

  describe('the ROC chart', () => {
    const chart = slice(html, '<svg xmlns="http://www.w3.org/2000/svg" class="chart roc"', '</svg>');

    it('draws the curve through every ROC point, from (0,0) to (1,1), over the diagonal', () => {
      const path = attribute(/<path class="roc-curve"[^>]*>/.exec(chart)![0], 'd');
      const points = [...path.matchAll(/([ML])([\d.]+),([\d.]+)/g)].map((m) => [Number(m[2]), Number(m[3])]);
      expect(points).toHaveLength(report.rocCurve.length);
      expect(path.startsWith('M')).toBe(true);
      const diagonal = /<line class="chance" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/.exec(chart)!;
      const [x0, y0, x1, y1] = diagonal.slice(1).map(Number);
      expect(points[0]).toEqual([x0, y0]);
      expect(points[points.length - 1]).toEqual([x1, y1]);
      // Every inner point of this curve lies above the chance line (smaller y in SVG).
      for (const [x, y] of points.slice(1, -1)) expect(y).toBeLessThan(y0 + ((x - x0) / (x1 - x0)) * (y1 - y0));
    });

    it('shows the AUC in the legend and labels both axes', () => {
      expect(chart).toContain('ROC curve (AUC 0.781)');
      expect(chart).toContain('chance (AUC 0.5)');
      expect(chart).toContain('false positive rate (non-defaults flagged)');
      expect(chart).toContain('true positive rate (defaults flagged)');
    });
  });
});

import { join } from 'node:path';
import { checkCsv, profileFromCsv } from '../../../src/drift/drift-files';
import { checkedToDriftReport, reportDetails } from '../../../src/drift/drift-report.mapper';
import { renderDriftReportHtml } from '../../../src/drift/report/drift-report.html';
import { DEFAULT_DRIFT_CONFIG } from '../../../src/drift-engine/config';
import { compareGradeDistribution, countGrades, GradeDistributionResult } from '../../../src/drift-engine/grade-distribution';
import { homogeneityTest } from '../../../src/drift-engine/permutation-chi-square';
import { DriftCheckResult } from '../../../src/drift-engine/result-types';
import { gradeIndexOf, MasterScale } from '../../../src/model/master-scale';
import { loadScorer } from '../../../src/model/scorer';
import { chiSquareTwoSample } from '../../../src/stats/chi-square';
import { jensenShannonDivergence } from '../../../src/stats/jensen-shannon';
import { populationStabilityIndex, psiNoiseExpectation } from '../../../src/stats/psi';
import { generatedCsvFolder } from '../../support/generated-data';

/**
 * The rating-grade distribution of a drift check (grade-distribution.ts): current counts per grade
 * against the master scale's development counts, by PSI and the two-sample chi-square.
 */

/** A scale with the given inner boundaries and development counts per grade. */
function scaleOf(boundaries: number[], developmentCounts: number[]): MasterScale {
  const edges = [0, ...boundaries, 1];
  return {
    rule: 'test scale',
    grades: developmentCounts.map((developmentCount, i) => ({ grade: i + 1, pdLower: edges[i], pdUpper: edges[i + 1], developmentCount })),
  };
}

const FIVE = scaleOf([0.05, 0.1, 0.2, 0.4], [120, 260, 310, 200, 110]);

describe('countGrades', () => {
  it('counts a probability in the grade with pdLower <= p < pdUpper: a boundary value goes up, p = 1 into the last grade', () => {
    const probabilities = [0, 0.0499, 0.05, 0.1, 0.15, 0.2, 0.39999, 0.4, 0.99, 1];
    expect(countGrades(FIVE, probabilities)).toEqual([2, 1, 2, 2, 3]);
    // The same as gradeIndexOf row by row.
    const byIndex = [0, 0, 0, 0, 0];
    for (const p of probabilities) byIndex[gradeIndexOf(FIVE, p)]++;
    expect(countGrades(FIVE, probabilities)).toEqual(byIndex);
  });

  it('leaves out what has no grade: NaN and values outside [0, 1]', () => {
    expect(countGrades(FIVE, [NaN, -0.1, 1.5, Infinity, 0.3])).toEqual([0, 0, 0, 1, 0]);
  });
});

describe('compareGradeDistribution', () => {
  const current = [40, 90, 120, 100, 90];
  const result = compareGradeDistribution(FIVE, current);

  it('lists every grade with its bounds, development and current counts and shares', () => {
    expect(result.rowCount).toBe(440);
    expect(result.developmentRowCount).toBe(1000);
    expect(result.grades).toHaveLength(5);
    result.grades.forEach((g, i) => {
      expect(g).toEqual({
        grade: i + 1,
        pdLower: FIVE.grades[i].pdLower,
        pdUpper: FIVE.grades[i].pdUpper,
        developmentCount: FIVE.grades[i].developmentCount,
        developmentShare: FIVE.grades[i].developmentCount / 1000,
        count: current[i],
        share: current[i] / 440,
      });
    });
  });

  it('PSI, its noise excess and the Jensen–Shannon gate are the src/stats figures over the grades', () => {
    const development = FIVE.grades.map((g) => g.developmentCount);
    const psi = populationStabilityIndex(development, current);
    expect(result.psi).toBe(psi);
    expect(result.psiExcess).toBe(Math.max(0, psi - psiNoiseExpectation(5, 1000, 440)));
    const divergence = jensenShannonDivergence(development, current);
    expect(result.jensenShannon).toBe(Math.sqrt(divergence / Math.LN2));
    expect(result.effectSize).toBe(Math.sqrt((divergence - (4 * (1 / 1000 + 1 / 440)) / 8) / Math.LN2));
  });

  it('the chi-square is the two-sample homogeneity test, equal to scipy.stats.chi2_contingency', () => {
    // python3 -c "from scipy.stats import chi2_contingency; r = chi2_contingency([[120,260,310,200,110],[40,90,120,100,90]]);
    //   print(repr(r.statistic), repr(r.pvalue), r.dof, r.expected_freq.min())"
    // → 28.371174871639983 1.0488400216102534e-05 4 48.888888888888886 (every expected count ≥ 5: asymptotic)
    expect(result.chiSquare).toEqual({
      statistic: expect.any(Number),
      degreesOfFreedom: 4,
      pValue: expect.any(Number),
      pValueMethod: 'asymptotic',
    });
    expect(Math.abs(result.chiSquare!.statistic - 28.371174871639983)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(result.chiSquare!.pValue - 1.0488400216102534e-5)).toBeLessThanOrEqual(1e-9 * 1.0488400216102534e-5 + 1e-15);
    const stats = chiSquareTwoSample(
      FIVE.grades.map((g) => g.developmentCount),
      current,
    );
    expect(result.chiSquare!.statistic).toBe(stats.statistic);
    expect(result.chiSquare!.pValue).toBe(stats.pValue);
  });

  it('is DRIFT with p far below alpha and a material shift, with the levels it was judged at', () => {
    expect(result.status).toBe('DRIFT');
    expect(result.alpha).toBe(DEFAULT_DRIFT_CONFIG.alpha);
    expect(result.psiThreshold).toBe(DEFAULT_DRIFT_CONFIG.psiThreshold);
    expect(result.effectThreshold).toBe(DEFAULT_DRIFT_CONFIG.jensenShannonThreshold);
    expect(result.reason).toMatch(/^the grade mix moved since development: chi-square p=1\.05e-5/);
  });

  it('a sample drawn in the development proportions is STABLE', () => {
    // python3 -c "from scipy.stats import chi2_contingency; r = chi2_contingency([[120,260,310,200,110],[12,27,30,21,12]]);
    //   print(repr(r.statistic), repr(r.pvalue), r.dof)"  → 0.15268450141314877 0.9972300806475273 4
    const same = compareGradeDistribution(FIVE, [12, 27, 30, 21, 12]);
    expect(same.status).toBe('STABLE');
    expect(same.chiSquare!.pValueMethod).toBe('asymptotic');
    expect(Math.abs(same.chiSquare!.statistic - 0.15268450141314877)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(same.chiSquare!.pValue - 0.9972300806475273)).toBeLessThanOrEqual(1e-9);
    expect(same.reason).toMatch(/^no significant change in the grade mix/);
  });

  it('a distribution shifted to the riskier grades is DRIFT, material by PSI', () => {
    const shifted = compareGradeDistribution(FIVE, [10, 40, 100, 150, 140]);
    expect(shifted.status).toBe('DRIFT');
    expect(shifted.psiExcess!).toBeGreaterThanOrEqual(DEFAULT_DRIFT_CONFIG.psiThreshold);
    expect(shifted.chiSquare!.pValue).toBeLessThan(1e-12);
    expect(shifted.reason).toContain('material by PSI');
  });

  it('significant but immaterial (a huge sample, a tiny move) is STABLE, as for a discrete column', () => {
    const big = scaleOf([0.1], [500_000, 500_000]);
    const slight = compareGradeDistribution(big, [495_000, 505_000]);
    expect(slight.chiSquare!.pValue).toBeLessThan(DEFAULT_DRIFT_CONFIG.alpha);
    expect(slight.status).toBe('STABLE');
    expect(slight.reason).toMatch(/^significant .* but not material/);
  });

  it('small expected counts switch to the permutation p-value the engine uses (Monte-Carlo for more than two grades)', () => {
    // python3 -c "from scipy.stats import chi2_contingency; r = chi2_contingency([[120,260,310,200,110],[2,6,10,9,8]]);
    //   print(repr(r.statistic), r.dof, r.expected_freq.min())"  → 6.9471402573652234 4 3.9903381642512077 (< 5)
    const sparse = [2, 6, 10, 9, 8];
    const small = compareGradeDistribution(FIVE, sparse);
    const engine = homogeneityTest(
      FIVE.grades.map((g) => g.developmentCount),
      sparse,
    );
    expect(small.chiSquare).toEqual({
      statistic: engine.statistic,
      degreesOfFreedom: 4,
      pValue: engine.pValue,
      pValueMethod: 'monte_carlo',
      draws: engine.draws,
    });
    expect(Math.abs(small.chiSquare!.statistic - 6.9471402573652234)).toBeLessThanOrEqual(1e-9);
    // Seeded by the table: the same counts give the same p-value.
    expect(compareGradeDistribution(FIVE, sparse).chiSquare!.pValue).toBe(small.chiSquare!.pValue);
  });

  it('two grades with a small expected count get the exact permutation p-value', () => {
    // The exact p: the hypergeometric mass of the tables whose Pearson statistic reaches the observed one,
    // python3 -c "from scipy.stats import chi2_contingency, hypergeom
    //   s = lambda x: chi2_contingency([[770-x, 15-(35-x)], [x, 35-x]], correction=False).statistic
    //   print(repr(s(30)), repr(sum(hypergeom(785, 770, 35).pmf(x) for x in range(20, 36) if s(x) >= s(30) * (1 - 1e-9))))"
    // → 29.93065347351062 0.00028692443298917265
    const two = scaleOf([0.5], [740, 10]);
    const exact = compareGradeDistribution(two, [30, 5]);
    expect(exact.chiSquare!.pValueMethod).toBe('exact');
    expect(exact.chiSquare!.degreesOfFreedom).toBe(1);
    expect(Math.abs(exact.chiSquare!.statistic - 29.93065347351062)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(exact.chiSquare!.pValue - 0.00028692443298917265)).toBeLessThanOrEqual(1e-9);
    expect(exact.reason).toContain('exact permutation p');
  });

  it('fewer rows than the minimum sample are INSUFFICIENT_DATA: shares shown, no statistic, never a verdict', () => {
    const tiny = compareGradeDistribution(FIVE, [0, 0, 5, 10, 14]);
    expect(tiny.status).toBe('INSUFFICIENT_DATA');
    expect(tiny.rowCount).toBe(29);
    expect(tiny).toMatchObject({ psi: null, psiExcess: null, jensenShannon: null, effectSize: null, chiSquare: null });
    expect(tiny.grades[4].share).toBeCloseTo(14 / 29, 15);
    expect(tiny.reason).toBe('insufficient data: 29 graded rows, at least 30 are needed');
    // The configured minimum is the one used.
    expect(compareGradeDistribution(FIVE, [0, 0, 5, 10, 14], { config: { minSampleSize: 20 } }).status).toBe('DRIFT');
    expect(compareGradeDistribution(FIVE, [0, 0, 0, 0, 0]).status).toBe('INSUFFICIENT_DATA');
  });

  it('a scale without development rows has nothing to compare with: INSUFFICIENT_DATA', () => {
    const empty = compareGradeDistribution(scaleOf([0.5], [0, 0]), [20, 20]);
    expect(empty.status).toBe('INSUFFICIENT_DATA');
    expect(empty.grades.map((g) => g.developmentShare)).toEqual([0, 0]);
    expect(empty.reason).toContain('no development rows');
  });

  it('every row in the same single grade on both sides is identical: p = 1, STABLE', () => {
    const single = compareGradeDistribution(scaleOf([0.5], [100, 0]), [50, 0]);
    expect(single.status).toBe('STABLE');
    expect(single.chiSquare).toEqual({ statistic: 0, degreesOfFreedom: 0, pValue: 1, pValueMethod: 'exact' });
  });

  it('judges with the configured alpha and gates', () => {
    const strict = compareGradeDistribution(FIVE, current, { config: { alpha: 1e-6 } });
    expect(strict.alpha).toBe(1e-6);
    expect(strict.status).toBe('STABLE');
    const ungated = compareGradeDistribution(FIVE, [12, 27, 30, 21, 12], {
      config: { alpha: 0.999, psiThreshold: 0, jensenShannonThreshold: 0 },
    });
    expect(ungated.status).toBe('DRIFT');
  });

  it('rejects counts that do not fit the scale', () => {
    expect(() => compareGradeDistribution(FIVE, [1, 2, 3])).toThrow(RangeError);
    expect(() => compareGradeDistribution(FIVE, [1, 2, 3, 4, -1])).toThrow(RangeError);
    expect(() => compareGradeDistribution(FIVE, [1, 2, 3, 4, 0.5])).toThrow(RangeError);
    expect(() => compareGradeDistribution(FIVE, [1, 2, 3, 4, NaN])).toThrow(RangeError);
  });
});

describe('grade distribution in the stored report and the HTML report', () => {
  const gradeDistribution = compareGradeDistribution(FIVE, [10, 40, 100, 150, 140]);
  const result: DriftCheckResult = {
    status: 'STABLE',
    globalScore: 0,
    driftedShare: 0,
    rowCount: 440,
    notEvaluated: [],
    features: [],
    scoreShift: null,
    gradeDistribution,
    warnings: [],
  };
  const checked = { id: '00000000-0000-4000-8000-000000000002', createdAt: new Date('2026-03-01T12:00:00Z'), baselineVersion: 2, result };

  it('is stored in the report details and served on the report, and it leaves the report status alone', () => {
    const details = reportDetails(result, 2);
    expect(details.gradeDistribution).toEqual(gradeDistribution);
    // What is stored survives JSON (jsonb): every figure is finite or null.
    expect(JSON.parse(JSON.stringify(details.gradeDistribution))).toEqual(gradeDistribution);
    const report = checkedToDriftReport(checked, 'BATCH', 'model-x', 'batch-1');
    expect(report.gradeDistribution).toEqual(gradeDistribution);
    expect(report.status).toBe('STABLE');
    expect(reportDetails({ ...result, gradeDistribution: undefined }, 2).gradeDistribution).toBeNull();
  });

  it('draws a "Rating-grade distribution" section: shares per grade, PSI, chi-square p, status and paired bars', () => {
    const view = { report: checkedToDriftReport(checked, 'BATCH', 'model-x', 'batch-1'), details: reportDetails(result, 2) };
    const html = renderDriftReportHtml(view);
    const start = html.indexOf('<section id="grade-distribution">');
    expect(start).toBeGreaterThan(0);
    const section = html.slice(start, html.indexOf('</section>', start));
    expect(section).toContain('<h2>Rating-grade distribution</h2>');
    expect(section).toContain('<span class="badge drift">drift</span>');
    expect(/<b class="psi">([^<]+)<\/b>/.exec(section)![1]).toBe(Number(gradeDistribution.psi!.toPrecision(3)).toString());
    expect(/<b class="p-value">([^<]+)<\/b>/.exec(section)![1]).toMatch(/^[0-9.e+-]+ \(chi-square distribution, 4 df\)$/);
    const rows = [...section.matchAll(/<tr data-grade="(\d+)"><td>\d+<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)];
    expect(rows.map((r) => r[1])).toEqual(['1', '2', '3', '4', '5']);
    rows.forEach((row, i) => {
      const g = gradeDistribution.grades[i];
      expect(row[2]).toBe(`${(g.developmentShare * 100).toFixed(g.developmentShare < 0.1 ? 1 : 0)}%`);
      expect(row[3]).toBe(`${(g.share * 100).toFixed(g.share < 0.1 ? 1 : 0)}%`);
    });
    const chart = section.slice(section.indexOf('aria-label="Share of rows per rating grade: development vs current"'));
    const heights = (side: string) =>
      [...chart.matchAll(new RegExp(`<rect class="${side}"[^>]*height="([0-9.]+)"`, 'g'))].map((m) => Number(m[1]));
    expect(heights('reference')).toHaveLength(5);
    expect(heights('current')).toHaveLength(5);
    // One scale: the tallest bar is the largest share (grade 4's current 150/440 here).
    expect(Math.max(...heights('current'))).toBe(heights('current')[3]);
  });

  it('says why there is no section content: a model without a master scale, or a report from before', () => {
    const none = { ...result, gradeDistribution: null };
    const html = renderDriftReportHtml({
      report: checkedToDriftReport({ ...checked, result: none }, 'BATCH', 'm', 'b'),
      details: reportDetails(none, 2),
    });
    expect(html).toContain('the scoring model has no master scale');
    const { gradeDistribution: _dropped, ...older } = reportDetails(none, 2);
    const old = renderDriftReportHtml({ report: checkedToDriftReport({ ...checked, result: none }, 'BATCH', 'm', 'b'), details: older });
    expect(old).toContain('written before drift reports compared the rating-grade mix');
  });

  it('escapes what is stored: a grade table from free JSON cannot inject markup', () => {
    const hostile = {
      ...gradeDistribution,
      reason: '<script>alert(1)</script>',
      grades: gradeDistribution.grades.map((g) => ({ ...g, grade: '<img src=x>' as unknown as number })),
    } as GradeDistributionResult;
    const stored = { ...result, gradeDistribution: hostile };
    const html = renderDriftReportHtml({
      report: checkedToDriftReport({ ...checked, result: stored }, 'BATCH', 'm', 'b'),
      details: reportDetails(stored, 2),
    });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x>');
  });
});

describe('the CLI check (drift-files)', () => {
  it('attaches the current file’s grade distribution when the model has a master scale, null when it has none', async () => {
    const { scorer } = loadScorer('artifacts/model.json');
    const reference = generatedCsvFolder(800, 31);
    const current = generatedCsvFolder(400, 32);
    const profile = await profileFromCsv(join(reference.dir, reference.file), scorer);
    const graded = { ...scorer, masterScale: FIVE };
    const withScale = await checkCsv(profile, join(current.dir, current.file), graded);
    const grades = withScale.gradeDistribution!;
    expect(grades.rowCount).toBe(400);
    expect(grades.developmentRowCount).toBe(1000);
    expect(grades.grades.map((g) => g.developmentCount)).toEqual([120, 260, 310, 200, 110]);
    const withoutScale = await checkCsv(profile, join(current.dir, current.file), { ...scorer, masterScale: null });
    expect(withoutScale.gradeDistribution).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeValidationReport, DEFAULT_VALIDATION_SETTINGS } from '../../../src/model/credit-validation';
import { MasterScale, MasterScaleError, masterScaleFromBoundaries } from '../../../src/model/master-scale';
import type { ValidationReport, ValidationSettings } from '../../../src/model/validation-report-types';
import { betaCdf } from '../../../src/stats/beta-distribution';
import { mulberry32, randomNormal } from '../../../src/stats/random';

/** scripts/reference/credit_validation.py: reports computed in Python from issue 14's definitions with scipy / scikit-learn. */
interface ReportCase {
  name: string;
  probabilities: number[];
  labels: number[];
  boundaries: number[];
  developmentCounts: number[];
  initialAuc: number | null;
  settings: Partial<ValidationSettings>;
  expected: Record<string, unknown>;
}

const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'credit-validation.json'), 'utf8')) as {
  reports: ReportCase[];
};

const TOLERANCE = 1e-9;
const UNDERFLOW = 1e-290;

/** A scale with the given inner boundaries and development counts (as stored in an artifact). */
function scaleWith(boundaries: number[], developmentCounts: number[] = []): MasterScale {
  const scale = masterScaleFromBoundaries(boundaries, []);
  scale.grades.forEach((g, i) => (g.developmentCount = developmentCounts[i] ?? 0));
  return scale;
}

/**
 * Walks the expected JSON and compares: integers, strings, booleans and nulls exactly; other
 * numbers to 1e-9 relative (p-values purely relative, with values below 1e-290 counted as 0; other
 * statistics with an absolute floor of 1e-15 for values at 0). Returns the mismatches.
 */
function compare(actual: unknown, expected: unknown, path: string, mismatches: string[]): void {
  if (expected === null || typeof expected !== 'object') {
    if (typeof expected === 'number' && !Number.isInteger(expected)) {
      if (typeof actual !== 'number') {
        mismatches.push(`${path}: ${String(actual)} vs ${expected}`);
        return;
      }
      const pValue = /pvalue$/i.test(path);
      const error = Math.abs(actual - expected);
      const ok = pValue
        ? Math.abs(expected) < UNDERFLOW
          ? Math.abs(actual) < UNDERFLOW
          : error <= TOLERANCE * Math.abs(expected)
        : error <= TOLERANCE * Math.abs(expected) + 1e-15;
      if (!ok) mismatches.push(`${path}: ${actual} vs ${expected} (relative ${(error / Math.abs(expected)).toExponential(2)})`);
    } else if (actual !== expected) {
      mismatches.push(`${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      mismatches.push(`${path}: length ${Array.isArray(actual) ? actual.length : typeof actual} vs ${expected.length}`);
      return;
    }
    expected.forEach((e, i) => compare(actual[i], e, `${path}[${i}]`, mismatches));
    return;
  }
  for (const [key, value] of Object.entries(expected))
    compare((actual as Record<string, unknown>)?.[key], value, `${path}.${key}`, mismatches);
}

function reportOf(c: ReportCase): ValidationReport {
  return computeValidationReport(c.probabilities, c.labels, scaleWith(c.boundaries, c.developmentCounts), {
    initialAuc: c.initialAuc,
    settings: c.settings,
  });
}

describe('computeValidationReport against the scipy reference reports', () => {
  it.each(fixture.reports.map((c) => [c.name, c] as const))('%s: every field within 1e-9', (_name, c) => {
    const report = reportOf(c);
    const comparable = {
      ...report,
      rocCurve: report.rocCurve.map((p) => [p.falsePositiveRate, p.truePositiveRate]),
    };
    const mismatches: string[] = [];
    compare(comparable, c.expected, 'report', mismatches);
    expect(mismatches).toEqual([]);
    // Python does not phrase the failures; it states whether there are any.
    expect(report.failures.length > 0).toBe(c.expected.failed);
  });

  it('the reference cases cover the edge cases of issue 14', () => {
    const reports = fixture.reports.map(reportOf);
    const grades = reports.flatMap((r) => r.grades);
    expect(grades.some((g) => g.count === 0)).toBe(true);
    expect(grades.some((g) => g.count === 1)).toBe(true);
    expect(grades.some((g) => g.count > 1 && g.defaults === 0)).toBe(true);
    expect(grades.some((g) => g.count > 1 && g.defaults === g.count && g.pd === 1)).toBe(true);
    expect(grades.some((g) => g.count > 1 && g.pd === 0)).toBe(true);
    expect(fixture.reports.some((c) => c.probabilities.includes(0) && c.probabilities.includes(1))).toBe(true);
    expect(fixture.reports.some((c) => c.boundaries.some((b) => c.probabilities.includes(b)))).toBe(true);
    expect(reports.some((r) => r.hosmerLemeshow.statistic === null && r.hosmerLemeshow.pValue === 0)).toBe(true);
    expect(reports.some((r) => r.rocAuc === null)).toBe(true);
    expect(reports.some((r) => r.failed) && reports.some((r) => !r.failed)).toBe(true);
    expect(new Set(grades.map((g) => g.trafficLight))).toEqual(new Set(['GREEN', 'RED', 'INSUFFICIENT_DATA']));
  });
});

describe('traffic lights and insufficient data', () => {
  const scale = scaleWith([0.1]);
  /** A one-grade portfolio (grade 1, PD 0.05) of `count` obligors with `defaults` defaults. */
  const gradeOne = (count: number, defaults: number, settings: Partial<ValidationSettings> = {}) => {
    const labels = Array.from({ length: count }, (_, i) => (i < defaults ? 1 : 0));
    return computeValidationReport(new Array<number>(count).fill(0.05), labels, scale, { settings });
  };
  /** Defaults of N obligors at PD 0.05 whose Jeffreys p-value lies in [low, high). */
  const defaultsWithPValue = (count: number, low: number, high: number): number => {
    for (let d = 0; d <= count; d++) {
      const p = betaCdf(0.05, d + 0.5, count - d + 0.5);
      if (p >= low && p < high) return d;
    }
    throw new Error(`no default count of ${count} gives a p-value in [${low}, ${high})`);
  };

  it('GREEN, YELLOW and RED by the Jeffreys p-value once the grade has enough obligors', () => {
    const red = gradeOne(200, defaultsWithPValue(200, 0, 0.01));
    const yellow = gradeOne(200, defaultsWithPValue(200, 0.01, 0.05));
    const green = gradeOne(200, defaultsWithPValue(200, 0.05, 1.01));
    expect([red, yellow, green].map((r) => r.grades[0].trafficLight)).toEqual(['RED', 'YELLOW', 'GREEN']);
    expect([red, yellow, green].map((r) => r.portfolio.trafficLight)).toEqual(['RED', 'YELLOW', 'GREEN']);
    expect(red.grades[0].jeffreysPValue!).toBeLessThan(0.01);
    expect(red.failed).toBe(true);
    expect(yellow.failed).toBe(false);
  });

  it('below minGradeObligors a grade is INSUFFICIENT_DATA unless RED — never GREEN or YELLOW', () => {
    const small = 10;
    expect(gradeOne(small, 0).grades[0].trafficLight).toBe('INSUFFICIENT_DATA');
    expect(gradeOne(small, defaultsWithPValue(small, 0.01, 0.05)).grades[0].trafficLight).toBe('INSUFFICIENT_DATA');
    const red = gradeOne(small, defaultsWithPValue(small, 0, 0.01));
    expect(red.grades[0].trafficLight).toBe('RED');
    expect(red.portfolio.trafficLight).toBe('RED');
    // The same grade passes once the threshold is lowered.
    expect(gradeOne(small, 0, { minGradeObligors: 5 }).grades[0].trafficLight).toBe('GREEN');
  });

  it('an empty grade has no PD, no p-values, no interval, and is INSUFFICIENT_DATA', () => {
    const report = gradeOne(50, 2);
    expect(report.grades[1]).toMatchObject({
      grade: 2,
      count: 0,
      defaults: 0,
      pd: null,
      observedDefaultRate: null,
      jeffreysPValue: null,
      binomialPValue: null,
      jeffreysInterval: null,
      trafficLight: 'INSUFFICIENT_DATA',
      share: 0,
    });
    expect(report.hosmerLemeshow.degreesOfFreedom).toBe(1);
  });

  it('the settings move the levels', () => {
    const d = defaultsWithPValue(200, 0.01, 0.05);
    expect(gradeOne(200, d, { redPValue: 0.05, yellowPValue: 0.2 }).grades[0].trafficLight).toBe('RED');
    expect(gradeOne(200, d, { yellowPValue: 0.005, redPValue: 0.001 }).grades[0].trafficLight).toBe('GREEN');
  });
});

describe('grade assignment: pdLower <= p < pdUpper, the last grade closed at 1', () => {
  it('puts PDs exactly on a boundary in the upper grade', () => {
    const scale = scaleWith([0.01, 0.05]);
    const below = 0.01 - Number.EPSILON / 128; // the double just below 0.01
    expect(below).toBeLessThan(0.01);
    const probabilities = [0, below, 0.01, 0.049999999999999996, 0.05, 0.5, 1];
    const report = computeValidationReport(probabilities, new Array<number>(probabilities.length).fill(0), scale);
    expect(report.grades.map((g) => g.count)).toEqual([2, 2, 3]);
    expect(report.grades[0].pd).toBeCloseTo(below / 2, 18);
    expect(report.grades[1].pd).toBeCloseTo((0.01 + 0.049999999999999996) / 2, 17);
    expect(report.grades[2].pd).toBeCloseTo((0.05 + 0.5 + 1) / 3, 15);
  });
});

describe('input validation', () => {
  const scale = scaleWith([0.1, 0.3]);

  it('names the row and the rule of a bad label or probability', () => {
    expect(() => computeValidationReport([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 2], scale)).toThrow(/labels\[3\] must be 0 or 1, got 2/);
    expect(() => computeValidationReport([0.1, 0.2], [0, NaN], scale)).toThrow(/labels\[1\] must be 0 or 1/);
    for (const bad of [NaN, Infinity, -Infinity, -0.01, 1.01]) {
      expect(() => computeValidationReport([0.1, bad, 0.3], [0, 1, 0], scale)).toThrow(
        new RegExp(`probabilities\\[1\\] must be a finite number in \\[0, 1\\], got ${bad}`),
      );
    }
    expect(() => computeValidationReport([0.1, 0.2], [0], scale)).toThrow(/probabilities has 2 rows but labels has 1/);
  });

  it('rejects inconsistent settings, naming the setting', () => {
    const run = (settings: Partial<ValidationSettings>) => () => computeValidationReport([0.1], [0], scale, { settings });
    expect(run({ redPValue: 0.05, yellowPValue: 0.05 })).toThrow(/settings.redPValue/);
    expect(run({ redPValue: 0 })).toThrow(/settings.redPValue/);
    expect(run({ yellowPValue: 1 })).toThrow(/settings.yellowPValue/);
    expect(run({ yellowPValue: NaN })).toThrow(/settings.yellowPValue must be a finite number/);
    expect(run({ minGradeObligors: 0 })).toThrow(/settings.minGradeObligors/);
    expect(run({ minGradeObligors: 2.5 })).toThrow(/settings.minGradeObligors/);
    expect(run({ minClassCount: 1 })).toThrow(/settings.minClassCount/);
    expect(run({ confidence: 1 })).toThrow(/settings.confidence/);
    expect(run({ confidence: 0 })).toThrow(/settings.confidence/);
    expect(() => computeValidationReport([0.1], [0], scale, { initialAuc: 1.2 })).toThrow(/initialAuc/);
    expect(() => computeValidationReport([0.1], [0], scale, { initialAuc: NaN })).toThrow(/initialAuc/);
  });

  it('takes the defaults, ignores undefined overrides and reports the settings it used', () => {
    const report = computeValidationReport([0.1], [0], scale, { settings: { confidence: 0.9, redPValue: undefined } });
    expect(report.settings).toEqual({ ...DEFAULT_VALIDATION_SETTINGS, confidence: 0.9 });
    expect(DEFAULT_VALIDATION_SETTINGS).toEqual({
      yellowPValue: 0.05,
      redPValue: 0.01,
      minGradeObligors: 20,
      minClassCount: 5,
      confidence: 0.95,
    });
  });

  it('rejects a malformed master scale', () => {
    const broken = scaleWith([0.1, 0.3]);
    broken.grades[1].pdLower = 0.2;
    expect(() => computeValidationReport([0.1], [0], broken)).toThrow(MasterScaleError);
  });
});

describe('degenerate portfolios', () => {
  const scale = scaleWith([0.1, 0.3], [10, 20, 30]);

  it('no rows: empty grades, every statistic null, not failed', () => {
    const report = computeValidationReport([], [], scale, { initialAuc: 0.8 });
    expect(report).toMatchObject({
      rows: 0,
      defaults: 0,
      rocAuc: null,
      rocAucStandardError: null,
      rocAucCi: null,
      gini: null,
      giniCi: null,
      ksSeparation: null,
      hosmerLemeshow: { statistic: null, degreesOfFreedom: 0, pValue: null },
      herfindahl: null,
      aucDeclineTest: { initialAuc: 0.8, statistic: null, pValue: null, significant: false },
      gradePsi: null,
      rocCurve: [],
      failed: false,
      failures: [],
    });
    expect(report.portfolio.trafficLight).toBe('INSUFFICIENT_DATA');
    expect(report.grades.every((g) => g.trafficLight === 'INSUFFICIENT_DATA' && g.developmentShare !== null)).toBe(true);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('a model that collapsed to one PD fails the AUC-decline test (zero DeLong SE)', () => {
    const labels = Array.from({ length: 400 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const report = computeValidationReport(new Array<number>(400).fill(0.1), labels, scale, { initialAuc: 0.8 });
    expect(report.rocAuc).toBe(0.5);
    expect(report.rocAucStandardError).toBe(0);
    expect(report.aucDeclineTest).toEqual({ initialAuc: 0.8, statistic: null, pValue: 0, significant: true });
    expect(report.failed).toBe(true);
    expect(report.failures).toEqual([
      expect.stringMatching(/^ROC AUC fell significantly: 0\.5000 now .* against 0\.8000 .* below 0\.01\.$/),
    ]);
  });

  it('perfect separation has a zero SE and no decline', () => {
    const probabilities = Array.from({ length: 100 }, (_, i) => (i < 10 ? 0.5 : 0.05));
    const labels = probabilities.map((p) => (p === 0.5 ? 1 : 0));
    const report = computeValidationReport(probabilities, labels, scale, { initialAuc: 0.9 });
    expect(report.rocAuc).toBe(1);
    expect(report.rocAucCi).toEqual([1, 1]);
    expect(report.giniCi).toEqual([1, 1]);
    expect(report.ksSeparation).toBe(1);
    expect(report.aucDeclineTest).toMatchObject({ statistic: null, pValue: 1, significant: false });
  });

  it('phrases a portfolio failure with its numbers', () => {
    const labels = Array.from({ length: 500 }, (_, i) => (i < 40 ? 1 : 0));
    const report = computeValidationReport(new Array<number>(500).fill(0.02), labels, scale);
    expect(report.portfolio.trafficLight).toBe('RED');
    expect(report.failures).toEqual([
      expect.stringMatching(
        /^Portfolio calibration is RED: 40 defaults among 500 obligors \(observed default rate 8\.00%\) against a mean PD of 2\.00%; the Jeffreys p-value .* is below the red level 0\.01\.$/,
      ),
    ]);
  });
});

describe('a million rows (speed: npm run bench:validation)', () => {
  it('a realistic portfolio of 1,000,000 obligors gives a full report', () => {
    const random = mulberry32(20250316);
    const n = 1_000_000;
    const probabilities = new Float64Array(n);
    const labels = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      probabilities[i] = 1 / (1 + Math.exp(-randomNormal(random, -3.2, 1.1)));
      labels[i] = random() < probabilities[i] ? 1 : 0;
    }
    const scale = scaleWith([0.01, 0.016, 0.022, 0.03, 0.039, 0.051, 0.07, 0.1, 0.16], new Array<number>(10).fill(1000));
    const report: ValidationReport | null = computeValidationReport(probabilities, labels, scale, { initialAuc: 0.78 });
    expect(report!.rows).toBe(n);
    expect(report!.rocAuc!).toBeGreaterThan(0.7);
    expect(report!.rocCurve.length).toBe(200);
    expect(report!.portfolio.trafficLight).not.toBe('RED');
  });
});

/**
 * The numerical core of the credit-risk PD validation report (issue 14): per-grade and portfolio
 * calibration tests, Hosmer–Lemeshow over the grades, discrimination (ROC AUC with DeLong's
 * standard error, Gini, KS), the AUC-decline test against the initial validation, and the
 * concentration and stability of the grade distribution. One function, used by the CLI
 * (`validate --json`), GraphQL and the HTML report alike, so every surface shows the same numbers.
 * docs/credit-validation.md gives the methodology and sources; every statistic is checked against
 * scipy / scikit-learn in test/unit/model/credit-validation.spec.ts.
 *
 * Cost: one pass over the rows (validation, grade, counts, PD sums, split by outcome) and one
 * radix sort of the PDs (each class sorted on its own), then O(rows) merges for DeLong, KS and
 * the ROC curve: about 0.2 s at 1,000,000 rows (2-core machine, node 20).
 */
import { betaCdf, betaQuantile } from '../stats/beta-distribution';
import { binomialSurvival } from '../stats/binomial';
import { delongRocAucSorted, rocCurvePointsSorted } from '../stats/delong';
import { finiteOrNull } from '../stats/finite';
import { ksStatisticSorted } from '../stats/ks';
import { normalUpperQuantile, normalUpperTail } from '../stats/normal-distribution';
import { populationStabilityIndex } from '../stats/psi';
import { sortFloat64InPlace } from '../stats/sorting';
import { chiSquareSurvival } from '../stats/special-functions';
import { gradeIndexOf, MasterScale, parseMasterScale } from './master-scale';
import type {
  AucDeclineTest,
  CalibrationTest,
  GradeValidation,
  HosmerLemeshowTest,
  TrafficLight,
  ValidationReport,
  ValidationSettings,
} from './validation-report-types';

export const DEFAULT_VALIDATION_SETTINGS: ValidationSettings = {
  yellowPValue: 0.05,
  redPValue: 0.01,
  minGradeObligors: 20,
  minClassCount: 5,
  confidence: 0.95,
};

export interface ValidationReportOptions {
  /** The AUC at initial validation (the model card's figure, or one given); null or absent: no decline test. */
  initialAuc?: number | null;
  /** Overrides of DEFAULT_VALIDATION_SETTINGS. */
  settings?: Partial<ValidationSettings>;
}

/**
 * The validation report of PDs `probabilities` against outcomes `labels` (1 = default, 0 = not)
 * on the master scale `scale`: a row belongs to the grade with pdLower <= p < pdUpper (the last
 * grade includes 1). Zero rows give a report of empty grades with every statistic null.
 *
 * Throws RangeError naming the row and the rule for a label that is not 0 or 1, a probability
 * that is not a finite number in [0, 1], or arrays of different lengths; RangeError naming the
 * setting for invalid settings or initialAuc; MasterScaleError for a malformed scale.
 */
export function computeValidationReport(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  scale: MasterScale,
  options: ValidationReportOptions = {},
): ValidationReport {
  const settings = resolveSettings(options.settings);
  const initialAuc = options.initialAuc ?? null;
  if (initialAuc !== null && !(Number.isFinite(initialAuc) && initialAuc >= 0 && initialAuc <= 1)) {
    throw new RangeError(`initialAuc must be a number in [0, 1], got ${initialAuc}`);
  }
  if (probabilities.length !== labels.length) {
    throw new RangeError(`probabilities has ${probabilities.length} rows but labels has ${labels.length}`);
  }
  const checkedScale = parseMasterScale(scale);
  const gradeCount = checkedScale.grades.length;
  const rows = probabilities.length;

  // The one pass: per-grade counts, defaults and compensated PD sums (a grade can hold most of a
  // million rows), and the PDs split by outcome — defaulters from the front of one buffer,
  // non-defaulters from the back — for the sort.
  const counts = new Float64Array(gradeCount);
  const defaults = new Float64Array(gradeCount);
  const pdSums = new Float64Array(gradeCount);
  const pdCompensations = new Float64Array(gradeCount);
  const byOutcome = new Float64Array(rows);
  let defaultCount = 0;
  let nonDefaultEnd = rows;
  let totalPd = 0;
  let totalPdCompensation = 0;
  for (let i = 0; i < rows; i++) {
    const p = probabilities[i];
    const label = labels[i];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`probabilities[${i}] must be a finite number in [0, 1], got ${p}`);
    if (label !== 0 && label !== 1) throw new RangeError(`labels[${i}] must be 0 or 1, got ${label}`);
    const g = gradeIndexOf(checkedScale, p);
    counts[g]++;
    const sum = pdSums[g];
    const t = sum + p;
    pdCompensations[g] += sum >= p ? sum - t + p : p - t + sum;
    pdSums[g] = t;
    const total = totalPd + p;
    totalPdCompensation += totalPd >= p ? totalPd - total + p : p - total + totalPd;
    totalPd = total;
    if (label === 1) {
      defaults[g]++;
      byOutcome[defaultCount++] = p;
    } else {
      byOutcome[--nonDefaultEnd] = p;
    }
  }

  const developmentCounts = checkedScale.grades.map((g) => g.developmentCount);
  const developmentTotal = developmentCounts.reduce((sum, c) => sum + c, 0);
  const grades: GradeValidation[] = checkedScale.grades.map((grade, g) => ({
    grade: grade.grade,
    pdLower: grade.pdLower,
    pdUpper: grade.pdUpper,
    ...calibrationTest(counts[g], defaults[g], meanPd(pdSums[g] + pdCompensations[g], counts[g]), settings),
    share: rows > 0 ? counts[g] / rows : 0,
    developmentShare: developmentTotal > 0 ? grade.developmentCount / developmentTotal : null,
  }));
  const portfolio = calibrationTest(rows, defaultCount, meanPd(totalPd + totalPdCompensation, rows), settings);

  const discrimination = discriminationStatistics(byOutcome.subarray(0, defaultCount), byOutcome.subarray(defaultCount), settings);
  const aucDeclineTest = aucDecline(initialAuc, discrimination.rocAuc, discrimination.rocAucStandardError, settings);

  const failures: string[] = [];
  if (portfolio.trafficLight === 'RED') {
    failures.push(
      `Portfolio calibration is RED: ${portfolio.defaults} defaults among ${portfolio.count} obligors (observed default rate ` +
        `${percent(portfolio.observedDefaultRate!)}) against a mean PD of ${percent(portfolio.pd!)}; the Jeffreys p-value ` +
        `${formatPValue(portfolio.jeffreysPValue!)} is below the red level ${settings.redPValue}.`,
    );
  }
  if (aucDeclineTest.significant) {
    failures.push(
      `ROC AUC fell significantly: ${discrimination.rocAuc!.toFixed(4)} now (DeLong standard error ` +
        `${discrimination.rocAucStandardError!.toPrecision(3)}) against ${aucDeclineTest.initialAuc!.toFixed(4)} at initial ` +
        `validation; the one-sided p-value ${formatPValue(aucDeclineTest.pValue!)} is below ${settings.redPValue}.`,
    );
  }

  return {
    rows,
    defaults: defaultCount,
    rocAuc: discrimination.rocAuc,
    rocAucStandardError: discrimination.rocAucStandardError,
    rocAucCi: discrimination.rocAucCi,
    gini: discrimination.gini,
    giniCi: discrimination.giniCi,
    ksSeparation: discrimination.ksSeparation,
    hosmerLemeshow: hosmerLemeshow(grades),
    herfindahl: herfindahlIndex(counts, rows),
    aucDeclineTest,
    grades,
    portfolio,
    gradePsi: developmentTotal > 0 ? finiteOrNull(populationStabilityIndex(developmentCounts, counts)) : null,
    rocCurve: discrimination.rocCurve,
    settings,
    failed: failures.length > 0,
    failures,
  };
}

/** Defaults merged with the overrides (undefined fields ignored), validated; RangeError naming the setting. */
function resolveSettings(overrides: Partial<ValidationSettings> = {}): ValidationSettings {
  const settings: ValidationSettings = { ...DEFAULT_VALIDATION_SETTINGS };
  for (const key of Object.keys(DEFAULT_VALIDATION_SETTINGS) as Array<keyof ValidationSettings>) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`settings.${key} must be a finite number, got ${value}`);
    settings[key] = value;
  }
  if (!(settings.redPValue > 0 && settings.redPValue < settings.yellowPValue)) {
    throw new RangeError(
      `settings.redPValue must lie above 0 and below settings.yellowPValue (${settings.yellowPValue}), got ${settings.redPValue}`,
    );
  }
  if (!(settings.yellowPValue < 1)) throw new RangeError(`settings.yellowPValue must be below 1, got ${settings.yellowPValue}`);
  if (!(Number.isInteger(settings.minGradeObligors) && settings.minGradeObligors >= 1)) {
    throw new RangeError(`settings.minGradeObligors must be a positive integer, got ${settings.minGradeObligors}`);
  }
  if (!(Number.isInteger(settings.minClassCount) && settings.minClassCount >= 2)) {
    // DeLong's variance divides by (defaults − 1) and (non-defaults − 1).
    throw new RangeError(`settings.minClassCount must be an integer of at least 2, got ${settings.minClassCount}`);
  }
  if (!(settings.confidence > 0 && settings.confidence < 1)) {
    throw new RangeError(`settings.confidence must lie strictly between 0 and 1, got ${settings.confidence}`);
  }
  return settings;
}

/** Mean PD from a (compensated) sum, kept inside [0, 1] against a last-ulp overshoot; null for no obligors. */
function meanPd(sum: number, count: number): number | null {
  return count > 0 ? Math.min(1, Math.max(0, sum / count)) : null;
}

/**
 * The rule of the light: RED whenever the p-value is below the red level, whatever the count (a
 * small grade can still be shown to underestimate its risk); otherwise a grade with too few
 * obligors is INSUFFICIENT_DATA, never GREEN or YELLOW.
 */
function trafficLight(jeffreysPValue: number, count: number, settings: ValidationSettings): TrafficLight {
  if (!Number.isFinite(jeffreysPValue)) return 'INSUFFICIENT_DATA';
  if (jeffreysPValue < settings.redPValue) return 'RED';
  if (count < settings.minGradeObligors) return 'INSUFFICIENT_DATA';
  if (jeffreysPValue < settings.yellowPValue) return 'YELLOW';
  return 'GREEN';
}

/**
 * Jeffreys and exact binomial tests of N obligors with D defaults against PD `pd`. The Jeffreys
 * p-value is the Beta(D + ½, N − D + ½) posterior's mass below pd (ECB 2019, §2.5.3.1): small
 * when the observed defaults are too many for the PD. A pd of exactly 0 gives p = 0 (RED) even
 * with no defaults: no finite sample supports a zero PD (and IRB floors PDs at 0.03%).
 */
function calibrationTest(count: number, defaults: number, pd: number | null, settings: ValidationSettings): CalibrationTest {
  if (count === 0 || pd === null) {
    return {
      count,
      defaults,
      pd: null,
      observedDefaultRate: null,
      jeffreysPValue: null,
      binomialPValue: null,
      trafficLight: 'INSUFFICIENT_DATA',
      jeffreysInterval: null,
    };
  }
  const a = defaults + 0.5;
  const b = count - defaults + 0.5;
  const jeffreysPValue = betaCdf(pd, a, b);
  return {
    count,
    defaults,
    pd,
    observedDefaultRate: defaults / count,
    jeffreysPValue,
    binomialPValue: binomialSurvival(defaults, count, pd),
    trafficLight: trafficLight(jeffreysPValue, count, settings),
    jeffreysInterval: [betaQuantile((1 - settings.confidence) / 2, a, b), betaQuantile((1 + settings.confidence) / 2, a, b)],
  };
}

/**
 * Out-of-sample Hosmer–Lemeshow over the non-empty grades: Σ (D − N·PD)² / (N·PD·(1 − PD)) with
 * as many degrees of freedom as grades (nothing was fitted on these outcomes). A grade whose PD is
 * exactly 0 or 1 has no binomial variance: it adds 0 when D = N·PD, and otherwise the statistic is
 * infinite, reported as statistic null with p-value 0 (JSON holds no Infinity).
 */
function hosmerLemeshow(grades: GradeValidation[]): HosmerLemeshowTest {
  let statistic = 0;
  let degreesOfFreedom = 0;
  let infinite = false;
  for (const grade of grades) {
    if (grade.count === 0 || grade.pd === null) continue;
    degreesOfFreedom++;
    const expected = grade.count * grade.pd;
    const variance = expected * (1 - grade.pd);
    if (variance > 0) statistic += ((grade.defaults - expected) * (grade.defaults - expected)) / variance;
    else if (grade.defaults !== expected) infinite = true;
  }
  if (degreesOfFreedom === 0) return { statistic: null, degreesOfFreedom, pValue: null };
  if (infinite || !Number.isFinite(statistic)) return { statistic: null, degreesOfFreedom, pValue: 0 };
  return { statistic, degreesOfFreedom, pValue: chiSquareSurvival(statistic, degreesOfFreedom) };
}

/**
 * The ECB's normalised Herfindahl index ("Instructions for reporting the validation results of
 * internal models", 2019, §2.5.1): CV = sqrt(K·Σ (R_i − 1/K)²) over the K grades' shares R_i
 * (empty grades included), HI = 1 + ln((CV² + 1)/K) / ln K: 0 for an even spread, 1 for all
 * obligors in one grade. Null for no rows (or a one-grade scale, where ln K = 0).
 */
function herfindahlIndex(counts: Float64Array, rows: number): number | null {
  const k = counts.length;
  if (rows === 0 || k < 2) return null;
  let sumOfSquares = 0;
  for (let i = 0; i < k; i++) {
    const deviation = counts[i] / rows - 1 / k;
    sumOfSquares += deviation * deviation;
  }
  const cv = Math.sqrt(k * sumOfSquares);
  return 1 + Math.log((cv * cv + 1) / k) / Math.log(k);
}

interface Discrimination {
  rocAuc: number | null;
  rocAucStandardError: number | null;
  rocAucCi: [number, number] | null;
  gini: number | null;
  giniCi: [number, number] | null;
  ksSeparation: number | null;
  rocCurve: ValidationReport['rocCurve'];
}

/**
 * AUC, DeLong SE, the normal interval (clipped to [0, 1]), Gini, KS and the ROC curve from the
 * two classes' PDs (sorted here, in place); all null (curve empty) when either class has fewer
 * than minClassCount members.
 */
function discriminationStatistics(defaulted: Float64Array, survived: Float64Array, settings: ValidationSettings): Discrimination {
  if (defaulted.length < settings.minClassCount || survived.length < settings.minClassCount) {
    return { rocAuc: null, rocAucStandardError: null, rocAucCi: null, gini: null, giniCi: null, ksSeparation: null, rocCurve: [] };
  }
  sortFloat64InPlace(defaulted);
  sortFloat64InPlace(survived);
  const delong = delongRocAucSorted(defaulted, survived);
  const auc = delong.auc;
  const standardError = delong.standardError;
  const z = normalUpperQuantile((1 + settings.confidence) / 2);
  const low = Math.max(0, auc - z * standardError);
  const high = Math.min(1, auc + z * standardError);
  return {
    rocAuc: finiteOrNull(auc),
    rocAucStandardError: finiteOrNull(standardError),
    rocAucCi: Number.isFinite(low) && Number.isFinite(high) ? [low, high] : null,
    gini: finiteOrNull(2 * auc - 1),
    giniCi: Number.isFinite(low) && Number.isFinite(high) ? [2 * low - 1, 2 * high - 1] : null,
    ksSeparation: finiteOrNull(ksStatisticSorted(defaulted, survived)),
    rocCurve: rocCurvePointsSorted(defaulted, survived),
  };
}

/**
 * One-sided test that the AUC fell since initial validation: statistic (AUC_initial − AUC) / SE
 * (DeLong SE of the current AUC, the initial AUC taken as fixed), p-value 1 − Φ(statistic).
 * A zero SE (every obligor's DeLong component equal: all PDs tied, or perfect separation) makes
 * the statistic ±∞: reported as null, with p-value 0 when the AUC fell and 1 when it did not, so
 * a model that collapsed to one PD still fails the test.
 */
function aucDecline(
  initialAuc: number | null,
  auc: number | null,
  standardError: number | null,
  settings: ValidationSettings,
): AucDeclineTest {
  if (initialAuc === null || auc === null || standardError === null)
    return { initialAuc, statistic: null, pValue: null, significant: false };
  if (standardError > 0) {
    const statistic = (initialAuc - auc) / standardError;
    const pValue = normalUpperTail(statistic);
    return { initialAuc, statistic, pValue, significant: pValue < settings.redPValue };
  }
  const pValue = initialAuc > auc ? 0 : 1;
  return { initialAuc, statistic: null, pValue, significant: pValue < settings.redPValue };
}

function percent(x: number): string {
  return `${(100 * x).toPrecision(3)}%`;
}

function formatPValue(p: number): string {
  return p < 1e-4 ? p.toExponential(2) : p.toPrecision(3);
}

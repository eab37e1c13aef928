/**
 * The credit-risk validation report's shape: what `computeValidationReport`
 * (credit-validation.ts) returns, what the CLI prints with --json, what GraphQL serves and what the
 * HTML report draws. Every number is a plain finite number or null ("not computable here"), so the
 * object serialises to JSON unchanged. docs/credit-validation.md defines each statistic.
 */

/**
 * GREEN / YELLOW / RED by the one-sided Jeffreys p-value against the configured levels
 * (RED below redPValue, YELLOW below yellowPValue). INSUFFICIENT_DATA: too few obligors for the
 * test to mean anything (or an empty grade); such a grade is never reported as passing, but a
 * p-value below the red level still makes it RED.
 */
export type TrafficLight = 'GREEN' | 'YELLOW' | 'RED' | 'INSUFFICIENT_DATA';

export interface ValidationSettings {
  /** Traffic light YELLOW below this p-value (default 0.05). */
  yellowPValue: number;
  /** Traffic light RED below this p-value (default 0.01); also the AUC-decline test's level. */
  redPValue: number;
  /** Grades (and the portfolio) with fewer obligors are INSUFFICIENT_DATA unless RED (default 20). */
  minGradeObligors: number;
  /**
   * Discrimination statistics (AUC, DeLong SE, Gini, KS, AUC decline) need at least this many
   * defaults and this many non-defaults; below, they are null (default 5).
   */
  minClassCount: number;
  /** Two-sided level of the Jeffreys and AUC intervals (default 0.95). */
  confidence: number;
}

export interface CalibrationTest {
  count: number;
  defaults: number;
  /** Mean model PD of the obligors; null when count = 0. */
  pd: number | null;
  /** defaults / count; null when count = 0. */
  observedDefaultRate: number | null;
  /** Beta(D + ½, N − D + ½) CDF at pd: small = the PD underestimates the risk. */
  jeffreysPValue: number | null;
  /** P(X ≥ D) for X ~ Binomial(N, pd). */
  binomialPValue: number | null;
  trafficLight: TrafficLight;
  /** Equal-tailed Jeffreys interval for the default rate at `confidence`: Beta(D + ½, N − D + ½) quantiles. */
  jeffreysInterval: [number, number] | null;
}

export interface GradeValidation extends CalibrationTest {
  grade: number;
  pdLower: number;
  pdUpper: number;
  /** count / rows of the report. */
  share: number;
  /** The development sample's share in this grade (from the master scale); null if unknown. */
  developmentShare: number | null;
}

export interface HosmerLemeshowTest {
  /**
   * Σ over non-empty grades (D − N·PD)² / (N·PD·(1 − PD)). A grade PD of 0 or 1 contributes 0 when
   * D = N·PD; otherwise the statistic is infinite, reported as null with pValue 0 (JSON holds no
   * Infinity). Also null when no grade has obligors (pValue null then).
   */
  statistic: number | null;
  /** The number of non-empty grades (out-of-sample form: no parameters were fitted on these data). */
  degreesOfFreedom: number;
  /** Chi-square survival function at statistic with degreesOfFreedom. */
  pValue: number | null;
}

export interface AucDeclineTest {
  /** The AUC at initial validation: given, or the model card's holdout figure; null if neither. */
  initialAuc: number | null;
  /**
   * (initialAuc − rocAuc) / rocAucStandardError (DeLong). Null when the DeLong SE is 0 (every PD
   * tied, or perfect separation): pValue is then 0 if the AUC fell below initialAuc, else 1.
   */
  statistic: number | null;
  /** 1 − Φ(statistic): small = the AUC fell significantly. */
  pValue: number | null;
  /** pValue < redPValue. */
  significant: boolean;
}

export interface RocPoint {
  falsePositiveRate: number;
  truePositiveRate: number;
}

export interface ValidationReport {
  rows: number;
  defaults: number;
  rocAuc: number | null;
  rocAucStandardError: number | null;
  rocAucCi: [number, number] | null;
  gini: number | null;
  giniCi: [number, number] | null;
  /** max |F_defaulters(p) − F_non-defaulters(p)| (the two-sample KS statistic of the PDs). */
  ksSeparation: number | null;
  hosmerLemeshow: HosmerLemeshowTest;
  /** ECB-normalised Herfindahl index of the obligors over the K grades: 0 = even, 1 = all in one grade. */
  herfindahl: number | null;
  aucDeclineTest: AucDeclineTest;
  grades: GradeValidation[];
  /** The Jeffreys and binomial tests on the whole portfolio (pd = mean PD of all obligors). */
  portfolio: CalibrationTest;
  /** PSI of the grade distribution against the development sample's; null when the scale has no development counts. */
  gradePsi: number | null;
  /** ROC curve vertices (0,0) … (1,1), at most ~200 points, for drawing. */
  rocCurve: RocPoint[];
  settings: ValidationSettings;
  /** The validation-failure rule: portfolio RED, or the AUC decline significant. */
  failed: boolean;
  /** Why it failed, one sentence each (empty when it did not). */
  failures: string[];
}

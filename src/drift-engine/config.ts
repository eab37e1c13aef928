/**
 * Drift-check configuration and its defaults. Every default is chosen so that a batch drawn from
 * the baseline distribution raises DRIFT in at most 5% of batches at any size, while the shifts a
 * credit-risk team cares about (bench/drift-calibration.ts) are caught from 200 rows up. See
 * docs/drift-methodology.md for the reasoning and the measured rates.
 */

export interface ColumnDriftSettings {
  /**
   * Level for the multiplicity-adjusted p-value of this column. The adjustment is always made
   * across the whole family; raising one column's alpha loosens the guarantee for that column only.
   */
  alpha: number;
  /** Materiality gate: noise-corrected PSI at or above this counts as a material shift. */
  psiThreshold: number;
  /**
   * Materiality gate (numeric), in baseline SDs: the location shift whose median Wasserstein
   * distance at the batch's size equals the observed one (wasserstein-gate.ts) must reach it, so a
   * true shift of this size meets the gate in about half of all batches at any batch size.
   */
  wassersteinThreshold: number;
  /** Materiality gate (discrete): noise-corrected Jensen–Shannon distance (base 2). */
  jensenShannonThreshold: number;
  /** False removes the column from the check (and from the multiple-testing family). */
  enabled: boolean;
}

export interface DriftConfig {
  /** Batches (and columns) with fewer rows are INSUFFICIENT_DATA, never a verdict. */
  minSampleSize: number;
  /** Family-wise error rate across all evaluated columns (Holm–Bonferroni). */
  alpha: number;
  psiThreshold: number;
  wassersteinThreshold: number;
  jensenShannonThreshold: number;
  /** Per-column overrides, keyed by column name. */
  perFeature?: Record<string, Partial<ColumnDriftSettings>>;
  /** Whether the `prediction` column is part of the check. */
  predictionDrift: boolean;
}

/** Credit-risk PSI conventions: below 0.1 stable, 0.1–0.25 moderate, above 0.25 significant. */
export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.25;

export const DEFAULT_DRIFT_CONFIG: Readonly<DriftConfig> = Object.freeze({
  // Below ~30 rows even a large shift is rarely significant and the chi-square approximation
  // needs merging into very few categories; 30 is the usual "enough for a test" floor.
  minSampleSize: 30,
  alpha: 0.05,
  // Moderate, not significant: the gate asks "is this a shift worth a look", and the statistical
  // gate already stops noise. 0.25 would miss a +30% debt-to-income shift (PSI ≈ 0.15–0.2).
  psiThreshold: PSI_MODERATE,
  // A tenth of a standard deviation of (noise-corrected) transport: trivial at any sample size, and
  // 3–6× below the smallest shifts in the calibration set.
  wassersteinThreshold: 0.1,
  // JS distance 0.1 ≈ a PSI of 0.05–0.1 for small category moves; the delinquency scenario is ≈ 0.19.
  jensenShannonThreshold: 0.1,
  predictionDrift: true,
});

/** Fills unspecified settings from the defaults. */
export function resolveDriftConfig(config: Partial<DriftConfig> = {}): DriftConfig {
  const resolved: DriftConfig = { ...DEFAULT_DRIFT_CONFIG };
  for (const key of Object.keys(config) as Array<keyof DriftConfig>) {
    if (config[key] !== undefined) (resolved as unknown as Record<string, unknown>)[key] = config[key];
  }
  validateDriftConfig(resolved);
  return resolved;
}

/** Effective settings for one column: global values overridden by `perFeature[column]`. */
export function columnSettings(config: DriftConfig, column: string): ColumnDriftSettings {
  const override = config.perFeature?.[column] ?? {};
  return {
    alpha: override.alpha ?? config.alpha,
    psiThreshold: override.psiThreshold ?? config.psiThreshold,
    wassersteinThreshold: override.wassersteinThreshold ?? config.wassersteinThreshold,
    jensenShannonThreshold: override.jensenShannonThreshold ?? config.jensenShannonThreshold,
    enabled: override.enabled ?? true,
  };
}

function validateDriftConfig(config: DriftConfig): void {
  const problems: string[] = [];
  if (!(Number.isInteger(config.minSampleSize) && config.minSampleSize >= 2)) problems.push('minSampleSize must be an integer ≥ 2');
  const checkProbability = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(value > 0 && value < 1)) problems.push(`${name} must be in (0, 1)`);
  };
  const checkThreshold = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) problems.push(`${name} must be a finite number ≥ 0`);
  };
  checkProbability('alpha', config.alpha);
  checkThreshold('psiThreshold', config.psiThreshold);
  checkThreshold('wassersteinThreshold', config.wassersteinThreshold);
  checkThreshold('jensenShannonThreshold', config.jensenShannonThreshold);
  for (const [column, override] of Object.entries(config.perFeature ?? {})) {
    checkProbability(`perFeature.${column}.alpha`, override.alpha);
    checkThreshold(`perFeature.${column}.psiThreshold`, override.psiThreshold);
    checkThreshold(`perFeature.${column}.wassersteinThreshold`, override.wassersteinThreshold);
    checkThreshold(`perFeature.${column}.jensenShannonThreshold`, override.jensenShannonThreshold);
  }
  if (problems.length > 0) throw new RangeError(`Invalid drift config: ${problems.join('; ')}`);
}

import { DriftReportCreated, FeatureDriftSummary, PerformanceUpdated, ValidationEvaluated } from '../common/events/domain-events';
import { PREDICTION_COLUMN } from '../drift-engine/columns';
import { MULTIVARIATE_COLUMN } from '../drift-engine/multivariate';
import { FEATURE_NAMES } from '../model/features';
import { finiteOrNull } from '../stats/finite';
import { AlertKind, AlertSeverity, shiftSeverity } from './models/alert-enums';

/**
 * Pure rule evaluation: a drift report or a performance update in, detections (with severity)
 * and "condition evaluated and clear" fingerprints out. No database, no clock: the rules are
 * documented in docs/alerts.md and unit-tested on their own.
 */

export interface AlertThresholds {
  psiModerate: number;
  psiSignificant: number;
  duplicateShareThreshold: number;
  invalidShareThreshold: number;
  minRocAuc: number;
  /** Largest tolerated drop below the model card's ROC AUC before a performance alert. */
  maxRocAucDrop: number;
}

export interface Detection {
  fingerprint: string;
  kind: AlertKind;
  feature: string | null;
  modelVersion: string;
  severity: AlertSeverity;
  /** Larger is worse, whatever the rule (PSI, a share, an ROC AUC shortfall). */
  score: number | null;
  message: string;
  details: Record<string, unknown>;
}

export interface RuleOutcome {
  detections: Detection[];
  /** Fingerprints whose condition was evaluated and is clear in a check that counts toward auto-resolve. */
  clear: string[];
}

/** Model inputs per row: the data-quality "invalid share" is outOfSupportValues / (rowCount * 8). */
export const INPUT_FEATURE_COUNT = FEATURE_NAMES.length;
export const PREDICTION_FEATURE = PREDICTION_COLUMN;
/** The report's joint-distribution column (drift-engine/multivariate.ts): not a model input. */
export const MULTIVARIATE_FEATURE = MULTIVARIATE_COLUMN;
export const DUPLICATES_MEASURE = 'duplicateShare';
export const OUT_OF_SUPPORT_MEASURE = 'outOfSupportShare';

export function fingerprintOf(modelVersion: string, kind: AlertKind, feature: string | null): string {
  return `${modelVersion}:${kind}:${feature ?? '*'}`;
}

const fmt = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(3));

/**
 * p-values span hundreds of orders of magnitude, so a fixed 3 decimals would print most drifts as
 * 0.000. An exact 0 is an underflow of the test's tail sum (below double range), not certainty.
 */
function fmtP(p: number | null): string {
  if (p === null) return 'n/a';
  if (p === 0) return '< 1e-300';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** A signed log-odds figure: 2 decimals, or 2 significant digits when smaller than 0.01. */
function signedLogOdds(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude === 0 || magnitude >= 0.01 ? magnitude.toFixed(2) : magnitude.toPrecision(2);
  return `${value < 0 ? '-' : '+'}${digits}`;
}

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The rule a drifted (or clear) report column belongs to: the model output and the joint distribution have their own. */
export function driftKindOf(feature: string): AlertKind {
  if (feature === PREDICTION_FEATURE) return AlertKind.PREDICTION_DRIFT;
  if (feature === MULTIVARIATE_FEATURE) return AlertKind.MULTIVARIATE_DRIFT;
  return AlertKind.FEATURE_DRIFT;
}

/** Contributors a prediction-drift message names: the largest three that each account for at least this share. */
export const SCORE_SHIFT_TOP_CONTRIBUTORS = 3;
export const SCORE_SHIFT_MIN_SHARE = 0.05;

type ScoreShiftFacts = NonNullable<DriftReportCreated['scoreShift']>;

/** The contributions a prediction-drift alert names, largest share first. */
export function topScoreContributors(shift: ScoreShiftFacts): ScoreShiftFacts['contributions'] {
  // The event lists them largest first already; sorting keeps the message right for any producer.
  return shift.contributions
    .filter((c) => Number.isFinite(c.contribution) && Number.isFinite(c.share) && c.share >= SCORE_SHIFT_MIN_SHARE)
    .sort((a, b) => b.share - a.share || a.feature.localeCompare(b.feature))
    .slice(0, SCORE_SHIFT_TOP_CONTRIBUTORS);
}

/** "mean log-odds +0.52, mostly annualIncome (62%, +0.41 log-odds) and loanAmount (21%, +0.11 log-odds)". */
function scoreShiftText(shift: DriftReportCreated['scoreShift']): string {
  if (!shift || !Number.isFinite(shift.total)) return 'top contributors: none (this report has no score-shift decomposition)';
  const top = topScoreContributors(shift);
  const parts = top.map((c) => `${c.feature} (${Math.round(c.share * 100)}%, ${signedLogOdds(c.contribution)} log-odds)`);
  const who = parts.length
    ? `mostly ${listed(parts)}`
    : `no feature accounts for ${Math.round(SCORE_SHIFT_MIN_SHARE * 100)}% or more of the movement`;
  return `mean log-odds ${signedLogOdds(shift.total)}, ${who}`;
}

/** PSI bands (credit-risk convention), doubled significant band = far past the threshold. */
export function psiSeverity(psi: number | null, t: AlertThresholds): AlertSeverity {
  if (psi === null) return AlertSeverity.LOW;
  if (psi >= 2 * t.psiSignificant) return AlertSeverity.CRITICAL;
  if (psi >= t.psiSignificant) return AlertSeverity.HIGH;
  if (psi >= t.psiModerate) return AlertSeverity.MEDIUM;
  return AlertSeverity.LOW;
}

/** How many input features drifted at once: 1 LOW, 2 MEDIUM, 3 HIGH, 4+ (half the inputs) CRITICAL. */
export function datasetSeverity(driftedFeatures: number): AlertSeverity {
  if (driftedFeatures >= 4) return AlertSeverity.CRITICAL;
  if (driftedFeatures === 3) return AlertSeverity.HIGH;
  if (driftedFeatures === 2) return AlertSeverity.MEDIUM;
  return AlertSeverity.LOW;
}

/** How far a share is past its threshold: < 2x LOW, < 4x MEDIUM, < 10x HIGH, else CRITICAL. */
export function shareSeverity(share: number, threshold: number): AlertSeverity {
  const ratio = share / Math.max(threshold, 1e-9);
  if (ratio >= 10) return AlertSeverity.CRITICAL;
  if (ratio >= 4) return AlertSeverity.HIGH;
  if (ratio >= 2) return AlertSeverity.MEDIUM;
  return AlertSeverity.LOW;
}

/** ROC AUC below the floor: shortfall < 0.05 MEDIUM, < 0.10 HIGH, else (or AUC <= 0.5) CRITICAL. */
export function rocAucSeverity(auc: number, minRocAuc: number, estimated: boolean): AlertSeverity {
  // Rounded so that band edges hold despite binary floating point (0.65 - 0.55 is 0.0999...).
  const shortfall = Math.round((minRocAuc - auc) * 1e9) / 1e9;
  let severity = AlertSeverity.MEDIUM;
  if (auc <= 0.5 || shortfall >= 0.1) severity = AlertSeverity.CRITICAL;
  else if (shortfall >= 0.05) severity = AlertSeverity.HIGH;
  // A label-free estimate is weaker evidence than realized performance: one level lower.
  return estimated ? shiftSeverity(severity, -1) : severity;
}

function featureScore(f: FeatureDriftSummary): number | null {
  return finiteOrNull(f.psi) ?? finiteOrNull(f.wassersteinNormalized) ?? finiteOrNull(f.jensenShannon) ?? finiteOrNull(f.statistic);
}

function statisticDetails(event: DriftReportCreated, f: FeatureDriftSummary): Record<string, unknown> {
  return {
    reportId: event.reportId,
    reportKind: event.kind,
    method: f.method,
    statistic: finiteOrNull(f.statistic),
    pValue: finiteOrNull(f.pValue),
    adjustedPValue: finiteOrNull(f.adjustedPValue),
    psi: finiteOrNull(f.psi),
    wassersteinNormalized: finiteOrNull(f.wassersteinNormalized),
    jensenShannon: finiteOrNull(f.jensenShannon),
  };
}

/** Input features (not the prediction, not the joint distribution) evaluated and drifted in the report. */
function driftedInputs(event: DriftReportCreated): string[] {
  return event.features
    .filter((f) => f.evaluated && f.drifted && f.feature !== PREDICTION_FEATURE && f.feature !== MULTIVARIATE_FEATURE)
    .map((f) => f.feature);
}

function featureDetection(event: DriftReportCreated, f: FeatureDriftSummary, t: AlertThresholds): Detection {
  const isPrediction = f.feature === PREDICTION_FEATURE;
  const kind = driftKindOf(f.feature);
  const psi = finiteOrNull(f.psi);
  // The model output moving changes credit decisions directly: one level above the PSI band.
  const severity = isPrediction ? shiftSeverity(psiSeverity(psi, t), 1) : psiSeverity(psi, t);
  const statistics = `${f.method} statistic ${fmt(finiteOrNull(f.statistic))}, PSI ${fmt(psi)} (${event.kind} report)`;
  const details = statisticDetails(event, f);
  if (isPrediction) {
    const top = event.scoreShift && Number.isFinite(event.scoreShift.total) ? topScoreContributors(event.scoreShift) : null;
    details.scoreShift = top ? { total: event.scoreShift!.total, topContributors: top } : null;
  }
  return {
    fingerprint: fingerprintOf(event.modelVersion, kind, f.feature),
    kind,
    feature: f.feature,
    modelVersion: event.modelVersion,
    severity,
    score: featureScore(f),
    message: isPrediction
      ? `Prediction drift on ${f.feature}: ${statistics}; ${scoreShiftText(event.scoreShift)}`
      : `Feature drift on ${f.feature}: ${statistics}`,
    details,
  };
}

/**
 * The joint distribution drifted: rows sit off the baseline's correlation structure (their PCA
 * reconstruction error grew). What that means for an operator depends on whether inputs drifted
 * too: alone, it is the one signal of a broken relation (per-feature alerts stay silent); beside
 * drifted inputs, their own shift also moves rows off the structure, so it may be the same change.
 */
function multivariateDetection(event: DriftReportCreated, f: FeatureDriftSummary, t: AlertThresholds): Detection {
  const psi = finiteOrNull(f.psi);
  const inputs = driftedInputs(event);
  const figures =
    `reconstruction error vs the baseline's structure: ${f.method} p ${fmtP(finiteOrNull(f.pValue))} (Holm-adjusted ${fmtP(finiteOrNull(f.adjustedPValue))}), ` +
    `effect size ${fmt(finiteOrNull(f.wassersteinNormalized))} reference SDs (Wasserstein), PSI ${fmt(psi)}; ${event.kind} report`;
  const meaning = inputs.length
    ? `${inputs.length} input feature${inputs.length === 1 ? '' : 's'} drifted as well (${inputs.join(', ')}): their own shift also moves rows off the baseline's structure, so this may be the same change; if it persists once they are explained, check how the features relate (e.g. an upstream join attaching values to the wrong applications).`
    : "No input feature drifted on its own: each feature's distribution may look normal while values no longer go together as in the baseline. Check the data pipeline: an upstream join attaching values to the wrong applications, swapped or re-mapped fields, or loan stacking.";
  return {
    fingerprint: fingerprintOf(event.modelVersion, AlertKind.MULTIVARIATE_DRIFT, f.feature),
    kind: AlertKind.MULTIVARIATE_DRIFT,
    feature: f.feature,
    modelVersion: event.modelVersion,
    severity: psiSeverity(psi, t),
    score: featureScore(f),
    message: `Joint-distribution drift: rows no longer fit the baseline's relations between the input features (${figures}). ${meaning}`,
    details: { ...statisticDetails(event, f), driftedInputs: inputs },
  };
}

function dataQualityOutcome(event: DriftReportCreated, t: AlertThresholds, outcome: RuleOutcome): void {
  const quality = event.dataQuality;
  if (!quality || quality.rowCount <= 0) return;
  const measures = [
    {
      feature: DUPLICATES_MEASURE,
      share: quality.duplicateCustomerIds / quality.rowCount,
      threshold: t.duplicateShareThreshold,
      what: 'repeated customerIds',
    },
    {
      feature: OUT_OF_SUPPORT_MEASURE,
      share: quality.outOfSupportValues / (quality.rowCount * INPUT_FEATURE_COUNT),
      threshold: t.invalidShareThreshold,
      what: 'values outside the training range',
    },
  ];
  for (const m of measures) {
    const fingerprint = fingerprintOf(event.modelVersion, AlertKind.DATA_QUALITY, m.feature);
    if (m.share <= m.threshold) {
      // Only batch reports carry data-quality facts, so a clean batch is this rule's clear check.
      outcome.clear.push(fingerprint);
      continue;
    }
    outcome.detections.push({
      fingerprint,
      kind: AlertKind.DATA_QUALITY,
      feature: m.feature,
      modelVersion: event.modelVersion,
      severity: shareSeverity(m.share, m.threshold),
      score: m.share,
      message: `Data quality: ${(m.share * 100).toFixed(1)}% ${m.what} (threshold ${(m.threshold * 100).toFixed(1)}%) in ${quality.rowCount} rows`,
      details: { reportId: event.reportId, batchId: event.batchId, share: m.share, threshold: m.threshold, ...quality },
    });
  }
}

export function evaluateDriftReport(event: DriftReportCreated, t: AlertThresholds): RuleOutcome {
  const outcome: RuleOutcome = { detections: [], clear: [] };
  // Drift checks clear alerts only on WINDOW reports: small batches are too noisy to prove
  // that a shift went away (the scheduled window re-check has the statistical power).
  const countsAsCheck = event.kind === 'WINDOW';
  if (event.status !== 'INSUFFICIENT_DATA') {
    for (const f of event.features) {
      // Not evaluated (NaN statistic, disabled feature) is neither drift nor "clear".
      if (!f.evaluated) continue;
      if (f.drifted) {
        outcome.detections.push(f.feature === MULTIVARIATE_FEATURE ? multivariateDetection(event, f, t) : featureDetection(event, f, t));
      } else if (countsAsCheck) outcome.clear.push(fingerprintOf(event.modelVersion, driftKindOf(f.feature), f.feature));
    }
    const datasetFingerprint = fingerprintOf(event.modelVersion, AlertKind.DATASET_DRIFT, null);
    if (event.status === 'DRIFT') {
      const drifted = driftedInputs(event);
      // The joint distribution is not one of the inputs: it is named beside the count, not in it.
      const jointDrifted = event.features.some((f) => f.feature === MULTIVARIATE_FEATURE && f.evaluated && f.drifted);
      outcome.detections.push({
        fingerprint: datasetFingerprint,
        kind: AlertKind.DATASET_DRIFT,
        feature: null,
        modelVersion: event.modelVersion,
        severity: datasetSeverity(drifted.length),
        score: finiteOrNull(event.driftedShare) ?? finiteOrNull(event.globalScore),
        message:
          `Dataset drift: ${drifted.length} of ${INPUT_FEATURE_COUNT} input features drifted (${drifted.join(', ') || 'none'})` +
          (jointDrifted ? '; the joint distribution of the inputs drifted too' : ''),
        details: {
          reportId: event.reportId,
          reportKind: event.kind,
          driftedFeatures: drifted,
          jointDistributionDrifted: jointDrifted,
          driftedShare: finiteOrNull(event.driftedShare),
          globalScore: finiteOrNull(event.globalScore),
          rowCount: event.rowCount,
        },
      });
    } else if (countsAsCheck) {
      outcome.clear.push(datasetFingerprint);
    }
  }
  dataQualityOutcome(event, t, outcome);
  return outcome;
}

export function evaluatePerformance(event: PerformanceUpdated, t: AlertThresholds): RuleOutcome {
  const outcome: RuleOutcome = { detections: [], clear: [] };
  // The floor is the absolute minimum, raised to "model card minus the tolerated drop" when the
  // model card has a figure: a model documented at 0.76 that now shows 0.68 has degraded even
  // though 0.68 clears an absolute floor of 0.65.
  const reference = finiteOrNull(event.referenceRocAuc);
  const cardFloor = reference === null ? null : reference - t.maxRocAucDrop;
  const floor = cardFloor !== null && cardFloor > t.minRocAuc ? cardFloor : t.minRocAuc;
  const floorText =
    floor === t.minRocAuc
      ? `the floor ${t.minRocAuc.toFixed(3)}`
      : `the model card's ${reference!.toFixed(3)} minus ${t.maxRocAucDrop.toFixed(3)}`;
  const metrics = [
    { feature: 'realizedRocAuc', auc: finiteOrNull(event.realizedRocAuc), estimated: false },
    { feature: 'estimatedRocAuc', auc: finiteOrNull(event.estimatedRocAuc), estimated: true },
  ];
  for (const m of metrics) {
    if (m.auc === null) continue;
    const fingerprint = fingerprintOf(event.modelVersion, AlertKind.PERFORMANCE, m.feature);
    if (m.auc >= floor) {
      if (event.scope === 'WINDOW') outcome.clear.push(fingerprint);
      continue;
    }
    outcome.detections.push({
      fingerprint,
      kind: AlertKind.PERFORMANCE,
      feature: m.feature,
      modelVersion: event.modelVersion,
      severity: rocAucSeverity(m.auc, floor, m.estimated),
      score: floor - m.auc,
      message: `Performance: ${m.estimated ? 'estimated' : 'realized'} ROC AUC ${m.auc.toFixed(3)} below ${floorText} (${event.labelledCount} labelled, ${event.scope})`,
      details: {
        scope: event.scope,
        batchId: event.batchId,
        rocAuc: m.auc,
        minRocAuc: t.minRocAuc,
        referenceRocAuc: reference,
        floor,
        labelledCount: event.labelledCount,
      },
    });
  }
  return outcome;
}

/**
 * VALIDATION_FAILURE: the credit validation of a window failed — the portfolio's Jeffreys test is
 * RED (the PDs underestimate the defaults beyond the red level) or the AUC fell significantly
 * below the AUC at initial validation. HIGH for one of the two, CRITICAL for both. One alert per
 * model version (every window kind tests the same cohort of matured outcomes). A check clears it
 * only when it evaluated both causes and both passed: the portfolio test was not INSUFFICIENT_DATA,
 * and the AUC decline was tested (or there is no initial AUC to test against) — a check that could
 * not test the decline says nothing about a decline alert.
 */
export function evaluateValidation(event: ValidationEvaluated): RuleOutcome {
  const outcome: RuleOutcome = { detections: [], clear: [] };
  const fingerprint = fingerprintOf(event.modelVersion, AlertKind.VALIDATION_FAILURE, null);
  if (!event.failed) {
    const portfolioEvaluated = event.portfolioTrafficLight !== 'INSUFFICIENT_DATA';
    const declineEvaluated = event.initialAuc === null || event.aucDeclinePValue !== null;
    if (portfolioEvaluated && declineEvaluated) outcome.clear.push(fingerprint);
    return outcome;
  }
  const portfolioRed = event.portfolioTrafficLight === 'RED';
  const pValues = [portfolioRed ? event.portfolioJeffreysPValue : null, event.aucDeclineSignificant ? event.aucDeclinePValue : null].filter(
    (p): p is number => p !== null && Number.isFinite(p),
  );
  const smallest = pValues.length ? Math.min(...pValues) : null;
  outcome.detections.push({
    fingerprint,
    kind: AlertKind.VALIDATION_FAILURE,
    feature: null,
    modelVersion: event.modelVersion,
    severity: portfolioRed && event.aucDeclineSignificant ? AlertSeverity.CRITICAL : AlertSeverity.HIGH,
    // −log10 of the smallest failing p-value: larger is worse, and an underflowed 0 stays finite.
    score: smallest === null ? null : -Math.log10(Math.max(smallest, Number.MIN_VALUE)),
    message: `Credit validation failed (${event.rows} labelled, ${event.defaults} defaults, scored ${event.cohortStart.toISOString().slice(0, 10)} to ${event.windowEnd.toISOString().slice(0, 10)}, ${event.windowKind} check): ${event.failures.join('; ')}`,
    details: {
      windowKind: event.windowKind,
      cohortStart: event.cohortStart,
      windowEnd: event.windowEnd,
      rows: event.rows,
      defaults: event.defaults,
      portfolioTrafficLight: event.portfolioTrafficLight,
      portfolioPd: finiteOrNull(event.portfolioPd),
      portfolioObservedDefaultRate: finiteOrNull(event.portfolioObservedDefaultRate),
      portfolioJeffreysPValue: finiteOrNull(event.portfolioJeffreysPValue),
      rocAuc: finiteOrNull(event.rocAuc),
      initialAuc: finiteOrNull(event.initialAuc),
      aucDeclinePValue: finiteOrNull(event.aucDeclinePValue),
      aucDeclineSignificant: event.aucDeclineSignificant,
      redGrades: event.redGrades,
      failures: event.failures,
    },
  });
  return outcome;
}

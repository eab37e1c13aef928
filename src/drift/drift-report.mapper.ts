import { DriftReportCreated, FeatureDriftSummary } from '../common/events/domain-events';
import { ColumnKind } from '../drift-engine/columns';
import { GradeDistributionResult } from '../drift-engine/grade-distribution';
import { ColumnDriftStatus, DriftCheckResult, FeatureDriftResult } from '../drift-engine/result-types';
import { ScoreShift } from '../drift-engine/score-shift';
import { finiteOrNull } from '../stats/finite';
import { DriftReportKind, DriftStatus } from './entities/drift-report.entity';
import { DriftReport, DriftStatusValue, FeatureDriftMetric } from './models/drift-report.model';

/**
 * The one mapping of a feature's drift metrics: engine result -> stored row (feature_drift_metrics
 * columns plus the report's details JSON) -> API model and DriftReportCreated event. The writer,
 * the reads, the event and the CLI all go through here, so a new statistic is added in one place.
 */

/**
 * One feature's metric values as stored (a feature_drift_metrics row without ids and time): the
 * summary every event carries, plus the per-test figures only reports and charts need.
 */
export interface FeatureMetricValues extends FeatureDriftSummary {
  kind: ColumnKind;
  ksStatistic: number | null;
  ksPValue: number | null;
  chiSquareStatistic: number | null;
  chiSquarePValue: number | null;
  wasserstein: number | null;
  /** Noise-corrected effect size the materiality gate judged (Wasserstein in SDs or Jensen–Shannon distance). */
  effectSize: number | null;
  effectThreshold: number | null;
}

/** Column of each stored value (the repository selects `column AS "field"` from this). */
export const FEATURE_METRIC_COLUMNS: { readonly [K in keyof FeatureMetricValues]: string } = {
  feature: 'feature',
  kind: 'feature_kind',
  method: 'method',
  statistic: 'statistic',
  pValue: 'p_value',
  adjustedPValue: 'adjusted_p_value',
  threshold: 'threshold',
  psi: 'psi',
  ksStatistic: 'ks_statistic',
  ksPValue: 'ks_p_value',
  chiSquareStatistic: 'chi_square_statistic',
  chiSquarePValue: 'chi_square_p_value',
  wasserstein: 'wasserstein',
  wassersteinNormalized: 'wasserstein_normalized',
  jensenShannon: 'jensen_shannon',
  effectSize: 'effect_size',
  effectThreshold: 'effect_threshold',
  drifted: 'drifted',
  evaluated: 'evaluated',
};

export const FEATURE_METRIC_FIELDS = Object.keys(FEATURE_METRIC_COLUMNS) as Array<keyof FeatureMetricValues>;

/** A stored metric row with the report it belongs to. */
export interface FeatureMetricRow extends FeatureMetricValues {
  driftReportId: string;
}

/** One feature's statistics in one report, oldest first (the API's FeatureMetricPoint). */
export const METRIC_HISTORY_FIELDS = [
  'method',
  'statistic',
  'pValue',
  'adjustedPValue',
  'threshold',
  'psi',
  'ksStatistic',
  'chiSquareStatistic',
  'wassersteinNormalized',
  'jensenShannon',
  'effectSize',
  'effectThreshold',
  'drifted',
  'evaluated',
] as const;

export type FeatureMetricHistoryRow = Pick<FeatureMetricValues, (typeof METRIC_HISTORY_FIELDS)[number]> & {
  reportId: string;
  reportKind: DriftReportKind;
  createdAt: Date;
};

/** What the HTML report and the API need beyond the metric columns: binned data, never rows. */
export interface StoredFeatureDetails {
  feature: string;
  reason: string | null;
  effectSize: number | null;
  effectThreshold: number;
  psiExcess: number | null;
  sampleSize: number;
  chiSquareDof: number | null;
  histogram: FeatureDriftResult['histogram'];
  ecdf: FeatureDriftResult['ecdf'] | null;
  /** Window checks on binned data: the statistics' error bounds (absent: computed on raw rows). */
  binning?: FeatureDriftResult['binning'];
  /** Absent in reports written before it existed (then derived from evaluated/drifted/reason). */
  status?: ColumnDriftStatus;
  chiSquarePValueMethod?: string | null;
}

export interface StoredReportDetails {
  baselineVersion: number;
  notEvaluated: string[];
  features: StoredFeatureDetails[];
  /** Which features moved the scores (absent in reports written before it existed). */
  scoreShift?: ScoreShift | null;
  /** Caveats about the verdict (absent in reports written before they existed). */
  warnings?: string[];
  /**
   * The scores' grade mix vs development: null when the model has no master scale, absent in
   * reports written before it existed.
   */
  gradeDistribution?: GradeDistributionResult | null;
}

/** A drift_reports row as read. `batchId` is the batches row's uuid, not the external batchId. */
export interface DriftReportRecord {
  id: string;
  kind: DriftReportKind;
  batchId: string | null;
  baselineId: string | null;
  modelVersion: string;
  status: DriftStatus;
  globalScore: number | null;
  driftedShare: number | null;
  rowCount: number;
  windowKind: string | null;
  windowStart: Date | null;
  windowEnd: Date | null;
  details: StoredReportDetails | null;
  createdAt: Date;
}

/** Where a report comes from: a batch, or a window of one model version's rows. */
export interface DriftReportSource {
  kind: DriftReportKind;
  batchUuid: string | null;
  baselineId: string;
  baselineVersion: number;
  modelVersion: string;
  windowKind?: string | null;
  windowStart?: Date | null;
  windowEnd?: Date | null;
}

/** A drift_reports row to insert (id and created_at come from PostgreSQL). */
export type NewDriftReport = Omit<DriftReportRecord, 'id' | 'createdAt' | 'batchId' | 'details'> & {
  batchUuid: string | null;
  details: StoredReportDetails;
};

/** A WINDOW report as the retraining reconciliation reads it. */
export interface WindowReportSummary {
  id: string;
  status: DriftStatus;
  windowEnd: Date;
  driftedShare: number | null;
}

/** Engine result -> stored values: the one place a non-finite statistic becomes null. */
export function featureMetricValues(f: FeatureDriftResult): FeatureMetricValues {
  return {
    feature: f.feature,
    kind: f.kind,
    method: f.method,
    statistic: finiteOrNull(f.statistic),
    pValue: finiteOrNull(f.pValue),
    adjustedPValue: finiteOrNull(f.adjustedPValue),
    threshold: finiteOrNull(f.threshold),
    psi: finiteOrNull(f.psi),
    ksStatistic: finiteOrNull(f.ks?.statistic),
    ksPValue: finiteOrNull(f.ks?.pValue),
    chiSquareStatistic: finiteOrNull(f.chiSquare?.statistic),
    chiSquarePValue: finiteOrNull(f.chiSquare?.pValue),
    wasserstein: finiteOrNull(f.wasserstein),
    wassersteinNormalized: finiteOrNull(f.wassersteinNormalized),
    jensenShannon: finiteOrNull(f.jensenShannon),
    effectSize: finiteOrNull(f.effectSize),
    effectThreshold: finiteOrNull(f.effectThreshold),
    drifted: f.drifted,
    evaluated: f.evaluated,
  };
}

/** The binned data a report keeps for its HTML view (shared by the service and the CLI). */
export function reportDetails(result: DriftCheckResult, baselineVersion: number): StoredReportDetails {
  return {
    baselineVersion,
    notEvaluated: result.notEvaluated,
    scoreShift: result.scoreShift ?? null,
    warnings: result.warnings,
    gradeDistribution: result.gradeDistribution ?? null,
    features: result.features.map((f) => ({
      feature: f.feature,
      reason: f.reason ?? null,
      effectSize: f.effectSize,
      effectThreshold: f.effectThreshold,
      psiExcess: f.psiExcess,
      sampleSize: f.sampleSize,
      chiSquareDof: f.chiSquare?.dof ?? null,
      histogram: f.histogram,
      ecdf: f.ecdf ?? null,
      ...(f.binning ? { binning: f.binning } : {}),
      status: f.status,
      chiSquarePValueMethod: f.chiSquare?.pValueMethod ?? null,
    })),
  };
}

/** The row to insert for a checked result, and its metric rows in the result's feature order. */
export function newDriftReport(
  source: DriftReportSource,
  result: DriftCheckResult,
): { report: NewDriftReport; metrics: FeatureMetricValues[] } {
  return {
    report: {
      kind: source.kind,
      batchUuid: source.batchUuid,
      baselineId: source.baselineId,
      modelVersion: source.modelVersion,
      status: result.status,
      globalScore: finiteOrNull(result.globalScore),
      driftedShare: finiteOrNull(result.driftedShare),
      rowCount: result.rowCount,
      windowKind: source.windowKind ?? null,
      windowStart: source.windowStart ?? null,
      windowEnd: source.windowEnd ?? null,
      details: reportDetails(result, source.baselineVersion),
    },
    metrics: result.features.map(featureMetricValues),
  };
}

/** Stored values (+ the feature's details) -> API model. */
export function toFeatureDriftMetric(m: FeatureMetricValues, details: StoredFeatureDetails | undefined): FeatureDriftMetric {
  return {
    feature: m.feature,
    kind: m.kind,
    method: m.method,
    statistic: m.statistic,
    pValue: m.pValue,
    adjustedPValue: m.adjustedPValue,
    threshold: m.threshold,
    psi: m.psi,
    ks: m.ksStatistic === null ? null : { statistic: m.ksStatistic, pValue: m.ksPValue },
    chiSquare:
      m.chiSquareStatistic === null
        ? null
        : { statistic: m.chiSquareStatistic, pValue: m.chiSquarePValue, pValueMethod: details?.chiSquarePValueMethod ?? null },
    wasserstein: m.wasserstein,
    wassersteinNormalized: m.wassersteinNormalized,
    jensenShannon: m.jensenShannon,
    effectSize: m.effectSize,
    effectThreshold: m.effectThreshold,
    drifted: m.drifted,
    evaluated: m.evaluated,
    reason: details?.reason ?? null,
    binning: details?.binning ?? null,
    status: details?.status ?? legacyColumnStatus(m, details),
  };
}

/** A column's status for reports stored before it was recorded: from its verdict and reason. */
function legacyColumnStatus(m: FeatureMetricValues, details: StoredFeatureDetails | undefined): ColumnDriftStatus {
  if (m.evaluated) return m.drifted ? 'DRIFT' : 'STABLE';
  return details?.reason?.startsWith('insufficient data') ? 'INSUFFICIENT_DATA' : 'NOT_EVALUATED';
}

/** Stored values -> the DriftReportCreated event's per-feature summary (all but the raw test pairs, W1 and the effect gate). */
export function toFeatureDriftSummary(m: FeatureMetricValues): FeatureDriftSummary {
  const {
    ksStatistic: _ks,
    ksPValue: _ksP,
    chiSquareStatistic: _chi,
    chiSquarePValue: _chiP,
    wasserstein: _w1,
    effectSize: _effect,
    effectThreshold: _gate,
    ...summary
  } = m;
  return summary;
}

/** The event for a report just written in this transaction. */
export function driftReportCreated(
  checked: { id: string; createdAt: Date; result: DriftCheckResult },
  kind: DriftReportKind,
  batchUuid: string | null,
  modelVersion: string,
  dataQuality: DriftReportCreated['dataQuality'],
): DriftReportCreated {
  const { result } = checked;
  return {
    reportId: checked.id,
    kind,
    batchId: batchUuid,
    modelVersion,
    status: result.status,
    globalScore: result.globalScore,
    driftedShare: result.driftedShare,
    rowCount: result.rowCount,
    dataQuality,
    scoreShift: result.scoreShift ?? null,
    occurredAt: checked.createdAt,
    features: result.features.map((f) => toFeatureDriftSummary(featureMetricValues(f))),
  };
}

/** Report-level fields shared by stored and just-checked reports. */
function reportModel(
  base: Omit<DriftReport, 'reportUrl' | 'features' | 'status' | 'scoreShift' | 'gradeDistribution'> & {
    status: DriftStatus;
    scoreShift: ScoreShift | null;
    gradeDistribution: GradeDistributionResult | null;
  },
  metrics: FeatureMetricValues[],
  details: StoredFeatureDetails[],
): DriftReport {
  const byFeature = new Map(details.map((f) => [f.feature, f]));
  return {
    ...base,
    status: base.status as DriftStatusValue,
    reportUrl: `/reports/${base.id}`,
    features: metrics.map((m) => toFeatureDriftMetric(m, byFeature.get(m.feature))),
  };
}

/** Stored rows (report + metrics + details) to the API model. */
export function toDriftReport(report: DriftReportRecord, metrics: FeatureMetricValues[], externalBatchId: string | null): DriftReport {
  const details = report.details ?? { features: [], notEvaluated: [], baselineVersion: null };
  return reportModel(
    {
      id: report.id,
      kind: report.kind,
      status: report.status,
      globalScore: report.globalScore,
      driftedShare: report.driftedShare,
      rowCount: report.rowCount,
      modelVersion: report.modelVersion,
      baselineVersion: details.baselineVersion ?? null,
      batchId: externalBatchId,
      windowKind: report.windowKind,
      windowStart: report.windowStart,
      windowEnd: report.windowEnd,
      createdAt: report.createdAt,
      scoreShift: report.details?.scoreShift ?? null,
      warnings: report.details?.warnings ?? [],
      gradeDistribution: report.details?.gradeDistribution ?? null,
    },
    metrics,
    details.features,
  );
}

/** A report just checked and written in this transaction (or by the CLI), without reading it back. */
export function checkedToDriftReport(
  checked: { id: string; createdAt: Date; baselineVersion: number; result: DriftCheckResult },
  kind: DriftReportKind,
  modelVersion: string,
  externalBatchId: string | null,
): DriftReport {
  const { result } = checked;
  return reportModel(
    {
      id: checked.id,
      kind,
      status: result.status,
      globalScore: result.globalScore,
      driftedShare: result.driftedShare,
      rowCount: result.rowCount,
      modelVersion,
      baselineVersion: checked.baselineVersion,
      batchId: externalBatchId,
      windowKind: null,
      windowStart: null,
      windowEnd: null,
      createdAt: checked.createdAt,
      scoreShift: result.scoreShift ?? null,
      warnings: result.warnings,
      gradeDistribution: result.gradeDistribution ?? null,
    },
    result.features.map(featureMetricValues),
    reportDetails(result, checked.baselineVersion).features,
  );
}

import { finiteOrNull } from '../stats/finite';
import { DriftCheckResult } from '../drift-engine/result-types';
import { FeatureDriftMetricEntity } from './entities/feature-drift-metric.entity';
import { DriftReportEntity } from './entities/drift-report.entity';
import { StoredReportDetails } from './drift-report.writer';
import { DriftReport, DriftStatusValue, FeatureDriftMetric } from './models/drift-report.model';

/** Entity rows (report + metrics + stored details) to the API model. */
export function toDriftReport(
  report: DriftReportEntity,
  metrics: FeatureDriftMetricEntity[],
  externalBatchId: string | null,
): DriftReport {
  const details = (report.details ?? { features: [], notEvaluated: [], baselineVersion: null }) as unknown as StoredReportDetails;
  const byFeature = new Map(details.features.map((f) => [f.feature, f]));
  return {
    id: report.id,
    kind: report.kind,
    status: report.status as DriftStatusValue,
    globalScore: report.globalScore,
    driftedShare: report.driftedShare,
    rowCount: report.rowCount,
    modelVersion: report.modelVersion,
    baselineVersion: details.baselineVersion ?? null,
    batchId: externalBatchId,
    windowKind: report.windowKind,
    windowStart: report.windowStart,
    windowEnd: report.windowEnd,
    reportUrl: `/reports/${report.id}`,
    createdAt: report.createdAt,
    features: metrics.map((m) => toFeatureMetric(m, byFeature.get(m.feature))),
  };
}

function toFeatureMetric(m: FeatureDriftMetricEntity, details: StoredReportDetails['features'][number] | undefined): FeatureDriftMetric {
  return {
    feature: m.feature,
    kind: m.featureKind,
    method: m.method,
    statistic: m.statistic,
    pValue: m.pValue,
    adjustedPValue: m.adjustedPValue,
    threshold: m.threshold,
    psi: m.psi,
    ks: m.ksStatistic === null ? null : { statistic: m.ksStatistic, pValue: m.ksPValue },
    chiSquare: m.chiSquareStatistic === null ? null : { statistic: m.chiSquareStatistic, pValue: m.chiSquarePValue },
    wasserstein: m.wasserstein,
    wassersteinNormalized: m.wassersteinNormalized,
    jensenShannon: m.jensenShannon,
    effectSize: details?.effectSize ?? null,
    effectThreshold: details?.effectThreshold ?? null,
    drifted: m.drifted,
    evaluated: m.evaluated,
    reason: details?.reason ?? null,
  };
}

/** A report just checked and written in this transaction, without reading it back. */
export function checkedToDriftReport(
  checked: { id: string; createdAt: Date; baselineVersion: number; result: DriftCheckResult },
  kind: 'BATCH' | 'WINDOW',
  modelVersion: string,
  externalBatchId: string | null,
): DriftReport {
  const { result } = checked;
  return {
    id: checked.id,
    kind,
    status: result.status as DriftStatusValue,
    globalScore: result.globalScore,
    driftedShare: result.driftedShare,
    rowCount: result.rowCount,
    modelVersion,
    baselineVersion: checked.baselineVersion,
    batchId: externalBatchId,
    windowKind: null,
    windowStart: null,
    windowEnd: null,
    reportUrl: `/reports/${checked.id}`,
    createdAt: checked.createdAt,
    features: result.features.map((f) => ({
      feature: f.feature,
      kind: f.kind,
      method: f.method,
      statistic: finiteOrNull(f.statistic),
      pValue: finiteOrNull(f.pValue),
      adjustedPValue: finiteOrNull(f.adjustedPValue),
      threshold: finiteOrNull(f.threshold),
      psi: finiteOrNull(f.psi),
      ks: f.ks ? { statistic: f.ks.statistic, pValue: finiteOrNull(f.ks.pValue) } : null,
      chiSquare: f.chiSquare ? { statistic: f.chiSquare.statistic, pValue: finiteOrNull(f.chiSquare.pValue) } : null,
      wasserstein: finiteOrNull(f.wasserstein),
      wassersteinNormalized: finiteOrNull(f.wassersteinNormalized),
      jensenShannon: finiteOrNull(f.jensenShannon),
      effectSize: finiteOrNull(f.effectSize),
      effectThreshold: finiteOrNull(f.effectThreshold),
      drifted: f.drifted,
      evaluated: f.evaluated,
      reason: f.reason ?? null,
    })),
  };
}

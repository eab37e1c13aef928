import { finiteOrNull } from '../stats/finite';
import { EntityManager } from 'typeorm';
import { DriftCheckResult, FeatureDriftResult } from '../drift-engine/result-types';

export interface DriftReportRow {
  kind: 'BATCH' | 'WINDOW';
  batchUuid: string | null;
  baselineId: string;
  baselineVersion: number;
  modelVersion: string;
  windowKind?: string | null;
  windowStart?: Date | null;
  windowEnd?: Date | null;
}

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
}

export interface StoredReportDetails {
  baselineVersion: number;
  notEvaluated: string[];
  features: StoredFeatureDetails[];
}

const METRIC_COLUMNS = [
  'drift_report_id', 'feature', 'feature_kind', 'method', 'statistic', 'p_value', 'adjusted_p_value', 'threshold', 'psi',
  'ks_statistic', 'ks_p_value', 'chi_square_statistic', 'chi_square_p_value', 'wasserstein', 'wasserstein_normalized',
  'jensen_shannon', 'drifted', 'evaluated',
];

/** The binned data a report keeps for its HTML view (shared by the service and the CLI). */
export function reportDetails(result: DriftCheckResult, baselineVersion: number): StoredReportDetails {
  return {
    baselineVersion,
    notEvaluated: result.notEvaluated,
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
    })),
  };
}

/**
 * Writes one drift report and its per-feature metrics with the caller's manager (inside the
 * ingestion or window-check transaction). Returns the report id, or null when a WINDOW report
 * for the same (model, window kind, window end) already exists (a second run of the same tick).
 */
export async function writeDriftReport(manager: EntityManager, row: DriftReportRow, result: DriftCheckResult): Promise<{ id: string; createdAt: Date } | null> {
  const details = reportDetails(result, row.baselineVersion);
  const inserted: Array<{ id: string; created_at: Date }> = await manager.query(
    `INSERT INTO drift_reports (kind, batch_id, baseline_id, model_version, status, global_score, drifted_share, row_count,
                                window_kind, window_start, window_end, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT DO NOTHING
     RETURNING id, created_at`,
    [
      row.kind, row.batchUuid, row.baselineId, row.modelVersion, result.status, finiteOrNull(result.globalScore), finiteOrNull(result.driftedShare),
      result.rowCount, row.windowKind ?? null, row.windowStart ?? null, row.windowEnd ?? null, JSON.stringify(details),
    ],
  );
  if (inserted.length === 0) return null;
  const reportId = inserted[0].id;
  const values: unknown[] = [];
  const tuples = result.features.map((f, i) => {
    values.push(
      reportId, f.feature, f.kind, f.method, finiteOrNull(f.statistic), finiteOrNull(f.pValue), finiteOrNull(f.adjustedPValue), finiteOrNull(f.threshold),
      finiteOrNull(f.psi), finiteOrNull(f.ks?.statistic), finiteOrNull(f.ks?.pValue), finiteOrNull(f.chiSquare?.statistic), finiteOrNull(f.chiSquare?.pValue),
      finiteOrNull(f.wasserstein), finiteOrNull(f.wassersteinNormalized), finiteOrNull(f.jensenShannon), f.drifted, f.evaluated,
    );
    const base = i * METRIC_COLUMNS.length;
    return `(${METRIC_COLUMNS.map((_, c) => `$${base + c + 1}`).join(', ')})`;
  });
  if (tuples.length) {
    await manager.query(`INSERT INTO feature_drift_metrics (${METRIC_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
  return { id: reportId, createdAt: inserted[0].created_at };
}

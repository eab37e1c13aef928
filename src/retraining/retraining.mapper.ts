import type { ModelVersionRow } from '../scoring/model-versions.repository';
import { ModelComparison, ModelMetrics, ModelVersion } from './models/model-version.model';
import { ModelVersionStatusValue, RetrainingCauseValue, RetrainingStatusValue } from './models/retraining.enums';
import { RetrainingEvent } from './models/retraining-event.model';

/** Raw rows (snake_case, from manager.query) to API models: the table shape stays out of the API. */

export interface RetrainingEventRow {
  id: string;
  model_version: string;
  cause: string;
  status: string;
  reason: string;
  details: Record<string, unknown> | null;
  created_at: Date;
  resolved_at: Date | null;
}

export function toRetrainingEvent(row: RetrainingEventRow): RetrainingEvent {
  return {
    id: row.id,
    modelVersion: row.model_version,
    cause: row.cause as RetrainingCauseValue,
    status: row.status as RetrainingStatusValue,
    reason: row.reason,
    details: row.details,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

export function toModelVersion(row: ModelVersionRow): ModelVersion {
  const metrics = row.metrics;
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    status: row.status as ModelVersionStatusValue,
    retrainRequired: row.retrain_required,
    retrainReason: row.retrain_reason,
    threshold: row.threshold ?? null,
    comparison: isComparison(metrics) ? toComparison(metrics) : null,
    metrics,
    createdAt: row.created_at,
    promotedAt: row.promoted_at,
    trainedBy: row.trained_by,
    promotedBy: row.promoted_by,
  };
}

function isComparison(metrics: Record<string, unknown> | null): metrics is Record<string, unknown> & { challenger: ModelMetrics } {
  return !!metrics && typeof metrics.challenger === 'object' && typeof metrics.champion === 'object';
}

function toComparison(metrics: Record<string, unknown>): ModelComparison {
  const m = metrics as unknown as ModelComparison & { fromDate: string; toDate: string };
  return {
    challenger: m.challenger,
    champion: m.champion,
    championVersion: m.championVersion,
    holdoutRows: m.holdoutRows,
    trainingRows: m.trainingRows,
    trainingDataRows: m.trainingDataRows ?? 0,
    fromDate: new Date(m.fromDate),
    toDate: new Date(m.toDate),
  };
}

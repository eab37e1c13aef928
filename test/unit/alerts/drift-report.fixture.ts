import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AlertsService } from '../../../src/alerts/alerts.service';
import { DataQualityFacts, DriftReportCreated, FeatureDriftSummary } from '../../../src/common/events/domain-events';
import { DRIFT_COLUMNS } from '../../../src/drift-engine/columns';
import { MULTIVARIATE_COLUMN } from '../../../src/drift-engine/multivariate';

/** Shared by the alert unit and integration tests (not a spec: jest only runs *.spec.ts). */

/** The report's columns as the drift engine lists them: the inputs, the prediction, then the joint distribution. */
export const FEATURES: readonly string[] = [...DRIFT_COLUMNS, MULTIVARIATE_COLUMN];
export const MODEL = 'model-test-1';

export interface ReportSpec {
  kind?: 'BATCH' | 'WINDOW';
  modelVersion?: string;
  /** Drifted features with their PSI; every other feature is evaluated and stable (PSI 0.01). */
  drifted?: Record<string, number>;
  notEvaluated?: string[];
  status?: DriftReportCreated['status'];
  dataQuality?: Partial<DataQualityFacts> | null;
  occurredAt?: Date;
  /** Per-feature fields that differ from the defaults (a p-value, an effect size, …). */
  overrides?: Record<string, Partial<FeatureDriftSummary>>;
  /** No 'multivariate' row: a baseline without a joint-distribution model (or a report from before it). */
  withoutMultivariate?: boolean;
  scoreShift?: DriftReportCreated['scoreShift'];
}

export function feature(name: string, psi: number, drifted: boolean, evaluated = true): FeatureDriftSummary {
  if (name === MULTIVARIATE_COLUMN) {
    // Decided like a numeric column: a KS test on reconstruction errors, with Wasserstein as effect.
    return {
      feature: name,
      kind: 'numeric',
      method: 'ks',
      statistic: evaluated ? (drifted ? 0.4 : 0.03) : null,
      pValue: evaluated ? (drifted ? 2.5e-12 : 0.6) : null,
      adjustedPValue: evaluated ? (drifted ? 2.5e-11 : 1) : null,
      threshold: 0.05,
      psi: evaluated ? psi : null,
      wassersteinNormalized: evaluated ? (drifted ? 1.25 : 0.02) : null,
      jensenShannon: null,
      drifted: evaluated && drifted,
      evaluated,
    };
  }
  return {
    feature: name,
    kind: name === 'numOpenAccounts' || name === 'delinquencyCount' ? 'discrete' : 'numeric',
    method: 'psi',
    statistic: evaluated ? psi : null,
    pValue: null,
    adjustedPValue: null,
    threshold: 0.1,
    psi: evaluated ? psi : null,
    wassersteinNormalized: null,
    jensenShannon: null,
    drifted: evaluated && drifted,
    evaluated,
  };
}

export function driftReport(spec: ReportSpec = {}): DriftReportCreated {
  const drifted = spec.drifted ?? {};
  const kind = spec.kind ?? 'BATCH';
  const columns = spec.withoutMultivariate ? FEATURES.filter((name) => name !== MULTIVARIATE_COLUMN) : FEATURES;
  const features = columns.map((name) => ({
    ...feature(name, drifted[name] ?? 0.01, name in drifted, !spec.notEvaluated?.includes(name)),
    ...spec.overrides?.[name],
  }));
  const driftedInputs = Object.keys(drifted).filter((name) => name !== 'prediction' && name !== MULTIVARIATE_COLUMN).length;
  const rowCount = 500;
  return {
    reportId: randomUUID(),
    kind,
    batchId: null,
    modelVersion: spec.modelVersion ?? MODEL,
    status: spec.status ?? (Object.keys(drifted).length ? 'DRIFT' : 'STABLE'),
    globalScore: Math.max(0.01, ...Object.values(drifted)),
    driftedShare: driftedInputs / 8,
    rowCount,
    features,
    dataQuality:
      spec.dataQuality === null || kind === 'WINDOW'
        ? null
        : { rowCount, duplicateCustomerIds: 0, duplicateRows: 0, outOfSupportValues: 0, ...spec.dataQuality },
    scoreShift: spec.scoreShift ?? null,
    occurredAt: spec.occurredAt ?? new Date(),
  };
}

/** Writes the drift_reports row the alert references (as the drift module does), in the same transaction. */
export async function insertReportRow(manager: EntityManager, event: DriftReportCreated): Promise<void> {
  await manager.query(`INSERT INTO drift_reports (id, kind, model_version, status, row_count) VALUES ($1, $2, $3, $4, $5)`, [
    event.reportId,
    event.kind,
    event.modelVersion,
    event.status,
    event.rowCount,
  ]);
}

/** What the drift module will do: report row + AlertsService.onDriftReport in one transaction. */
export async function reportDrift(app: INestApplication, spec: ReportSpec | DriftReportCreated = {}): Promise<DriftReportCreated> {
  const event = 'reportId' in spec ? spec : driftReport(spec);
  const alerts = app.get(AlertsService);
  await app.get(DataSource).transaction(async (manager) => {
    await insertReportRow(manager, event);
    await alerts.onDriftReport(manager, event);
  });
  return event;
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { Connection, encodeCursor, toConnection, UUID_PATTERN } from '../common/pagination/connection';
import { AppConfig } from '../config/app-config';
import { ColumnKind, defaultColumnKinds, DRIFT_COLUMNS } from '../drift-engine/columns';
import { columnSettings, resolveDriftConfig } from '../drift-engine/config';
import { MULTIVARIATE_COLUMN } from '../drift-engine/multivariate';
import { BatchesRepository } from '../prediction-logs/batches.repository';
import { DriftInputError } from './drift.errors';
import { driftConfigFor } from './drift-config';
import { DriftReportRecord, StoredReportDetails, toDriftReport, WindowReportSummary } from './drift-report.mapper';
import { DriftReportsRepository } from './drift-reports.repository';
import { DriftReportKind } from './entities/drift-report.entity';
import { DriftReport, FeatureMetricPoint } from './models/drift-report.model';
import { DriftSettings } from './models/drift-settings.model';

const MAX_HISTORY_POINTS = 5_000;

/** Read side of drift: reports, their metrics, and per-feature history. */
@Injectable()
export class DriftQueryService {
  constructor(
    private readonly config: AppConfig,
    private readonly driftReports: DriftReportsRepository,
    private readonly batches: BatchesRepository,
  ) {}

  async report(id: string): Promise<DriftReport> {
    return (await this.reportView(id)).report;
  }

  /** The report plus the binned details the HTML report draws (both from one read of the row). */
  async reportView(id: string): Promise<{ report: DriftReport; details: StoredReportDetails }> {
    if (!UUID_PATTERN.test(id)) throw new NotFoundError('Drift report', id);
    const record = await this.driftReports.findById(id);
    if (!record) throw new NotFoundError('Drift report', id);
    const [report] = await this.withMetrics([record]);
    return { report, details: record.details as StoredReportDetails };
  }

  async reports(
    first: number | null | undefined,
    after: string | null | undefined,
    from?: Date | null,
    to?: Date | null,
    kind?: DriftReportKind | null,
  ): Promise<Connection<DriftReport>> {
    const { rows, limit, totalCount } = await this.driftReports.page({ first, after, from, to, kind: kind ?? null });
    const size = limit - 1;
    const reports = await this.withMetrics(rows.slice(0, size));
    const byId = new Map(reports.map((r) => [r.id, r]));
    return toConnection(
      rows,
      size,
      totalCount,
      (r) => encodeCursor([r.id]),
      (r) => byId.get(r.id)!,
    );
  }

  async metricsHistory(feature: string, from?: Date | null, to?: Date | null): Promise<FeatureMetricPoint[]> {
    if (from && to && from >= to) throw new DriftInputError('to', 'must be after from');
    return this.driftReports.metricsHistory(feature, from ?? null, to ?? null, MAX_HISTORY_POINTS);
  }

  /**
   * The thresholds checks run with now (global settings with per-column overrides), for charts
   * that draw them next to the stored statistics. A report keeps the deciding gate's threshold of
   * its own time in each metric row (FeatureMetricPoint.threshold).
   */
  settings(): DriftSettings {
    const resolved = resolveDriftConfig(driftConfigFor(this.config, true));
    const kinds: Record<string, ColumnKind> = { ...defaultColumnKinds(), [MULTIVARIATE_COLUMN]: 'numeric' };
    return {
      minSampleSize: resolved.minSampleSize,
      alertPsiModerate: this.config.alerts.psiModerate,
      alertPsiSignificant: this.config.alerts.psiSignificant,
      // The multivariate column is judged like a numeric column, with its own per-column overrides.
      columns: [...DRIFT_COLUMNS, MULTIVARIATE_COLUMN].map((feature) => {
        const column = columnSettings(resolved, feature);
        return {
          feature,
          kind: kinds[feature],
          enabled: column.enabled,
          alpha: column.alpha,
          psiThreshold: column.psiThreshold,
          effectThreshold: kinds[feature] === 'numeric' ? column.wassersteinThreshold : column.jensenShannonThreshold,
        };
      }),
    };
  }

  /** Whether the window check already wrote this window's report (inside the check's transaction). */
  windowAlreadyChecked(manager: EntityManager, modelVersion: string, windowKind: string, windowEnd: Date): Promise<boolean> {
    return this.driftReports.windowReportExists(manager, modelVersion, windowKind, windowEnd);
  }

  /** The latest `count` WINDOW reports of one window kind for a model version, newest window first. */
  recentWindowReports(manager: EntityManager, modelVersion: string, windowKind: string, count: number): Promise<WindowReportSummary[]> {
    return this.driftReports.recentWindowReports(manager, modelVersion, windowKind, count);
  }

  private async withMetrics(reports: DriftReportRecord[]): Promise<DriftReport[]> {
    if (reports.length === 0) return [];
    const metrics = await this.driftReports.metricsOf(reports.map((r) => r.id));
    const external = await this.batches.keysOf(reports.map((r) => r.batchId).filter((id): id is string => id !== null));
    return reports.map((report) =>
      toDriftReport(
        report,
        metrics.filter((m) => m.driftReportId === report.id),
        report.batchId ? (external.get(report.batchId) ?? null) : null,
      ),
    );
  }
}

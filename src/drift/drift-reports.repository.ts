import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newestFirstPage } from '../common/pagination/connection';
import {
  DriftReportRecord,
  FEATURE_METRIC_COLUMNS,
  FEATURE_METRIC_FIELDS,
  FeatureMetricHistoryRow,
  FeatureMetricRow,
  FeatureMetricValues,
  METRIC_HISTORY_FIELDS,
  NewDriftReport,
  WindowReportSummary,
} from './drift-report.mapper';
import { DriftReportKind } from './entities/drift-report.entity';

const KEYSET = { table: 'drift_reports', alias: 'r', timeColumn: 'created_at' } as const;

const REPORT_SELECT = `r.id, r.kind, r.batch_id AS "batchId", r.baseline_id AS "baselineId", r.model_version AS "modelVersion", r.status,
  r.global_score AS "globalScore", r.drifted_share AS "driftedShare", r.row_count AS "rowCount", r.window_kind AS "windowKind",
  r.window_start AS "windowStart", r.window_end AS "windowEnd", r.details, r.created_at AS "createdAt"`;

/** `m.p_value AS "pValue", ...` for the given stored fields (the mapper's column table). */
function metricSelect(fields: ReadonlyArray<keyof FeatureMetricValues>): string {
  return fields.map((field) => `m.${FEATURE_METRIC_COLUMNS[field]} AS "${field}"`).join(', ');
}

const INSERT_METRIC_COLUMNS = ['drift_report_id', ...FEATURE_METRIC_FIELDS.map((field) => FEATURE_METRIC_COLUMNS[field])];

/** A page of the drift report list: keyset position and an optional created_at range. */
export interface DriftReportPageQuery {
  first: number | null | undefined;
  after: string | null | undefined;
  /** Created at or after. */
  from?: Date | null;
  /** Created before. */
  to?: Date | null;
  /** Only reports of this kind. */
  kind?: DriftReportKind | null;
}

/**
 * The only SQL on `drift_reports` and `feature_drift_metrics`. Writes and the window checks'
 * lookups take the caller's transaction manager (a report commits with its batch or window
 * check); the API reads use the pool.
 */
@Injectable()
export class DriftReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes one report and its metric rows. Returns null when a WINDOW report for the same
   * (model, window kind, window end) already exists (a second run of the same tick).
   */
  async insert(
    manager: EntityManager,
    report: NewDriftReport,
    metrics: ReadonlyArray<FeatureMetricValues>,
  ): Promise<{ id: string; createdAt: Date } | null> {
    const inserted: Array<{ id: string; createdAt: Date }> = await manager.query(
      `INSERT INTO drift_reports (kind, batch_id, baseline_id, model_version, status, global_score, drifted_share, row_count,
                                  window_kind, window_start, window_end, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT DO NOTHING
       RETURNING id, created_at AS "createdAt"`,
      [
        report.kind,
        report.batchUuid,
        report.baselineId,
        report.modelVersion,
        report.status,
        report.globalScore,
        report.driftedShare,
        report.rowCount,
        report.windowKind,
        report.windowStart,
        report.windowEnd,
        JSON.stringify(report.details),
      ],
    );
    if (inserted.length === 0) return null;
    const { id } = inserted[0];
    // One row per monitored column (nine): far below the bind-parameter limit, so one statement.
    const values: unknown[] = [];
    const tuples = metrics.map((m, i) => {
      values.push(id, ...FEATURE_METRIC_FIELDS.map((field) => m[field]));
      const base = i * INSERT_METRIC_COLUMNS.length;
      return `(${INSERT_METRIC_COLUMNS.map((_, c) => `$${base + c + 1}`).join(', ')})`;
    });
    if (tuples.length) {
      await manager.query(`INSERT INTO feature_drift_metrics (${INSERT_METRIC_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
    }
    return inserted[0];
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<DriftReportRecord | null> {
    const [row]: DriftReportRecord[] = await manager.query(`SELECT ${REPORT_SELECT} FROM drift_reports r WHERE r.id = $1`, [id]);
    return row ?? null;
  }

  /**
   * One page of reports, newest first, with the count of all reports in the time range.
   * `rows` holds up to `limit` rows: one more than the page, telling whether a next page exists.
   */
  async page(query: DriftReportPageQuery): Promise<{ rows: DriftReportRecord[]; limit: number; totalCount: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.from) where.push(`r.created_at >= $${params.push(query.from)}`);
    if (query.to) where.push(`r.created_at < $${params.push(query.to)}`);
    if (query.kind) where.push(`r.kind = $${params.push(query.kind)}`);
    const keyset = newestFirstPage(KEYSET, query.first, query.after, params.length + 1);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }]: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM drift_reports r ${filter}`, params);
    if (keyset.condition) where.push(keyset.condition);
    const pageParams = [...params, ...keyset.params, keyset.limit];
    const rows: DriftReportRecord[] = await this.dataSource.query(
      `SELECT ${REPORT_SELECT} FROM drift_reports r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.created_at DESC, r.id DESC LIMIT $${pageParams.length}`,
      pageParams,
    );
    return { rows, limit: keyset.limit, totalCount: n };
  }

  /** The metric rows of these reports, in insertion (feature) order. */
  async metricsOf(reportIds: ReadonlyArray<string>): Promise<FeatureMetricRow[]> {
    if (reportIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT m.drift_report_id AS "driftReportId", ${metricSelect(FEATURE_METRIC_FIELDS)}
       FROM feature_drift_metrics m WHERE m.drift_report_id = ANY($1::uuid[]) ORDER BY m.id`,
      [reportIds],
    );
  }

  /** One feature's metrics over time, oldest first, at most `limit` points. */
  async metricsHistory(feature: string, from: Date | null, to: Date | null, limit: number): Promise<FeatureMetricHistoryRow[]> {
    return this.dataSource.query(
      `SELECT m.drift_report_id AS "reportId", r.kind AS "reportKind", m.created_at AS "createdAt", ${metricSelect(METRIC_HISTORY_FIELDS)}
       FROM feature_drift_metrics m JOIN drift_reports r ON r.id = m.drift_report_id
       WHERE m.feature = $1 AND ($2::timestamptz IS NULL OR m.created_at >= $2) AND ($3::timestamptz IS NULL OR m.created_at < $3)
       ORDER BY m.created_at, m.id LIMIT $4`,
      [feature, from, to, limit],
    );
  }

  /** Whether this window of this model version already has its WINDOW report. */
  async windowReportExists(manager: EntityManager, modelVersion: string, windowKind: string, windowEnd: Date): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM drift_reports WHERE kind = 'WINDOW' AND model_version = $1 AND window_kind = $2 AND window_end = $3`,
      [modelVersion, windowKind, windowEnd],
    );
    return rows.length > 0;
  }

  /** The latest `limit` WINDOW reports of one window kind for a model version, newest window first. */
  async recentWindowReports(
    manager: EntityManager,
    modelVersion: string,
    windowKind: string,
    limit: number,
  ): Promise<WindowReportSummary[]> {
    return manager.query(
      `SELECT id, status, window_end AS "windowEnd", drifted_share AS "driftedShare" FROM drift_reports
       WHERE kind = 'WINDOW' AND model_version = $1 AND window_kind = $2
       ORDER BY window_end DESC LIMIT $3`,
      [modelVersion, windowKind, limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { Connection, decodeIdCursor, encodeCursor, pageSize, toConnection, UUID_PATTERN } from '../common/pagination/connection';
import { toDriftReport } from './drift-report.mapper';
import { StoredReportDetails } from './drift-report.writer';
import { DriftReportEntity } from './entities/drift-report.entity';
import { FeatureDriftMetricEntity } from './entities/feature-drift-metric.entity';
import { DriftReport, FeatureMetricPoint } from './models/drift-report.model';

const MAX_HISTORY_POINTS = 5_000;

/** Read side of drift: reports, their metrics, and per-feature history. */
@Injectable()
export class DriftQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async report(id: string): Promise<DriftReport> {
    return (await this.reportView(id)).report;
  }

  /** The report plus the binned details the HTML report draws (both from one read of the row). */
  async reportView(id: string): Promise<{ report: DriftReport; details: StoredReportDetails }> {
    if (!UUID_PATTERN.test(id)) throw new NotFoundError('Drift report', id);
    const entity = await this.dataSource.getRepository(DriftReportEntity).findOneBy({ id });
    if (!entity) throw new NotFoundError('Drift report', id);
    const [report] = await this.withMetrics([entity]);
    return { report, details: entity.details as unknown as StoredReportDetails };
  }

  async reports(first: number | null | undefined, after: string | null | undefined, from?: Date | null, to?: Date | null): Promise<Connection<DriftReport>> {
    const size = pageSize(first);
    const repo = this.dataSource.getRepository(DriftReportEntity);
    const query = repo.createQueryBuilder('r');
    if (from) query.andWhere('r.created_at >= :from', { from });
    if (to) query.andWhere('r.created_at < :to', { to });
    const totalCount = await query.getCount();
    if (after) {
      const id = decodeIdCursor(after);
      query.andWhere('(r.created_at, r.id) < ((SELECT created_at FROM drift_reports WHERE id = :afterId), :afterId)', { afterId: id });
    }
    const rows = await query.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').limit(size + 1).getMany();
    const reports = await this.withMetrics(rows.slice(0, size));
    const byId = new Map(reports.map((r) => [r.id, r]));
    return toConnection(rows, size, totalCount, (r) => encodeCursor([r.id]), (r) => byId.get(r.id)!);
  }

  async metricsHistory(feature: string, from?: Date | null, to?: Date | null): Promise<FeatureMetricPoint[]> {
    if (from && to && from >= to) throw new DomainError('BAD_USER_INPUT', 'to: must be after from', { field: 'to' });
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT m.drift_report_id, r.kind, m.created_at, m.method, m.statistic, m.p_value, m.psi, m.wasserstein_normalized,
              m.jensen_shannon, m.drifted, m.evaluated
       FROM feature_drift_metrics m JOIN drift_reports r ON r.id = m.drift_report_id
       WHERE m.feature = $1 AND ($2::timestamptz IS NULL OR m.created_at >= $2) AND ($3::timestamptz IS NULL OR m.created_at < $3)
       ORDER BY m.created_at, m.id LIMIT $4`,
      [feature, from ?? null, to ?? null, MAX_HISTORY_POINTS],
    );
    return rows.map((r) => ({
      reportId: r.drift_report_id as string,
      reportKind: r.kind as string,
      createdAt: r.created_at as Date,
      method: r.method as string,
      statistic: r.statistic as number | null,
      pValue: r.p_value as number | null,
      psi: r.psi as number | null,
      wassersteinNormalized: r.wasserstein_normalized as number | null,
      jensenShannon: r.jensen_shannon as number | null,
      drifted: r.drifted as boolean,
      evaluated: r.evaluated as boolean,
    }));
  }

  private async withMetrics(reports: DriftReportEntity[]): Promise<DriftReport[]> {
    if (reports.length === 0) return [];
    const ids = reports.map((r) => r.id);
    const metrics = await this.dataSource
      .getRepository(FeatureDriftMetricEntity)
      .createQueryBuilder('m')
      .where('m.drift_report_id IN (:...ids)', { ids })
      .orderBy('m.id')
      .getMany();
    const batchIds: Array<{ id: string; batch_id: string }> = await this.dataSource.query(
      `SELECT id, batch_id FROM batches WHERE id = ANY($1::uuid[])`,
      [reports.map((r) => r.batchId).filter((id): id is string => id !== null)],
    );
    const external = new Map(batchIds.map((b) => [b.id, b.batch_id]));
    return reports.map((report) =>
      toDriftReport(report, metrics.filter((m) => m.driftReportId === report.id), report.batchId ? external.get(report.batchId) ?? null : null),
    );
  }
}

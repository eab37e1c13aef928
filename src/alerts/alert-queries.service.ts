import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { bucketedHistoryCost, bucketedRangeProblem, HISTORY_BUCKET_ORIGIN, MAX_HISTORY_BUCKETS } from '../common/graphql/history-cost';
import { Connection, decodeNumberCursor, encodeCursor, pageSize, toConnection, UUID_PATTERN } from '../common/pagination/connection';
import { toAlert, toAlertEvent } from './alert.mapper';
import { AlertEventsRepository } from './alert-events.repository';
import { AlertInputError } from './alerts.errors';
import { AlertsRepository } from './alerts.repository';
import { AlertsFilter } from './dto/alerts-filter.input';
import { Alert } from './models/alert.model';
import { AlertCountBucket, AlertCountPoint } from './models/alert-count-history.model';
import { AlertSeverity, AlertStatus } from './models/alert-enums';
import { AlertEvent } from './models/alert-event.model';
import { AlertSummary } from './models/alert-summary.model';

/** Read side of alerts: the filtered list, one alert, its history, the summary. */
@Injectable()
export class AlertQueriesService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly events: AlertEventsRepository,
  ) {}

  async getAlert(id: string): Promise<Alert> {
    const row = UUID_PATTERN.test(id) ? await this.alerts.findById(id) : null;
    if (!row) throw new NotFoundError('Alert', id);
    return toAlert(row);
  }

  /** Newest first; keyset cursor on (created_at, id) so pages stay stable while alerts arrive. */
  async listAlerts(
    filter: AlertsFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<Alert>> {
    const size = pageSize(first);
    const { rows, total } = await this.alerts.listPage(filter, size, after);
    return toConnection(rows, size, total, (row) => encodeCursor([row.id]), toAlert);
  }

  /** One alert's event history, oldest first; the cursor is the event id. */
  async listEvents(alertId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<AlertEvent>> {
    const size = pageSize(first, 100);
    const afterId = after ? decodeNumberCursor(after) : 0;
    const [rows, total] = await Promise.all([this.events.forAlert(alertId, afterId, size + 1), this.events.countForAlert(alertId)]);
    return toConnection(
      rows.map(toAlertEvent),
      size,
      total,
      (event) => encodeCursor([Number(event.id)]),
      (event) => event,
    );
  }

  async summary(): Promise<AlertSummary> {
    // The event id first: events up to it are already in the counts (and in any list read after).
    const latestEventId = await this.events.maxId();
    const rows = await this.alerts.countByStatusAndSeverity();
    const countOf = (status: AlertStatus, severity: AlertSeverity): number =>
      rows.find((r) => r.status === status && r.severity === severity)?.n ?? 0;
    const statuses = Object.values(AlertStatus);
    const severities = Object.values(AlertSeverity);
    const live = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED];
    return {
      total: rows.reduce((n, r) => n + r.n, 0),
      byStatus: statuses.map((status) => ({ status, count: severities.reduce((n, severity) => n + countOf(status, severity), 0) })),
      liveBySeverity: severities.map((severity) => ({ severity, count: live.reduce((n, status) => n + countOf(status, severity), 0) })),
      counts: statuses.flatMap((status) => severities.map((severity) => ({ status, severity, count: countOf(status, severity) }))),
      latestEventId: String(latestEventId),
    };
  }

  /** Alerts opened per time bucket by severity over [from, to), oldest first, only buckets with alerts. */
  async countHistory(from: Date, to: Date, bucket: AlertCountBucket): Promise<AlertCountPoint[]> {
    const problem = bucketedRangeProblem(from, to, {
      bucketMs: BUCKET_MS[bucket],
      maxBuckets: MAX_HISTORY_BUCKETS,
      bucketField: 'bucket',
      bucketName: bucket,
    });
    if (problem) throw new AlertInputError(problem.field, problem.rule);
    const rows = await this.alerts.openedPerBucket({ from, to, bucket: BUCKET_INTERVAL[bucket], origin: HISTORY_BUCKET_ORIGIN });
    const points = new Map<number, AlertCountPoint>();
    for (const row of rows) {
      const start = row.bucket.getTime();
      let point = points.get(start);
      if (!point) {
        point = {
          bucketStart: row.bucket,
          bucketEnd: new Date(start + BUCKET_MS[bucket]),
          opened: 0,
          bySeverity: Object.values(AlertSeverity).map((severity) => ({ severity, count: 0 })),
        };
        points.set(start, point);
      }
      point.opened += row.n;
      point.bySeverity.find((s) => s.severity === row.severity)!.count += row.n;
    }
    return [...points.values()];
  }
}

const BUCKET_MS: Record<AlertCountBucket, number> = {
  [AlertCountBucket.FIFTEEN_MINUTES]: 15 * 60_000,
  [AlertCountBucket.HOUR]: 3_600_000,
  [AlertCountBucket.SIX_HOURS]: 6 * 3_600_000,
  [AlertCountBucket.DAY]: 86_400_000,
};
const BUCKET_INTERVAL: Record<AlertCountBucket, string> = {
  [AlertCountBucket.FIFTEEN_MINUTES]: '15 minutes',
  [AlertCountBucket.HOUR]: '1 hour',
  [AlertCountBucket.SIX_HOURS]: '6 hours',
  [AlertCountBucket.DAY]: '1 day',
};

/**
 * Query cost of alertCountHistory: one grouped scan of the alerts created in the range (indexed on
 * created_at), returning at most buckets × 4 severities rows; costed as its buckets times the
 * fields selected per point, like performanceHistory without that query's prediction-row scan.
 */
export const alertCountHistoryCost = bucketedHistoryCost({
  base: 100,
  maxBuckets: MAX_HISTORY_BUCKETS,
  bucketMs: (args) => BUCKET_MS[(args.bucket as AlertCountBucket | undefined) ?? AlertCountBucket.HOUR],
});

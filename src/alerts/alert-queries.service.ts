import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { Connection, decodeNumberCursor, encodeCursor, pageSize, toConnection, UUID_PATTERN } from '../common/pagination/connection';
import { toAlert, toAlertEvent } from './alert.mapper';
import { AlertEventsRepository } from './alert-events.repository';
import { AlertsRepository } from './alerts.repository';
import { AlertsFilter } from './dto/alerts-filter.input';
import { Alert } from './models/alert.model';
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
    };
  }
}

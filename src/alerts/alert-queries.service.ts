import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { Connection, decodeIdCursor, decodeNumberCursor, encodeCursor, pageSize, toConnection, UUID_PATTERN } from '../common/pagination/connection';
import { fetchAlertEvents } from './alert-event.reader';
import { AlertEventRow, AlertRow, toAlert } from './alert.mapper';
import { AlertsFilter } from './dto/alerts-filter.input';
import { AlertSeverity, AlertStatus } from './models/alert-enums';
import { AlertEvent } from './models/alert-event.model';
import { AlertSummary } from './models/alert-summary.model';
import { Alert } from './models/alert.model';

/** Read side of alerts: the filtered list, one alert, its history, the summary. */
@Injectable()
export class AlertQueriesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async getAlert(id: string): Promise<Alert> {
    const rows: AlertRow[] = UUID_PATTERN.test(id) ? await this.dataSource.query(`SELECT * FROM alerts WHERE id = $1`, [id]) : [];
    if (!rows.length) throw new NotFoundError('Alert', id);
    return toAlert(rows[0]);
  }

  /** Newest first; keyset cursor on (created_at, id) so pages stay stable while alerts arrive. */
  async listAlerts(filter: AlertsFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<Alert>> {
    const size = pageSize(first);
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter?.status) add('status = ?', filter.status);
    if (filter?.severity) add('severity = ?', filter.severity);
    if (filter?.feature) add('feature = ?', filter.feature);
    if (filter?.kind) add('kind = ?', filter.kind);
    if (filter?.from) add('created_at >= ?', filter.from);
    if (filter?.to) add('created_at < ?', filter.to);
    const filterSql = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const countParams = [...params];
    if (after) {
      const id = decodeIdCursor(after);
      // The cursor holds only the id; its timestamp is read back at full (microsecond) precision.
      params.push(id);
      const p = `$${params.length}::uuid`;
      conditions.push(`(created_at, id) < ((SELECT created_at FROM alerts WHERE id = ${p}), ${p})`);
    }
    const pageSql = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    params.push(size + 1);
    const [rows, counted] = await Promise.all([
      this.dataSource.query(`SELECT * FROM alerts ${pageSql} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params) as Promise<AlertRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM alerts ${filterSql}`, countParams) as Promise<Array<{ n: number }>>,
    ]);
    return toConnection(rows, size, counted[0].n, (row) => encodeCursor([row.id]), toAlert);
  }

  /** One alert's event history, oldest first; the cursor is the event id. */
  async listEvents(alertId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<AlertEvent>> {
    const size = pageSize(first, 100);
    const afterId = after ? decodeNumberCursor(after) : 0;
    const query = (sql: string, params: unknown[]) => this.dataSource.query(sql, params) as Promise<AlertEventRow[]>;
    const [events, counted] = await Promise.all([
      fetchAlertEvents(query, alertId, afterId, size + 1),
      this.dataSource.query(`SELECT count(*)::int AS n FROM alert_events WHERE alert_id = $1`, [alertId]) as Promise<Array<{ n: number }>>,
    ]);
    return toConnection(events, size, counted[0].n, (event) => encodeCursor([Number(event.id)]), (event) => event);
  }

  async summary(): Promise<AlertSummary> {
    const rows: Array<{ status: AlertStatus; severity: AlertSeverity; n: number }> = await this.dataSource.query(
      `SELECT status, severity, count(*)::int AS n FROM alerts GROUP BY status, severity`,
    );
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

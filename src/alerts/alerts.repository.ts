import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newestFirstPage } from '../common/pagination/connection';
import { AlertRow } from './alert.mapper';

const LIVE = `status IN ('OPEN', 'ACKNOWLEDGED')`;
const KEYSET = { table: 'alerts', alias: 'a', timeColumn: 'created_at' } as const;

/** The alert list's conditions; all given ones must hold. */
export interface AlertListFilter {
  status?: string | null;
  severity?: string | null;
  feature?: string | null;
  kind?: string | null;
  /** Created at or after. */
  from?: Date | null;
  /** Created before. */
  to?: Date | null;
}

/** A new OPEN alert from a detection (its first occurrence). */
export interface NewAlert {
  fingerprint: string;
  kind: string;
  feature: string | null;
  modelVersion: string;
  severity: string;
  message: string;
  worstScore: number | null;
  latestDriftReportId: string | null;
  previousAlertId: string | null;
  /** first_seen_at and last_seen_at. */
  seenAt: Date;
}

/** One more occurrence of a live alert. */
export interface AlertOccurrence {
  at: Date;
  score: number | null;
  driftReportId: string | null;
  severity: string;
  message: string;
}

export interface AlertCount {
  status: string;
  severity: string;
  n: number;
}

export interface AlertBucketCount {
  bucket: Date;
  severity: string;
  n: number;
}

/**
 * The only SQL on `alerts`. Writes take the caller's transaction manager (alert changes always
 * run inside the transaction that holds the alert-event lock); reads use the pool.
 * UPDATE ... RETURNING runs inside a CTE: TypeORM returns [rows, count] for a bare UPDATE.
 */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `id` must already be a valid uuid. */
  async findById(id: string): Promise<AlertRow | null> {
    const rows: AlertRow[] = await this.dataSource.query(`SELECT * FROM alerts WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Locks one alert for an operator's status change; `id` must already be a valid uuid. */
  async lockById(manager: EntityManager, id: string): Promise<AlertRow | null> {
    const rows: AlertRow[] = await manager.query(`SELECT * FROM alerts WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  /** An operator's move: RESOLVED stamps resolved_at; a snooze time, when given, replaces the old one. */
  async setStatus(manager: EntityManager, id: string, status: string, snoozeUntil: Date | null): Promise<AlertRow> {
    const [row]: AlertRow[] = await manager.query(
      `WITH u AS (
         UPDATE alerts SET status = $2, resolved_at = CASE WHEN $2 = 'RESOLVED' THEN now() ELSE resolved_at END,
           snoozed_until = COALESCE($3, snoozed_until), updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT * FROM u`,
      [id, status, snoozeUntil],
    );
    return row;
  }

  /** Whether any of these fingerprints has a live (OPEN or ACKNOWLEDGED) alert. */
  async hasLive(manager: EntityManager, fingerprints: string[]): Promise<boolean> {
    const live: unknown[] = await manager.query(`SELECT 1 FROM alerts WHERE fingerprint = ANY($1) AND ${LIVE} LIMIT 1`, [fingerprints]);
    return live.length > 0;
  }

  /** The live alert for a fingerprint (at most one: alerts_live_fingerprint), locked. */
  async lockLive(manager: EntityManager, fingerprint: string): Promise<AlertRow | null> {
    const rows: AlertRow[] = await manager.query(`SELECT * FROM alerts WHERE fingerprint = $1 AND ${LIVE} FOR UPDATE`, [fingerprint]);
    return rows[0] ?? null;
  }

  /** Counts a repeated detection on a live alert and restarts its clear checks. */
  async recordOccurrence(manager: EntityManager, id: string, occurrence: AlertOccurrence): Promise<AlertRow> {
    const [row]: AlertRow[] = await manager.query(
      `WITH u AS (
         UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = GREATEST(last_seen_at, $2),
           worst_score = GREATEST(worst_score, $3), latest_drift_report_id = COALESCE($4, latest_drift_report_id),
           severity = $5, message = $6, clear_checks = 0, updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT * FROM u`,
      [id, occurrence.at, occurrence.score, occurrence.driftReportId, occurrence.severity, occurrence.message],
    );
    return row;
  }

  /** The most recently resolved alert for a fingerprint, which a new detection reopens (links to). */
  async latestResolvedId(manager: EntityManager, fingerprint: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM alerts WHERE fingerprint = $1 AND status = 'RESOLVED' ORDER BY resolved_at DESC NULLS LAST, created_at DESC LIMIT 1`,
      [fingerprint],
    );
    return rows[0]?.id ?? null;
  }

  async insertOpen(manager: EntityManager, alert: NewAlert): Promise<AlertRow> {
    const [row]: AlertRow[] = await manager.query(
      `INSERT INTO alerts (fingerprint, kind, feature, model_version, severity, status, message, occurrences, worst_score,
         latest_drift_report_id, previous_alert_id, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, 1, $7, $8, $9, $10, $10)
       RETURNING *`,
      [
        alert.fingerprint,
        alert.kind,
        alert.feature,
        alert.modelVersion,
        alert.severity,
        alert.message,
        alert.worstScore,
        alert.latestDriftReportId,
        alert.previousAlertId,
        alert.seenAt,
      ],
    );
    return row;
  }

  /** One more consecutive clear check on the live alerts of these fingerprints; returns them, by fingerprint. */
  async incrementClearChecks(manager: EntityManager, fingerprints: string[]): Promise<AlertRow[]> {
    return manager.query(
      `WITH u AS (
         UPDATE alerts SET clear_checks = clear_checks + 1, updated_at = now()
         WHERE fingerprint = ANY($1) AND ${LIVE} RETURNING *)
       SELECT * FROM u ORDER BY fingerprint`,
      [fingerprints],
    );
  }

  /** Resolution by rule evaluation (auto-resolve), stamped with the check's time. */
  async resolve(manager: EntityManager, id: string, at: Date): Promise<AlertRow> {
    const [row]: AlertRow[] = await manager.query(
      `WITH u AS (UPDATE alerts SET status = 'RESOLVED', resolved_at = $2, updated_at = now() WHERE id = $1 RETURNING *) SELECT * FROM u`,
      [id, at],
    );
    return row;
  }

  /**
   * One page of the filtered list, newest first by (created_at, id), with `size + 1` rows when a
   * next page exists, and the filter's total count.
   */
  async listPage(
    filter: AlertListFilter | null | undefined,
    size: number,
    after: string | null | undefined,
  ): Promise<{ rows: AlertRow[]; total: number }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter?.status) add('a.status = ?', filter.status);
    if (filter?.severity) add('a.severity = ?', filter.severity);
    if (filter?.feature) add('a.feature = ?', filter.feature);
    if (filter?.kind) add('a.kind = ?', filter.kind);
    if (filter?.from) add('a.created_at >= ?', filter.from);
    if (filter?.to) add('a.created_at < ?', filter.to);
    const filterSql = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const page = newestFirstPage(KEYSET, size, after, params.length + 1);
    const pageConditions = page.condition ? [...conditions, page.condition] : conditions;
    const pageSql = pageConditions.length ? `WHERE ${pageConditions.join(' AND ')}` : '';
    const pageParams = [...params, ...page.params, page.limit];
    const pageSelect = `SELECT a.* FROM alerts a ${pageSql} ORDER BY a.created_at DESC, a.id DESC LIMIT $${pageParams.length}`;
    const [rows, counted] = await Promise.all([
      this.dataSource.query(pageSelect, pageParams) as Promise<AlertRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM alerts a ${filterSql}`, params) as Promise<Array<{ n: number }>>,
    ]);
    return { rows, total: counted[0].n };
  }

  /** Alerts created per time bucket and (current) severity, oldest bucket first; empty buckets are absent. */
  async openedPerBucket(range: { from: Date; to: Date; bucket: string; origin: string }): Promise<AlertBucketCount[]> {
    return this.dataSource.query(
      `SELECT date_bin($3::interval, created_at, $4::timestamptz) AS bucket, severity, count(*)::int AS n
       FROM alerts WHERE created_at >= $1 AND created_at < $2
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [range.from, range.to, range.bucket, range.origin],
    );
  }

  async countByStatusAndSeverity(): Promise<AlertCount[]> {
    return this.dataSource.query(`SELECT status, severity, count(*)::int AS n FROM alerts GROUP BY status, severity`);
  }

  /** Live (open or acknowledged) alerts per severity, kind and status: one aggregate per /metrics scrape. */
  async countLiveBySeverityAndKind(): Promise<Array<{ severity: string; kind: string; status: string; n: number }>> {
    return this.dataSource.query(
      `SELECT severity, kind, status, count(*)::int AS n FROM alerts WHERE ${LIVE} GROUP BY severity, kind, status`,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DriftReportCreated, PerformanceUpdated } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { AlertEventWriter } from './alert-event.writer';
import { AlertRow, toAlert } from './alert.mapper';
import { AlertThresholds, Detection, RuleOutcome, evaluateDriftReport, evaluatePerformance } from './alert-rules';
import { AlertEventType, AlertSeverity, maxSeverity } from './models/alert-enums';

/** Actor recorded on changes made by rule evaluation rather than by a person. */
export const SYSTEM_ACTOR = 'system';

const LIVE = `status IN ('OPEN', 'ACKNOWLEDGED')`;

interface Source {
  driftReportId: string | null;
  at: Date;
}

/**
 * Applies rule detections to the alert table inside the caller's transaction (ingestion, the
 * window re-check, performance): deduplication by fingerprint, reopen after resolve, clear
 * checks and auto-resolve. Every change appends an alert event in the same transaction.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly config: AppConfig,
    private readonly events: AlertEventWriter,
  ) {}

  private get thresholds(): AlertThresholds {
    return { ...this.config.alerts, maxRocAucDrop: this.config.performance.maxRocAucDrop };
  }

  /**
   * Called by the drift module for every BATCH and WINDOW report, in the transaction that wrote
   * the report. Includes the clear-check bookkeeping (WINDOW reports; clean batches for data
   * quality), so callers must not count clear checks separately.
   */
  async onDriftReport(manager: EntityManager, event: DriftReportCreated): Promise<void> {
    await this.apply(manager, evaluateDriftReport(event, this.thresholds), { driftReportId: event.reportId, at: event.occurredAt });
  }

  /** Called by the performance module whenever realized or estimated performance is (re)computed. */
  async onPerformanceUpdated(manager: EntityManager, event: PerformanceUpdated): Promise<void> {
    await this.apply(manager, evaluatePerformance(event, this.thresholds), { driftReportId: null, at: event.occurredAt });
  }

  private async apply(manager: EntityManager, outcome: RuleOutcome, source: Source): Promise<void> {
    if (!outcome.detections.length) {
      if (!outcome.clear.length) return;
      // Most clear checks find no live alert: skip the event-log lock for them.
      const live: unknown[] = await manager.query(`SELECT 1 FROM alerts WHERE fingerprint = ANY($1) AND ${LIVE} LIMIT 1`, [outcome.clear]);
      if (!live.length) return;
    }
    await this.events.lock(manager);
    for (const detection of outcome.detections) await this.applyDetection(manager, detection, source);
    if (outcome.clear.length) await this.recordClearChecks(manager, outcome.clear, source);
  }

  private async applyDetection(manager: EntityManager, detection: Detection, source: Source): Promise<void> {
    const [live]: AlertRow[] = await manager.query(`SELECT * FROM alerts WHERE fingerprint = $1 AND ${LIVE} FOR UPDATE`, [detection.fingerprint]);
    const details = { ...detection.details, detectedSeverity: detection.severity, score: detection.score };
    if (live) {
      // Severity escalates with a worse occurrence but never drops while the alert is live.
      const severity = maxSeverity(live.severity as AlertSeverity, detection.severity);
      const [row]: AlertRow[] = await manager.query(
        `WITH u AS (
           UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = GREATEST(last_seen_at, $2),
             worst_score = GREATEST(worst_score, $3), latest_drift_report_id = COALESCE($4, latest_drift_report_id),
             severity = $5, message = $6, clear_checks = 0, updated_at = now()
           WHERE id = $1 RETURNING *)
         SELECT * FROM u`,
        [live.id, source.at, detection.score, source.driftReportId, severity, detection.message],
      );
      await this.events.append(manager, toAlert(row), AlertEventType.UPDATED, SYSTEM_ACTOR, null, details);
      return;
    }
    const [previous]: Array<{ id: string }> = await manager.query(
      `SELECT id FROM alerts WHERE fingerprint = $1 AND status = 'RESOLVED' ORDER BY resolved_at DESC NULLS LAST, created_at DESC LIMIT 1`,
      [detection.fingerprint],
    );
    const [row]: AlertRow[] = await manager.query(
      `INSERT INTO alerts (fingerprint, kind, feature, model_version, severity, status, message, occurrences, worst_score,
         latest_drift_report_id, previous_alert_id, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, 1, $7, $8, $9, $10, $10)
       RETURNING *`,
      [
        detection.fingerprint,
        detection.kind,
        detection.feature,
        detection.modelVersion,
        detection.severity,
        detection.message,
        detection.score,
        source.driftReportId,
        previous?.id ?? null,
        source.at,
      ],
    );
    const type = previous ? AlertEventType.REOPENED : AlertEventType.CREATED;
    await this.events.append(manager, toAlert(row), type, SYSTEM_ACTOR, null, { ...details, previousAlertId: previous?.id ?? null });
  }

  /** One more consecutive clear check; at ALERT_AUTO_RESOLVE_CHECKS the alert resolves itself. */
  private async recordClearChecks(manager: EntityManager, fingerprints: string[], source: Source): Promise<void> {
    const checked: AlertRow[] = await manager.query(
      `WITH u AS (
         UPDATE alerts SET clear_checks = clear_checks + 1, updated_at = now()
         WHERE fingerprint = ANY($1) AND ${LIVE} RETURNING *)
       SELECT * FROM u ORDER BY fingerprint`,
      [fingerprints],
    );
    const needed = this.config.alerts.autoResolveChecks;
    for (const alert of checked) {
      if (alert.clear_checks < needed) continue;
      const [row]: AlertRow[] = await manager.query(
        `WITH u AS (UPDATE alerts SET status = 'RESOLVED', resolved_at = $2, updated_at = now() WHERE id = $1 RETURNING *) SELECT * FROM u`,
        [alert.id, source.at],
      );
      await this.events.append(manager, toAlert(row), AlertEventType.AUTO_RESOLVED, SYSTEM_ACTOR, null, {
        previousStatus: alert.status,
        clearChecks: alert.clear_checks,
        driftReportId: source.driftReportId,
      });
    }
  }
}

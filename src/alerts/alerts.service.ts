import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DriftReportCreated, PerformanceUpdated, ValidationEvaluated } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { toAlert } from './alert.mapper';
import { AlertEventWriter } from './alert-event.writer';
import { AlertThresholds, Detection, evaluateDriftReport, evaluatePerformance, evaluateValidation, RuleOutcome } from './alert-rules';
import { AlertsRepository } from './alerts.repository';
import { AlertEventType, AlertSeverity, maxSeverity } from './models/alert-enums';

/** Actor recorded on changes made by rule evaluation rather than by a person. */
export const SYSTEM_ACTOR = 'system';

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
    private readonly alerts: AlertsRepository,
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

  /** Called by the performance module when a scheduled window's credit validation has run. */
  async onValidationEvaluated(manager: EntityManager, event: ValidationEvaluated): Promise<void> {
    await this.apply(manager, evaluateValidation(event), { driftReportId: null, at: event.occurredAt });
  }

  private async apply(manager: EntityManager, outcome: RuleOutcome, source: Source): Promise<void> {
    if (!outcome.detections.length) {
      if (!outcome.clear.length) return;
      // Most clear checks find no live alert: skip the event-log lock for them.
      if (!(await this.alerts.hasLive(manager, outcome.clear))) return;
    }
    await this.events.lock(manager);
    for (const detection of outcome.detections) await this.applyDetection(manager, detection, source);
    if (outcome.clear.length) await this.recordClearChecks(manager, outcome.clear, source);
  }

  private async applyDetection(manager: EntityManager, detection: Detection, source: Source): Promise<void> {
    const live = await this.alerts.lockLive(manager, detection.fingerprint);
    const details = { ...detection.details, detectedSeverity: detection.severity, score: detection.score };
    if (live) {
      // Severity escalates with a worse occurrence but never drops while the alert is live.
      const severity = maxSeverity(live.severity as AlertSeverity, detection.severity);
      const row = await this.alerts.recordOccurrence(manager, live.id, {
        at: source.at,
        score: detection.score,
        driftReportId: source.driftReportId,
        severity,
        message: detection.message,
      });
      // previousSeverity tells receivers keyed by severity (Alertmanager labels) that it changed.
      const escalated = severity !== live.severity ? { previousSeverity: live.severity } : {};
      await this.events.append(manager, toAlert(row), AlertEventType.UPDATED, SYSTEM_ACTOR, null, { ...details, ...escalated });
      return;
    }
    const previousAlertId = await this.alerts.latestResolvedId(manager, detection.fingerprint);
    const row = await this.alerts.insertOpen(manager, {
      fingerprint: detection.fingerprint,
      kind: detection.kind,
      feature: detection.feature,
      modelVersion: detection.modelVersion,
      severity: detection.severity,
      message: detection.message,
      worstScore: detection.score,
      latestDriftReportId: source.driftReportId,
      previousAlertId,
      seenAt: source.at,
    });
    const type = previousAlertId ? AlertEventType.REOPENED : AlertEventType.CREATED;
    await this.events.append(manager, toAlert(row), type, SYSTEM_ACTOR, null, { ...details, previousAlertId });
  }

  /** One more consecutive clear check; at ALERT_AUTO_RESOLVE_CHECKS the alert resolves itself. */
  private async recordClearChecks(manager: EntityManager, fingerprints: string[], source: Source): Promise<void> {
    const checked = await this.alerts.incrementClearChecks(manager, fingerprints);
    const needed = this.config.alerts.autoResolveChecks;
    for (const alert of checked) {
      if (alert.clear_checks < needed) continue;
      const row = await this.alerts.resolve(manager, alert.id, source.at);
      await this.events.append(manager, toAlert(row), AlertEventType.AUTO_RESOLVED, SYSTEM_ACTOR, null, {
        previousStatus: alert.status,
        clearChecks: alert.clear_checks,
        driftReportId: source.driftReportId,
      });
    }
  }
}

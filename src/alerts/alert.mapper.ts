import { Alert } from './models/alert.model';
import { AlertEventType, AlertKind, AlertSeverity, AlertStatus } from './models/alert-enums';
import { AlertEvent } from './models/alert-event.model';

/** An `alerts` row as pg returns it from raw SQL (`RETURNING *`, `SELECT *`). */
export interface AlertRow {
  id: string;
  fingerprint: string;
  kind: string;
  feature: string | null;
  model_version: string;
  severity: string;
  status: string;
  message: string;
  occurrences: number;
  worst_score: number | null;
  latest_drift_report_id: string | null;
  previous_alert_id: string | null;
  snoozed_until: Date | null;
  clear_checks: number;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** An `alert_events` row; bigint ids are selected as text. */
export interface AlertEventRow {
  id: string;
  alert_id: string;
  type: string;
  actor: string;
  note: string | null;
  details: { alert?: AlertSnapshot } & Record<string, unknown>;
  occurred_at: Date;
}

/** The alert as JSON inside its event (dates as ISO strings), so a replayed event shows the alert as it was then. */
export type AlertSnapshot = Record<keyof Alert, string | number | null>;

const DATE_FIELDS = ['snoozedUntil', 'firstSeenAt', 'lastSeenAt', 'resolvedAt', 'createdAt', 'updatedAt'] as const;

export function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    kind: row.kind as AlertKind,
    feature: row.feature,
    modelVersion: row.model_version,
    severity: row.severity as AlertSeverity,
    status: row.status as AlertStatus,
    message: row.message,
    occurrences: row.occurrences,
    worstScore: row.worst_score,
    latestDriftReportId: row.latest_drift_report_id,
    previousAlertId: row.previous_alert_id,
    snoozedUntil: row.snoozed_until,
    clearChecks: row.clear_checks,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toSnapshot(alert: Alert): AlertSnapshot {
  return JSON.parse(JSON.stringify(alert)) as AlertSnapshot;
}

export function fromSnapshot(snapshot: AlertSnapshot): Alert {
  const alert = { ...snapshot } as unknown as Record<string, unknown>;
  for (const field of DATE_FIELDS) {
    const value = snapshot[field];
    alert[field] = value === null || value === undefined ? null : new Date(value);
  }
  return alert as unknown as Alert;
}

export function toAlertEvent(row: AlertEventRow): AlertEvent {
  const { alert: snapshot, ...details } = row.details ?? {};
  if (!snapshot) throw new Error(`alert event ${row.id} has no alert snapshot`);
  return {
    id: String(row.id),
    type: row.type as AlertEventType,
    occurredAt: row.occurred_at,
    actor: row.actor,
    note: row.note,
    details: Object.keys(details).length ? details : null,
    alert: fromSnapshot(snapshot),
  };
}

import type { NotificationEnvelope } from './notification-payload';

/** One element of Alertmanager's `POST /api/v2/alerts` body (its PostableAlert). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export interface AlertmanagerRendering {
  now: Date;
  /** endsAt of a firing alert = now + this; the periodic refresh re-sends before it passes. */
  firingLeaseMs: number;
  /** External base URL of the service, for the dashboard link; null leaves the link out. */
  publicUrl: string | null;
}

export const SERVICE_LABEL = 'credit-monitor';

const KIND_TITLES: Record<string, string> = {
  FEATURE_DRIFT: 'Feature drift',
  PREDICTION_DRIFT: 'Prediction drift',
  MULTIVARIATE_DRIFT: 'Joint-distribution drift of the inputs',
  DATASET_DRIFT: 'Dataset drift',
  DATA_QUALITY: 'Data quality',
  PERFORMANCE: 'Model performance',
  VALIDATION_FAILURE: 'Credit validation failure',
};

/**
 * Kinds whose title already says what they are about: their only feature is a derived column
 * ('multivariate'), and "… on multivariate" would tell a person nothing. The feature label stays.
 */
const TITLE_WITHOUT_FEATURE: ReadonlySet<string> = new Set(['MULTIVARIATE_DRIFT']);

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** FEATURE_DRIFT -> CreditMonitorFeatureDrift. */
export function alertName(kind: string): string {
  const words = kind.toLowerCase().split('_').filter(Boolean);
  return `CreditMonitor${words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`;
}

/**
 * The label set that identifies the alert in Alertmanager. Alertmanager identifies an alert by
 * its labels, so these must be the same in every post about one alert (firing, refresh,
 * resolved): only facts fixed for the alert's life, plus severity (which routing needs), whose
 * rare change is handled by ending the old label set (see toAlertmanagerAlerts). `alert_id` keeps
 * a reopened alert (same fingerprint) apart from the resolved one it follows, so their posts can
 * never overwrite each other.
 */
export function alertmanagerLabels(alert: NotificationEnvelope['alert'], severity: string): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: alertName(text(alert.kind)),
    alert_id: text(alert.id),
    fingerprint: text(alert.fingerprint),
    severity: severity.toLowerCase(),
    kind: text(alert.kind).toLowerCase(),
    model_version: text(alert.modelVersion),
    service: SERVICE_LABEL,
  };
  if (alert.feature !== null && alert.feature !== undefined && alert.feature !== '') labels.feature = text(alert.feature);
  return labels;
}

/**
 * The alert as Alertmanager should hold it after this notification:
 * - RESOLVED (resolved or auto-resolved): endsAt = resolvedAt (now if it is missing), which ends it there;
 * - anything else (open, acknowledged, snoozed): firing, with endsAt = now + the firing lease,
 *   as Prometheus does. An alert posted without endsAt would be resolved by Alertmanager's
 *   `resolve_timeout`; with a lease, the periodic refresh keeps it firing while it is live, and if
 *   the service stops re-sending it (gone for good), Alertmanager ends it when the lease passes.
 *   Acknowledging does not end it: acknowledgement is like a silence (someone is on it), not a
 *   resolution; use an Alertmanager silence to stop its notifications. A snooze only quiets the
 *   service's own subscription pushes, so it does not change what Alertmanager holds either.
 * When the event raised the severity, the old label set is ended in the same post, so the alert
 * does not show twice until the old lease runs out.
 */
export function toAlertmanagerAlerts(envelope: NotificationEnvelope, rendering: AlertmanagerRendering): AlertmanagerAlert[] {
  const alert = envelope.alert;
  const severity = text(alert.severity);
  const status = text(alert.status);
  const resolvedAt = alert.resolvedAt ? new Date(String(alert.resolvedAt)) : null;
  const resolved = status === 'RESOLVED';
  // A RESOLVED snapshot always ends it: without resolvedAt (never expected, but a missing field
  // must not re-fire a resolved alert), it ends now.
  const endsAt = resolved ? (resolvedAt ?? rendering.now) : new Date(rendering.now.getTime() + rendering.firingLeaseMs);
  const dashboard = rendering.publicUrl ? `${rendering.publicUrl}/dashboard` : null;
  const kind = text(alert.kind);
  const onFeature = alert.feature && !TITLE_WITHOUT_FEATURE.has(kind) ? ` on ${text(alert.feature)}` : '';
  const title = `${KIND_TITLES[kind] ?? kind}${onFeature} (model ${text(alert.modelVersion)})`;
  const annotations: Record<string, string> = {
    title,
    summary: title,
    description: `${text(alert.message)} Status ${status}, severity ${severity}, ${text(alert.occurrences)} occurrence(s), last seen ${text(alert.lastSeenAt)}.`,
    status,
    event: envelope.type,
  };
  if (alert.snoozedUntil) annotations.snoozed_until = text(alert.snoozedUntil);
  if (dashboard) annotations.dashboard = dashboard;
  const startsAt = text(alert.firstSeenAt);
  const posted: AlertmanagerAlert[] = [
    {
      labels: alertmanagerLabels(alert, severity),
      annotations,
      startsAt,
      endsAt: endsAt.toISOString(),
      ...(dashboard ? { generatorURL: dashboard } : {}),
    },
  ];
  if (envelope.previousSeverity && envelope.previousSeverity !== severity) {
    posted.push({
      labels: alertmanagerLabels(alert, envelope.previousSeverity),
      annotations: { ...annotations, description: `Severity changed from ${envelope.previousSeverity} to ${severity}.` },
      startsAt,
      endsAt: rendering.now.toISOString(),
      ...(dashboard ? { generatorURL: dashboard } : {}),
    });
  }
  return posted;
}

import { registerEnumType } from '@nestjs/graphql';

// String values equal the database values, so mapping between entity and model is an identity.

export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatus, { name: 'AlertStatus', description: 'OPEN -> ACKNOWLEDGED -> RESOLVED (OPEN -> RESOLVED directly too)' });

export enum AlertSeverity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AlertSeverity, { name: 'AlertSeverity', description: 'See docs/alerts.md for the rules' });

export enum AlertKind {
  FEATURE_DRIFT = 'FEATURE_DRIFT',
  PREDICTION_DRIFT = 'PREDICTION_DRIFT',
  /** The joint distribution of the inputs drifted (the report's derived 'multivariate' column). */
  MULTIVARIATE_DRIFT = 'MULTIVARIATE_DRIFT',
  DATASET_DRIFT = 'DATASET_DRIFT',
  DATA_QUALITY = 'DATA_QUALITY',
  PERFORMANCE = 'PERFORMANCE',
  /** Credit validation failed on a window: the portfolio's PD test is RED, or the AUC fell significantly. */
  VALIDATION_FAILURE = 'VALIDATION_FAILURE',
}
registerEnumType(AlertKind, { name: 'AlertKind', description: 'The rule that raised an alert' });

export enum AlertEventType {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
  REOPENED = 'REOPENED',
  AUTO_RESOLVED = 'AUTO_RESOLVED',
}
registerEnumType(AlertEventType, {
  name: 'AlertEventType',
  description: 'UPDATED = a new occurrence of a live alert; REOPENED = a new alert for a fingerprint whose previous alert was resolved',
});

const SEVERITY_RANK: Record<AlertSeverity, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
const BY_RANK = [AlertSeverity.LOW, AlertSeverity.MEDIUM, AlertSeverity.HIGH, AlertSeverity.CRITICAL];

export function maxSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** Moves a severity `steps` levels up (negative: down), clamped to LOW..CRITICAL. */
export function shiftSeverity(severity: AlertSeverity, steps: number): AlertSeverity {
  return BY_RANK[Math.min(3, Math.max(0, SEVERITY_RANK[severity] + steps))];
}

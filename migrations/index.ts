import { InitialSchema1764320000000 } from './1764320000000-InitialSchema';
import { PerformanceRetraining1764400000000 } from './1764400000000-PerformanceRetraining';
import { PredictionLogsBulkWrite1764500000000 } from './1764500000000-PredictionLogsBulkWrite';
import { SecurityPrincipalsAudit1764600000000 } from './1764600000000-SecurityPrincipalsAudit';
import { AlertNotificationsOutbox1764700000000 } from './1764700000000-AlertNotificationsOutbox';
import { DriftEffectSize1764800000000 } from './1764800000000-DriftEffectSize';
import { PartitionPredictionLogs1764900000000 } from './1764900000000-PartitionPredictionLogs';
import { AuditLogErasure1764950000000 } from './1764950000000-AuditLogErasure';
import { BatchProfiles1765000000000 } from './1765000000000-BatchProfiles';
import { PredictionGrade1765100000000 } from './1765100000000-PredictionGrade';

/** Explicit list (not a glob) so the same migrations load from ts-node, jest and dist/. */
export const MIGRATIONS = [
  InitialSchema1764320000000,
  PerformanceRetraining1764400000000,
  PredictionLogsBulkWrite1764500000000,
  SecurityPrincipalsAudit1764600000000,
  AlertNotificationsOutbox1764700000000,
  DriftEffectSize1764800000000,
  PartitionPredictionLogs1764900000000,
  AuditLogErasure1764950000000,
  BatchProfiles1765000000000,
  PredictionGrade1765100000000,
];

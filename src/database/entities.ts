import { AlertEventEntity } from '../alerts/entities/alert-event.entity';
import { AlertEntity } from '../alerts/entities/alert.entity';
import { BaselineEntity } from '../baselines/entities/baseline.entity';
import { DriftReportEntity } from '../drift/entities/drift-report.entity';
import { FeatureDriftMetricEntity } from '../drift/entities/feature-drift-metric.entity';
import { BatchEntity } from '../ingestion/entities/batch.entity';
import { PredictionLogEntity } from '../ingestion/entities/prediction-log.entity';
import { PerformanceMetricEntity } from '../performance/entities/performance-metric.entity';
import { RetrainingEventEntity } from '../retraining/entities/retraining-event.entity';
import { ModelVersionEntity } from '../scoring/entities/model-version.entity';
import { ApiKeyEntity } from '../security/entities/api-key.entity';
import { AuditLogEntity } from '../security/entities/audit-log.entity';

export const ENTITIES = [
  BatchEntity,
  PredictionLogEntity,
  DriftReportEntity,
  FeatureDriftMetricEntity,
  PerformanceMetricEntity,
  AlertEntity,
  AlertEventEntity,
  BaselineEntity,
  ModelVersionEntity,
  RetrainingEventEntity,
  ApiKeyEntity,
  AuditLogEntity,
];

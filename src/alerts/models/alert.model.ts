import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { AlertKind, AlertSeverity, AlertStatus } from './alert-enums';

@ObjectType({ description: 'One alert: a rule firing for a model version (and feature), deduplicated by fingerprint' })
export class Alert {
  @Field(() => ID)
  id: string;

  @Field({ description: 'modelVersion:kind:feature; at most one OPEN/ACKNOWLEDGED alert per fingerprint' })
  fingerprint: string;

  @Field(() => AlertKind)
  kind: AlertKind;

  @Field(() => String, {
    nullable: true,
    description: "Feature name, 'prediction', a data-quality measure, a metric, or null for dataset drift",
  })
  feature: string | null;

  @Field()
  modelVersion: string;

  @Field(() => AlertSeverity)
  severity: AlertSeverity;

  @Field(() => AlertStatus)
  status: AlertStatus;

  @Field()
  message: string;

  @Field(() => Int, { description: 'Detections merged into this alert' })
  occurrences: number;

  @Field(() => Float, { nullable: true, description: 'Largest score seen (PSI, share, or ROC AUC shortfall: larger is worse)' })
  worstScore: number | null;

  @Field(() => ID, { nullable: true })
  latestDriftReportId: string | null;

  @Field(() => ID, { nullable: true, description: 'The resolved alert this one reopens' })
  previousAlertId: string | null;

  @Field(() => Date, { nullable: true, description: 'Until then, new occurrences are recorded but not pushed to alertChanged' })
  snoozedUntil: Date | null;

  @Field(() => Int, { description: 'Consecutive clear checks so far (auto-resolve at ALERT_AUTO_RESOLVE_CHECKS)' })
  clearChecks: number;

  @Field()
  firstSeenAt: Date;

  @Field()
  lastSeenAt: Date;

  @Field(() => Date, { nullable: true })
  resolvedAt: Date | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

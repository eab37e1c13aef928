import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AlertSeverityCount } from './alert-summary.model';

export enum AlertCountBucket {
  FIFTEEN_MINUTES = 'FIFTEEN_MINUTES',
  HOUR = 'HOUR',
  SIX_HOURS = 'SIX_HOURS',
  DAY = 'DAY',
}
registerEnumType(AlertCountBucket, {
  name: 'AlertCountBucket',
  description: 'Bucket size of alertCountHistory (UTC, days start at midnight)',
});

@ObjectType({ description: 'Alerts opened in one time bucket, by severity' })
export class AlertCountPoint {
  @Field()
  bucketStart: Date;

  @Field()
  bucketEnd: Date;

  @Field(() => Int, { description: 'Alerts created in the bucket (new and reopened)' })
  opened: number;

  @Field(() => [AlertSeverityCount], {
    description: 'Every severity, zeros included; the severity is the alert’s current one (escalations count)',
  })
  bySeverity: AlertSeverityCount[];
}

import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { AlertSeverity, AlertStatus } from './alert-enums';

@ObjectType()
export class AlertCount {
  @Field(() => AlertStatus)
  status: AlertStatus;

  @Field(() => AlertSeverity)
  severity: AlertSeverity;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class AlertStatusCount {
  @Field(() => AlertStatus)
  status: AlertStatus;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class AlertSeverityCount {
  @Field(() => AlertSeverity)
  severity: AlertSeverity;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: 'Alert counts; every status and severity is listed, zeros included' })
export class AlertSummary {
  @Field(() => Int)
  total: number;

  @Field(() => [AlertStatusCount])
  byStatus: AlertStatusCount[];

  @Field(() => [AlertSeverityCount], { description: 'Live (OPEN or ACKNOWLEDGED) alerts by severity' })
  liveBySeverity: AlertSeverityCount[];

  @Field(() => [AlertCount], { description: 'Every (status, severity) pair' })
  counts: AlertCount[];

  @Field(() => ID, {
    description:
      'The newest committed alert event id, read before the counts ("0" for an empty log). A console reads it, then the alerts, then subscribes to alertChanged with afterEventId set to it: nothing is lost between the two, and a replayed event only repeats a state already shown',
  })
  latestEventId: string;
}

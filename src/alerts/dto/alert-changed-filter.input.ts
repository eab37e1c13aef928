import { Field, InputType } from '@nestjs/graphql';
import { AlertKind, AlertSeverity, AlertStatus } from '../models/alert-enums';

@InputType({ description: "Matched against the alert's state right after each event" })
export class AlertChangedFilter {
  @Field(() => AlertSeverity, { nullable: true })
  severity?: AlertSeverity | null;

  @Field(() => AlertStatus, { nullable: true })
  status?: AlertStatus | null;

  @Field(() => String, { nullable: true })
  feature?: string | null;

  @Field(() => AlertKind, { nullable: true })
  kind?: AlertKind | null;
}

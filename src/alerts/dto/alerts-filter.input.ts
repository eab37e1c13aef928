import { Field, InputType } from '@nestjs/graphql';
import { AlertKind, AlertSeverity, AlertStatus } from '../models/alert-enums';

@InputType({ description: 'All given conditions must hold' })
export class AlertsFilter {
  @Field(() => AlertStatus, { nullable: true })
  status?: AlertStatus | null;

  @Field(() => AlertSeverity, { nullable: true })
  severity?: AlertSeverity | null;

  @Field(() => String, { nullable: true })
  feature?: string | null;

  @Field(() => AlertKind, { nullable: true })
  kind?: AlertKind | null;

  @Field(() => Date, { nullable: true, description: 'Created at or after' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Created before' })
  to?: Date | null;
}

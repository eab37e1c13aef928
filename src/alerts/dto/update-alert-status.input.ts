import { Field, ID, InputType } from '@nestjs/graphql';
import { AlertStatus } from '../models/alert-enums';

@InputType()
export class UpdateAlertStatusInput {
  @Field(() => ID)
  id: string;

  @Field(() => AlertStatus, {
    description: 'ACKNOWLEDGED or RESOLVED; allowed moves: OPEN->ACKNOWLEDGED, OPEN->RESOLVED, ACKNOWLEDGED->RESOLVED',
  })
  status: AlertStatus;

  @Field(() => String, { nullable: true, description: 'Why (at most 2,000 characters); stored on the alert event' })
  note?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Silence alertChanged notifications of new occurrences until then (must be in the future)',
  })
  snoozeUntil?: Date | null;
}

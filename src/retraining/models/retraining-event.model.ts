import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/scalars';
import { RetrainingCauseValue, RetrainingStatusValue } from './retraining.enums';

@ObjectType({ description: 'A signal that a model version should be retrained (one OPEN event per model version and cause)' })
export class RetrainingEvent {
  @Field(() => ID)
  id: string;

  @Field()
  modelVersion: string;

  @Field(() => RetrainingCauseValue)
  cause: RetrainingCauseValue;

  @Field(() => RetrainingStatusValue)
  status: RetrainingStatusValue;

  @Field()
  reason: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Evidence: the drift reports or performance figures behind the signal' })
  details: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  resolvedAt: Date | null;
}

import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class OutcomeInput {
  @Field({ description: '1–64 characters' })
  customerId: string;

  @Field(() => String, {
    nullable: true,
    description: 'The scoring batch; without it the outcome applies to every prediction of the customer scored at or before observedAt',
  })
  batchId?: string | null;

  @Field()
  actualDefault: boolean;

  @Field({ description: 'When the outcome became known' })
  observedAt: Date;
}

@InputType()
export class SubmitOutcomesInput {
  @Field(() => [OutcomeInput])
  outcomes: OutcomeInput[];

  @Field({ defaultValue: false, description: 'Replace stored outcomes that differ (otherwise they are reported as conflicts)' })
  overwrite: boolean;
}

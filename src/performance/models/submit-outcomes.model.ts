import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A stored outcome that differs from the submitted one (kept unless overwrite: true)' })
export class OutcomeConflict {
  @Field()
  customerId: string;

  @Field()
  batchId: string;

  @Field()
  storedDefault: boolean;

  @Field()
  submittedDefault: boolean;

  @Field(() => Date, { nullable: true })
  storedObservedAt: Date | null;
}

@ObjectType({ description: 'An outcome that matched no logged prediction' })
export class UnknownOutcome {
  @Field()
  customerId: string;

  @Field(() => String, { nullable: true })
  batchId: string | null;
}

@ObjectType()
export class SubmitOutcomesPayload {
  @Field(() => Int, { description: 'Outcomes received' })
  received: number;

  @Field(() => Int, { description: 'Prediction rows the outcomes matched' })
  matchedRows: number;

  @Field(() => Int, { description: 'Rows that had no outcome and now have one' })
  labelledRows: number;

  @Field(() => Int, { description: 'Rows that already had the same outcome (nothing changed)' })
  unchangedRows: number;

  @Field(() => Int, { description: 'Rows whose different outcome was replaced (overwrite: true)' })
  overwrittenRows: number;

  @Field(() => Int)
  conflictCount: number;

  @Field(() => [OutcomeConflict], { description: 'Rows whose stored outcome differs (first 1,000); not changed unless overwrite: true' })
  conflicts: OutcomeConflict[];

  @Field(() => Int)
  unknownCount: number;

  @Field(() => [UnknownOutcome], { description: 'Outcomes that matched no logged prediction (first 1,000)' })
  unknown: UnknownOutcome[];

  @Field(() => [String], { description: 'batchIds whose performance was recomputed' })
  batchesRecomputed: string[];
}

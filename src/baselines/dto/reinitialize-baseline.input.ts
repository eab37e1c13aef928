import { Field, InputType, Int, registerEnumType } from '@nestjs/graphql';

export enum BaselineSource {
  /** Every row of a CSV file under BASELINE_DATA_DIR. */
  CSV = 'CSV',
  /** The first `rows` rows of a CSV file. */
  CSV_FIRST_ROWS = 'CSV_FIRST_ROWS',
  /** A uniform random sample of `rows` rows of a CSV file (reproducible with `seed`). */
  CSV_RANDOM_ROWS = 'CSV_RANDOM_ROWS',
  /** Logged applications and predictions with created time in [from, to). */
  PREDICTION_LOGS = 'PREDICTION_LOGS',
}
registerEnumType(BaselineSource, { name: 'BaselineSource' });

@InputType()
export class ReinitializeBaselineInput {
  @Field(() => BaselineSource)
  source: BaselineSource;

  @Field(() => String, { nullable: true, description: 'CSV path relative to BASELINE_DATA_DIR' })
  path?: string | null;

  @Field(() => Int, { nullable: true })
  rows?: number | null;

  @Field(() => Int, { nullable: true })
  seed?: number | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class ActivateBaselineInput {
  @Field(() => Int)
  version: number;
}

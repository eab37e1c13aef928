import { Field, Float, ObjectType } from '@nestjs/graphql';

/**
 * The metrics of a binary classifier at its decision threshold, shared by realized performance
 * (outcomes joined to predictions) and model versions (holdout evaluation), so both read alike.
 */
@ObjectType({ isAbstract: true })
export abstract class ClassificationMetricsFields {
  @Field(() => Float, { nullable: true, description: 'Null while the rows hold a single class' })
  rocAuc: number | null;

  @Field(() => Float)
  accuracy: number;

  @Field(() => Float)
  precision: number;

  @Field(() => Float)
  recall: number;

  @Field(() => Float)
  f1: number;

  @Field(() => Float)
  brier: number;

  @Field(() => Float)
  logLoss: number;

  @Field(() => Float, { description: 'Share of rows predicted to default' })
  positiveRate: number;
}

import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ClassificationMetricsFields } from '../../common/graphql/classification-metrics.model';
import { JSONScalar } from '../../common/graphql/scalars';
import { ModelVersionStatusValue } from './retraining.enums';

@ObjectType({ description: 'Holdout metrics of one model' })
export class ModelMetrics extends ClassificationMetricsFields {}

@ObjectType({ description: 'Challenger and champion evaluated on the same stratified holdout of labelled prediction logs' })
export class ModelComparison {
  @Field(() => ModelMetrics)
  challenger: ModelMetrics;

  @Field(() => ModelMetrics)
  champion: ModelMetrics;

  @Field()
  championVersion: string;

  @Field(() => Int)
  holdoutRows: number;

  @Field(() => Int, { description: 'Rows the challenger was fitted on (log rows outside the holdout plus any training data)' })
  trainingRows: number;

  @Field(() => Int)
  trainingDataRows: number;

  @Field()
  fromDate: Date;

  @Field()
  toDate: Date;
}

@ObjectType()
export class ModelVersion {
  @Field(() => ID)
  id: string;

  @Field()
  version: string;

  @Field({ description: 'artifact or fallback' })
  kind: string;

  @Field(() => ModelVersionStatusValue)
  status: ModelVersionStatusValue;

  @Field()
  retrainRequired: boolean;

  @Field(() => String, { nullable: true })
  retrainReason: string | null;

  @Field(() => Float, { nullable: true, description: 'The decision threshold of the artifact' })
  threshold: number | null;

  @Field(() => ModelComparison, { nullable: true, description: 'For retrained versions: challenger versus the champion of the day' })
  comparison: ModelComparison | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Stored metrics (the model card for shipped artifacts)' })
  metrics: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  promotedAt: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'The principal whose retrainModel created this version (null for registered artifacts)',
  })
  trainedBy: string | null;

  @Field(() => String, { nullable: true, description: 'The principal who last promoted it; never the one who trained it (four-eyes)' })
  promotedBy: string | null;
}

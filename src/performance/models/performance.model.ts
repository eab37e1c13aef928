import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ClassificationMetricsFields } from '../../common/graphql/classification-metrics.model';

export enum PerformanceWindow {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
}
registerEnumType(PerformanceWindow, { name: 'PerformanceWindow', description: 'Bucket size of performanceHistory (UTC)' });

@ObjectType({ description: "Metrics over the rows whose outcome is known (threshold metrics at the model's decision threshold)" })
export class RealizedPerformance extends ClassificationMetricsFields {
  @Field(() => Float, { description: 'Labelled rows / all rows' })
  labelledShare: number;

  @Field(() => Int)
  labelledCount: number;

  @Field(() => Float, { description: 'Observed default rate among the labelled rows' })
  defaultRate: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Standard error of rocAuc (Hanley & McNeil) from the labelled defaults and repayments; null without both classes',
  })
  rocAucStandardError: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower end of the 95% confidence interval of rocAuc (rocAuc − 1.96 SE, at least 0)' })
  rocAucLower: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper end of the 95% confidence interval of rocAuc (rocAuc + 1.96 SE, at most 1)' })
  rocAucUpper: number | null;
}

@ObjectType({
  description:
    "Label-free estimate (CBPE) from the model's calibrated probabilities over all rows: trustworthy while the model stays calibrated",
})
export class EstimatedPerformance {
  @Field(() => Float, { nullable: true })
  rocAuc: number | null;

  @Field(() => Float, { nullable: true })
  accuracy: number | null;

  @Field(() => Float, { nullable: true })
  precision: number | null;

  @Field(() => Float, { nullable: true })
  recall: number | null;

  @Field(() => Float, { nullable: true })
  f1: number | null;

  @Field(() => Float, { nullable: true, description: 'Exact: share of rows predicted to default' })
  positiveRate: number | null;

  @Field(() => Float, { nullable: true })
  brier: number | null;

  @Field(() => Float, { nullable: true })
  logLoss: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean predicted probability of default' })
  expectedDefaultRate: number | null;
}

@ObjectType()
export class Performance {
  @Field(() => Int)
  rowCount: number;

  @Field(() => Int)
  labelledCount: number;

  @Field(() => RealizedPerformance, { nullable: true, description: 'Null until outcomes arrive' })
  realized: RealizedPerformance | null;

  @Field(() => EstimatedPerformance)
  estimated: EstimatedPerformance;

  @Field(() => Float, {
    nullable: true,
    description: 'realized.rocAuc − estimated.rocAuc: a widening gap means the model is no longer calibrated (concept drift)',
  })
  rocAucGap: number | null;

  @Field()
  computedAt: Date;
}

@ObjectType({ description: 'Performance of one model version over one time bucket' })
export class PerformancePoint extends Performance {
  @Field()
  windowStart: Date;

  @Field()
  windowEnd: Date;

  @Field()
  modelVersion: string;
}

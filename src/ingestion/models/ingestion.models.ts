import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/scalars';
import { DriftReport } from '../../drift/models/drift-report.model';

export enum ScoredWith {
  ARTIFACT = 'artifact',
  FALLBACK = 'fallback',
}
registerEnumType(ScoredWith, { name: 'ScoredWith', description: 'Which scorer produced the predictions' });

export enum RiskLabelValue {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}
registerEnumType(RiskLabelValue, { name: 'RiskLabel' });

@ObjectType()
export class Prediction {
  @Field()
  customerId: string;

  @Field(() => Float, { description: 'Probability of default' })
  probability: number;

  @Field(() => RiskLabelValue)
  riskLabel: RiskLabelValue;

  @Field(() => Int, {
    nullable: true,
    description: "Rating grade on the model's master scale, 1 = lowest PD; null when the model has no master scale",
  })
  grade: number | null;
}

@ObjectType()
export class DataQuality {
  @Field(() => Int)
  rowCount: number;

  @Field(() => Int, { description: 'Records whose customerId already appeared earlier in the batch' })
  duplicateCustomerIds: number;

  @Field(() => Int, { description: 'Records identical to an earlier record in every field' })
  duplicateRows: number;

  @Field(() => Int, { description: 'Optional values left empty (the outcome label)' })
  missingValues: number;

  @Field(() => Int, { description: 'Values breaking a rule; a batch with any is rejected, so stored batches show 0' })
  invalidValues: number;

  @Field(() => Int, { description: 'Values outside the range the model was trained on' })
  outOfSupportValues: number;
}

/** What a batch response and a stored batch have in common. */
@ObjectType({ isAbstract: true })
abstract class BatchFields {
  @Field()
  batchId: string;

  @Field(() => Int)
  size: number;

  @Field()
  modelVersion: string;

  @Field(() => ScoredWith)
  scoredWith: ScoredWith;

  @Field(() => DataQuality)
  dataQuality: DataQuality;

  @Field(() => [String])
  warnings: string[];

  @Field({ description: 'True when records carried outcomes, so realized performance can be computed' })
  performanceTracked: boolean;

  @Field()
  receivedAt: Date;
}

@ObjectType()
export class IngestBatchPayload extends BatchFields {
  @Field(() => [Prediction])
  predictions: Prediction[];

  @Field({ description: 'True when this response replays an earlier ingestion of the same batchId' })
  replayed: boolean;

  @Field(() => DriftReport, { nullable: true })
  drift: DriftReport | null;
}

@ObjectType()
export class Batch extends BatchFields {
  @Field(() => ID)
  id: string;

  @Field(() => JSONScalar, { nullable: true })
  metadata: Record<string, unknown> | null;

  @Field(() => Int)
  labelledCount: number;

  /** Resolved by a field resolver, so listing batches does not load drift reports. */
  driftReportId: string | null;
}

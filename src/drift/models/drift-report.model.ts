import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum DriftStatusValue {
  STABLE = 'STABLE',
  DRIFT = 'DRIFT',
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
}
registerEnumType(DriftStatusValue, { name: 'DriftStatus' });

@ObjectType()
export class DriftReport {
  @Field(() => ID)
  id: string;

  @Field()
  kind: string;

  @Field(() => DriftStatusValue)
  status: DriftStatusValue;

  @Field(() => Float, { nullable: true })
  globalScore: number | null;

  @Field(() => Float, { nullable: true })
  driftedShare: number | null;

  @Field(() => Int)
  rowCount: number;

  @Field()
  modelVersion: string;

  @Field()
  createdAt: Date;
}

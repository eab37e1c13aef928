import { Field, ObjectType } from '@nestjs/graphql';
import { DriftReport } from '../../drift/models/drift-report.model';

@ObjectType({ description: 'One run of a windowed drift re-check' })
export class DriftCheckRun {
  @Field()
  window: string;

  @Field()
  windowStart: Date;

  @Field()
  windowEnd: Date;

  @Field({ description: 'False when another instance was running this window at the same moment (it does the work)' })
  acquired: boolean;

  @Field(() => [String], { description: 'Model versions checked in this run' })
  checkedModelVersions: string[];

  @Field(() => [String], { description: 'Model versions whose report for this window end already existed (nothing changed)' })
  alreadyCheckedModelVersions: string[];

  @Field(() => [DriftReport], { description: 'WINDOW reports written by this run' })
  reports: DriftReport[];
}

import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class Baseline {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  version: number;

  @Field()
  name: string;

  @Field({ description: 'Where the rows came from (CSV path and selection, or a prediction-log window)' })
  source: string;

  @Field(() => Int)
  rowCount: number;

  @Field()
  isActive: boolean;

  @Field()
  createdAt: Date;
}

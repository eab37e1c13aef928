import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class RetrainModelInput {
  @Field({ description: 'Labelled prediction logs scored at or after this time' })
  fromDate: Date;

  @Field({ description: 'Labelled prediction logs scored before this time' })
  toDate: Date;

  @Field({ defaultValue: false, description: 'Also fit on the reference training data (RETRAIN_TRAINING_DATA_PATH)' })
  includeTrainingData: boolean;
}

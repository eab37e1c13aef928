import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class PromoteModelVersionInput {
  @Field({ description: 'A CANDIDATE (or, to roll back, a RETIRED) artifact version' })
  version: string;
}

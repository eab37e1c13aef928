import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class EraseCustomerDataInput {
  @Field({ description: 'The customer id exactly as sent in ingestBatch records (1–64 characters, not blank)' })
  customerId: string;
}

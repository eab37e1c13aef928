import { Field, InputType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/scalars';
import { ApplicationInput } from './application.input';

@InputType()
export class IngestBatchInput {
  @Field(() => String, { nullable: true, description: 'Idempotency key (1–128 characters); generated when absent' })
  batchId?: string | null;

  @Field(() => String, { nullable: true, description: 'Must name the active model version when given' })
  modelVersion?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  metadata?: Record<string, unknown> | null;

  @Field(() => [ApplicationInput])
  records: ApplicationInput[];
}

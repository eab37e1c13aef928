import { Field, ID, InputType } from '@nestjs/graphql';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'Unique among live keys: letters, digits, . _ @ - (at most 100)' })
  name: string;

  @Field({ description: 'ingest, viewer, operator, model-admin or admin' })
  role: string;

  @Field(() => Date, { nullable: true, description: 'When the key stops working (must be in the future)' })
  expiresAt?: Date | null;
}

@InputType()
export class RevokeApiKeyInput {
  @Field(() => ID)
  id: string;
}

@InputType()
export class AuditLogFilter {
  @Field(() => String, { nullable: true })
  principal?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;
}

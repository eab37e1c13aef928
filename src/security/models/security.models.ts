import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/scalars';

@ObjectType('Principal', { description: 'Who a request is made by' })
export class PrincipalModel {
  @Field({ description: "The key's name or the OIDC subject: what audit rows and alert events record" })
  name: string;

  @Field({ description: 'ingest, viewer, operator, model-admin or admin' })
  role: string;

  @Field({ description: "'api-key' or 'oidc'" })
  kind: string;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => [String], {
    description:
      "Role-matrix entries this principal may call ('Mutation.updateAlertStatus', 'GET /reports/:id', …), so a console can offer only what will be allowed",
  })
  allowedOperations: string[];
}

@ObjectType({ description: 'An API key (its secret is shown only once, when it is created)' })
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  role: string;

  @Field({ description: 'Public part of the key (cmk_<prefix>_...), for telling keys apart' })
  prefix: string;

  @Field(() => String, { nullable: true })
  createdBy: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'Recorded at most once a minute' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'The full key: send it as Authorization: Bearer <key>. It is not stored and cannot be shown again' })
  key: string;
}

@ObjectType({ description: 'One row of the append-only audit trail' })
export class AuditEntry {
  @Field(() => ID)
  id: string;

  @Field()
  occurredAt: Date;

  @Field({ description: "Key name, OIDC subject, 'anonymous' for refused calls without valid credentials, or 'system'" })
  principal: string;

  @Field(() => String, { nullable: true })
  role: string | null;

  @Field({ description: 'The operation, e.g. Mutation.promoteModelVersion or keys.create' })
  action: string;

  @Field(() => JSONScalar, { description: 'Ids of what was changed' })
  target: Record<string, unknown>;

  @Field(() => JSONScalar, { description: 'Short input summary (no personal data)' })
  summary: Record<string, unknown>;

  @Field({ description: "'OK' or the error code the call ended with (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, ...)" })
  outcome: string;

  @Field(() => String, { nullable: true })
  requestId: string | null;
}

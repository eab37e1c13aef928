import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/graphql/scalars';
import { Alert } from './alert.model';
import { AlertEventType } from './alert-enums';

@ObjectType({ description: 'One change of one alert, from the append-only alert event log' })
export class AlertEvent {
  @Field(() => ID, { description: 'Monotonic event id: pass the last one received as afterEventId to resume' })
  id: string;

  @Field(() => AlertEventType)
  type: AlertEventType;

  @Field()
  occurredAt: Date;

  @Field({
    description: "Who made the change: the authenticated principal (API key name or OIDC subject), or 'system' for rule evaluation",
  })
  actor: string;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Why: detection scores, the report, the previous status' })
  details: Record<string, unknown> | null;

  @Field(() => Alert, { description: 'The alert as it was right after this change' })
  alert: Alert;
}

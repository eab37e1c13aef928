import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class TriggerRetrainingInput {
  @Field({ description: 'Why (1–2,000 characters); recorded on the event and on the active model version' })
  reason: string;
}

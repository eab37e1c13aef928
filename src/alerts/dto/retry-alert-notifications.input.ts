import { Field, ID, InputType } from '@nestjs/graphql';

@InputType()
export class RetryAlertNotificationsInput {
  @Field(() => ID, { nullable: true, description: 'Only the notifications of this alert (default: every alert)' })
  alertId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only this receiver, as alertNotifications shows it (default: every configured receiver)',
  })
  receiver?: string | null;
}

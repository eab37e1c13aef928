import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType } from '../../common/pagination/connection';
import type { Caller } from '../../security/caller';
import { CurrentCaller } from '../../security/security.decorators';
import { RetryAlertNotificationsInput } from '../dto/retry-alert-notifications.input';
import { AlertNotification, NotificationStatus, RetryAlertNotificationsResult } from '../models/alert-notification.model';
import { AlertNotificationQueriesService } from './alert-notification-queries.service';
import { AlertNotificationRetryService } from './alert-notification-retry.service';

const AlertNotificationConnection = ConnectionType(AlertNotification, 'AlertNotification');

@Resolver(() => AlertNotification)
export class AlertNotificationsResolver {
  constructor(
    private readonly queries: AlertNotificationQueriesService,
    private readonly retries: AlertNotificationRetryService,
  ) {}

  @Query(() => AlertNotificationConnection, {
    description: 'Alert notifications (one per alert event and receiver) with their delivery state, newest first',
  })
  alertNotifications(
    @Args('alertId', { type: () => ID, nullable: true }) alertId?: string,
    @Args('status', { type: () => NotificationStatus, nullable: true }) status?: NotificationStatus,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    return this.queries.list({ alertId, status }, first, after);
  }

  @Mutation(() => RetryAlertNotificationsResult, {
    description:
      'Re-queue FAILED notifications (of one alert and/or one receiver) once the receiver works again; a failed webhook notification holds back the later ones of its alert until then',
  })
  retryAlertNotifications(
    @Args('input', { type: () => RetryAlertNotificationsInput }) input: RetryAlertNotificationsInput,
    @CurrentCaller() caller: Caller,
  ): Promise<RetryAlertNotificationsResult> {
    return this.retries.retry(input, caller);
  }
}

import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { ConnectionType } from '../../common/pagination/connection';
import { AlertNotification, NotificationStatus } from '../models/alert-notification.model';
import { AlertNotificationQueriesService } from './alert-notification-queries.service';

const AlertNotificationConnection = ConnectionType(AlertNotification, 'AlertNotification');

@Resolver(() => AlertNotification)
export class AlertNotificationsResolver {
  constructor(private readonly queries: AlertNotificationQueriesService) {}

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
}

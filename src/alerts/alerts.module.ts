import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertEventWriter } from './alert-event.writer';
import { AlertEventsListener } from './alert-events.listener';
import { AlertEventsRepository } from './alert-events.repository';
import { AlertLifecycleService } from './alert-lifecycle.service';
import { AlertMetrics } from './alert-metrics';
import { AlertQueriesService } from './alert-queries.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsResolver } from './alerts.resolver';
import { AlertsService } from './alerts.service';
import { AlertEntity } from './entities/alert.entity';
import { AlertEventEntity } from './entities/alert-event.entity';
import { AlertNotificationEntity } from './entities/alert-notification.entity';
import { AlertNotificationOutbox } from './routing/alert-notification.outbox';
import { AlertNotificationQueriesService } from './routing/alert-notification-queries.service';
import { AlertNotificationRetryService } from './routing/alert-notification-retry.service';
import { AlertNotificationsRepository } from './routing/alert-notifications.repository';
import { AlertNotificationsResolver } from './routing/alert-notifications.resolver';
import { NotificationSender } from './routing/notification.sender';
import { NotificationDeliveryWorker } from './routing/notification-delivery.worker';

/**
 * Alerts: rules, fingerprint deduplication, lifecycle, the alert event log and the
 * alertChanged subscription, and alert routing (routing/: the notification outbox written with
 * each event, and its delivery worker). Only AlertsService is exported (drift and performance call it
 * inside their transactions).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, AlertEventEntity, AlertNotificationEntity])],
  providers: [
    AlertsRepository,
    AlertEventsRepository,
    AlertsService,
    AlertEventWriter,
    AlertLifecycleService,
    AlertQueriesService,
    AlertEventsListener,
    AlertsResolver,
    AlertNotificationsRepository,
    AlertNotificationOutbox,
    NotificationSender,
    NotificationDeliveryWorker,
    AlertNotificationQueriesService,
    AlertNotificationRetryService,
    AlertNotificationsResolver,
    AlertMetrics,
  ],
  exports: [AlertsService],
})
export class AlertsModule {}

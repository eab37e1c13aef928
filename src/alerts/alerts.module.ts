import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertEventWriter } from './alert-event.writer';
import { AlertEventsListener } from './alert-events.listener';
import { AlertEventsRepository } from './alert-events.repository';
import { AlertLifecycleService } from './alert-lifecycle.service';
import { AlertQueriesService } from './alert-queries.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsResolver } from './alerts.resolver';
import { AlertsService } from './alerts.service';
import { AlertEntity } from './entities/alert.entity';
import { AlertEventEntity } from './entities/alert-event.entity';

/**
 * Alerts: rules, fingerprint deduplication, lifecycle, the alert event log and the
 * alertChanged subscription. Only AlertsService is exported (drift and performance call it
 * inside their transactions).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AlertEntity, AlertEventEntity])],
  providers: [
    AlertsRepository,
    AlertEventsRepository,
    AlertsService,
    AlertEventWriter,
    AlertLifecycleService,
    AlertQueriesService,
    AlertEventsListener,
    AlertsResolver,
  ],
  exports: [AlertsService],
})
export class AlertsModule {}

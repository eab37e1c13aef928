import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { ConnectionType } from '../common/pagination/connection';
import { AppConfig } from '../config/app-config';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { alertEventMatcher, parseAfterEventId } from './alert-event.filter';
import { AlertEventStream } from './alert-event.stream';
import { AlertEventsListener } from './alert-events.listener';
import { AlertLifecycleService } from './alert-lifecycle.service';
import { alertCountHistoryCost, AlertQueriesService } from './alert-queries.service';
import { AlertChangedFilter } from './dto/alert-changed-filter.input';
import { AlertsFilter } from './dto/alerts-filter.input';
import { UpdateAlertStatusInput } from './dto/update-alert-status.input';
import { Alert } from './models/alert.model';
import { AlertCountBucket, AlertCountPoint } from './models/alert-count-history.model';
import { AlertEvent } from './models/alert-event.model';
import { AlertSummary } from './models/alert-summary.model';

const AlertConnection = ConnectionType(Alert, 'Alert');
const AlertEventConnection = ConnectionType(AlertEvent, 'AlertEvent');

@Resolver(() => Alert)
export class AlertsResolver {
  constructor(
    private readonly config: AppConfig,
    private readonly queries: AlertQueriesService,
    private readonly lifecycle: AlertLifecycleService,
    private readonly listener: AlertEventsListener,
  ) {}

  @Query(() => AlertConnection, { description: 'Alerts, newest first' })
  alerts(
    @Args('filter', { type: () => AlertsFilter, nullable: true }) filter?: AlertsFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    return this.queries.listAlerts(filter, first, after);
  }

  @Query(() => Alert)
  alert(@Args('id', { type: () => ID }) id: string): Promise<Alert> {
    return this.queries.getAlert(id);
  }

  @ResolveField(() => AlertEventConnection, { description: 'Event history, oldest first' })
  events(
    @Parent() alert: Alert,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    return this.queries.listEvents(alert.id, first, after);
  }

  @Query(() => AlertSummary, { description: 'Alert counts by status and severity' })
  alertSummary(): Promise<AlertSummary> {
    return this.queries.summary();
  }

  @Query(() => [AlertCountPoint], {
    description: 'Alerts opened per time bucket by severity (oldest first; buckets without alerts are left out)',
    complexity: alertCountHistoryCost,
  })
  alertCountHistory(
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('bucket', { type: () => AlertCountBucket, defaultValue: AlertCountBucket.HOUR }) bucket: AlertCountBucket,
  ): Promise<AlertCountPoint[]> {
    return this.queries.countHistory(from, to, bucket);
  }

  @Mutation(() => Alert, {
    description: 'Acknowledge or resolve an alert (optionally snoozing it); the event records the authenticated principal',
  })
  updateAlertStatus(@Args('input') input: UpdateAlertStatusInput, @CurrentCaller() caller: Caller): Promise<Alert> {
    return this.lifecycle.updateStatus(input, caller);
  }

  @Subscription(() => AlertEvent, {
    description:
      'Every alert change after it commits. With afterEventId: first the events after it, in order, then live, with no gap or duplicate.',
    resolve: (event: AlertEvent) => event,
  })
  alertChanged(
    @Args('filter', { type: () => AlertChangedFilter, nullable: true }) filter?: AlertChangedFilter,
    @Args('afterEventId', { type: () => ID, nullable: true }) afterEventId?: string,
  ): AsyncIterableIterator<AlertEvent> {
    return new AlertEventStream(
      this.listener,
      alertEventMatcher(filter),
      parseAfterEventId(afterEventId),
      this.config.alerts.subscriberBuffer,
    );
  }
}

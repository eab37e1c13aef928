import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UUID_PATTERN } from '../../common/pagination/connection';
import { AuditService } from '../../security/audit.service';
import type { Caller } from '../../security/caller';
import { AlertInputError } from '../alerts.errors';
import { RetryAlertNotificationsInput } from '../dto/retry-alert-notifications.input';
import { RetryAlertNotificationsResult } from '../models/alert-notification.model';
import { AlertNotificationOutbox } from './alert-notification.outbox';
import { AlertNotificationsRepository } from './alert-notifications.repository';
import { NotificationDeliveryWorker } from './notification-delivery.worker';
import { displayTarget, Receiver } from './receivers';

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * retryAlertNotifications: an operator re-queues FAILED notifications once the receiver is
 * fixed, so at-least-once delivery does not end with the attempt limit. Only rows of configured
 * receivers are re-queued (the others are never claimed). The change and its audit row commit
 * together.
 */
@Injectable()
export class AlertNotificationRetryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AlertNotificationsRepository,
    private readonly outbox: AlertNotificationOutbox,
    private readonly worker: NotificationDeliveryWorker,
    private readonly audit: AuditService,
  ) {}

  async retry(input: RetryAlertNotificationsInput, caller: Caller): Promise<RetryAlertNotificationsResult> {
    const alertId = input.alertId?.trim() || null;
    if (alertId && !UUID_PATTERN.test(alertId)) throw new AlertInputError('alertId', 'must be an alert id (a UUID)');
    const receivers = this.receiversFor(input.receiver?.trim() || null);
    const result = await this.dataSource.transaction(async (manager) => {
      const counts = await this.repository.requeueFailed(manager, {
        receivers: receivers.map((r) => `${r.kind} ${r.target}`),
        alertId,
      });
      await this.audit.record(manager, caller, {
        action: 'Mutation.retryAlertNotifications',
        target: { alertId, receiver: input.receiver?.trim() || null },
        summary: counts,
      });
      return counts;
    });
    // This instance's worker claims them now; the others on their next poll.
    if (result.requeued) this.worker.wake();
    return result;
  }

  /** The configured receivers `receiver` names (its display form, as alertNotifications shows it), or all of them. */
  private receiversFor(receiver: string | null): readonly Receiver[] {
    const configured = this.outbox.receivers;
    if (receiver === null) return configured;
    const matching = configured.filter((r) => withoutTrailingSlash(displayTarget(r.target)) === withoutTrailingSlash(receiver));
    if (matching.length) return matching;
    const known = configured.map((r) => displayTarget(r.target));
    throw new AlertInputError(
      'receiver',
      known.length
        ? `must be a configured receiver as alertNotifications shows it: ${known.join(', ')}`
        : 'no alert receiver is configured (ALERTMANAGER_URL, ALERT_WEBHOOK_URLS)',
    );
  }
}

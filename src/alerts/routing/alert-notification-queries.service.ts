import { Injectable } from '@nestjs/common';
import { Connection, decodeNumberCursor, encodeCursor, pageSize, toConnection, UUID_PATTERN } from '../../common/pagination/connection';
import { AlertInputError } from '../alerts.errors';
import { AlertNotification, NotificationReceiverKind, NotificationStatus } from '../models/alert-notification.model';
import { AlertNotificationsRepository, NotificationRow } from './alert-notifications.repository';
import { displayTarget } from './receivers';

/** The API view of a row: the receiver without credentials, and no lease holder (host and pid are not a viewer's business). */
export function toAlertNotification(row: NotificationRow): AlertNotification {
  return {
    id: row.id,
    alertId: row.alert_id,
    alertEventId: String(row.alert_event_id),
    eventType: row.event_type,
    receiverKind: row.receiver_kind as NotificationReceiverKind,
    receiver: displayTarget(row.receiver_target),
    idempotencyKey: row.idempotency_key,
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    lastHttpStatus: row.last_http_status,
    createdAt: row.created_at,
    queuedAt: row.queued_at,
    deliveredAt: row.delivered_at,
  };
}

/** Read side of alert routing: the delivery state of notifications, newest first. */
@Injectable()
export class AlertNotificationQueriesService {
  constructor(private readonly repository: AlertNotificationsRepository) {}

  async list(
    filter: { alertId?: string | null; status?: NotificationStatus | null },
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<AlertNotification>> {
    if (filter.alertId && !UUID_PATTERN.test(filter.alertId)) throw new AlertInputError('alertId', 'must be an alert id (a UUID)');
    const size = pageSize(first);
    const afterSeq = after ? String(decodeNumberCursor(after)) : null;
    const { rows, total } = await this.repository.listPage(filter, afterSeq, size + 1);
    return toConnection(rows, size, total, (row) => encodeCursor([row.seq]), toAlertNotification);
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { tryNamedLockForTransaction } from '../../database/advisory-locks';
import { AlertEventWriter } from '../alert-event.writer';
import { AlertEventsListener } from '../alert-events.listener';
import { AlertEventsRepository } from '../alert-events.repository';
import { AlertNotificationOutbox } from './alert-notification.outbox';
import { AlertNotificationsRepository, AttemptOutcome, NewNotification, NotificationRow } from './alert-notifications.repository';
import { NotificationSender, SendResult } from './notification.sender';
import { REFRESH_EVENT_TYPE } from './notification-payload';
import { displayTarget, Receiver, redactUrls, refreshIdempotencyKey } from './receivers';
import { retryDelayMs } from './retry-backoff';

/** Notifications leased per claim; they go to distinct (receiver, alert) pairs, sent concurrently. */
const CLAIM_BATCH = 16;
/** While PostgreSQL stays unreachable, one reminder line this often (not one per poll). */
const OUTAGE_REMINDER_MS = 300_000;
const REFRESH_LOCK = 'alert-routing:alertmanager-refresh';

/**
 * Delivers the alert-notification outbox. Every instance runs one; they share the work through
 * the table: each claim leases due rows with FOR UPDATE SKIP LOCKED, so one instance delivers a
 * notification at a time, and a lease that runs out (an instance that died mid-delivery) makes
 * the row claimable again. The lease (2 × the request timeout + 10 s) outlasts any request, which
 * the timeout aborts first.
 *
 * The loop claims again at once after a busy round (the next notifications of the same alerts
 * become claimable once their predecessors are delivered), else sleeps `pollMs` or until a new
 * alert event commits (it listens to the existing alert-event fan-out, which rides on
 * LISTEN/NOTIFY). PostgreSQL outages: the claim fails, the worker logs once (and a reminder every
 * 5 minutes), keeps polling, and logs when it recovers; nothing is lost because pending rows are
 * in the table. Off when no receiver is configured.
 *
 * Alertmanager refresh: every ALERTMANAGER_RESEND_MS one instance (a named advisory lock; the
 * others skip) re-queues one re-send row per live alert, pinned to the alert's latest event so
 * the delivery order holds (docs/alerts.md "Alertmanager").
 */
@Injectable()
export class NotificationDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationDeliveryWorker.name);
  /** Unique per process and app instance (several test instances share one pid). */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly receivers: readonly Receiver[];
  private readonly receiverKeys: string[];
  private readonly leaseMs: number;
  private readonly shutdown = new AbortController();
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private wakeRequested = false;
  private detach: (() => void) | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private outageSince: number | null = null;
  private lastOutageLog = 0;
  private readonly failingReceivers = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AlertNotificationsRepository,
    private readonly sender: NotificationSender,
    private readonly listener: AlertEventsListener,
    private readonly writer: AlertEventWriter,
    private readonly events: AlertEventsRepository,
    outbox: AlertNotificationOutbox,
  ) {
    this.receivers = outbox.receivers;
    this.receiverKeys = this.receivers.map((r) => `${r.kind} ${r.target}`);
    this.leaseMs = 2 * config.alertRouting.timeoutMs + 10_000;
  }

  get enabled(): boolean {
    return this.receivers.length > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.detach = this.listener.attach({ push: () => this.wake(), close: () => undefined });
    this.loop = this.run();
    if (this.receivers.some((r) => r.kind === 'ALERTMANAGER')) {
      this.startRefresh();
      this.refreshTimer = setInterval(() => this.startRefresh(), this.config.alertRouting.alertmanagerResendMs);
      this.refreshTimer.unref();
    }
    this.logger.log({ msg: 'alert delivery started', instance: this.instanceId, receivers: this.receivers.map((r) => r.kind) });
  }

  /**
   * Stops claiming, aborts requests in flight and gives their rows back (due at once for any
   * instance), then returns. Runs before the DataSource closes (Nest destroys modules before the
   * TypeORM shutdown hook), so the release still reaches the table.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.detach?.();
    this.shutdown.abort();
    this.wakeUp?.();
    await this.loop;
    await this.refreshing;
  }

  /** Ends the current sleep (a new alert event committed, a refresh or a retry queued rows). */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakeRequested = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested || this.stopped) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed: NotificationRow[] = [];
      try {
        claimed = await this.repository.claim(this.instanceId, this.receiverKeys, CLAIM_BATCH, this.leaseMs);
        this.databaseAvailable();
      } catch (error) {
        this.databaseUnavailable(error as Error);
      }
      if (claimed.length) await Promise.all(claimed.map((row) => this.deliver(row)));
      else await this.sleep(this.config.alertRouting.pollMs);
    }
  }

  private async deliver(row: NotificationRow): Promise<void> {
    let result: SendResult;
    if (this.stopped) {
      result = { ok: false, httpStatus: null, error: 'aborted at shutdown', aborted: true };
    } else {
      result = await this.sender
        .send(row, this.shutdown.signal)
        .catch((error: Error) => ({ ok: false, httpStatus: null, error: `could not send: ${redactUrls(error.message)}`, aborted: false }));
    }
    try {
      if (result.aborted) {
        // Not the receiver's fault: no attempt is counted, and another instance may take it now.
        await this.repository.release([row.id], this.instanceId);
        return;
      }
      const outcome = this.outcomeOf(row, result);
      const held = await this.repository.finish(row.id, this.instanceId, outcome);
      this.noteReceiver(row, result, outcome, held);
    } catch (error) {
      // The row keeps its lease until it runs out; then it is delivered again (same idempotency key).
      this.databaseUnavailable(error as Error);
    }
  }

  private outcomeOf(row: NotificationRow, result: SendResult): AttemptOutcome {
    if (result.ok) return { status: 'DELIVERED', httpStatus: result.httpStatus, error: null, retryInMs: 0 };
    const { backoffMs, maxBackoffMs, maxAttempts } = this.config.alertRouting;
    const failures = row.attempts + 1;
    if (failures >= maxAttempts) return { status: 'FAILED', httpStatus: result.httpStatus, error: result.error, retryInMs: 0 };
    return {
      status: 'PENDING',
      httpStatus: result.httpStatus,
      error: result.error,
      retryInMs: retryDelayMs(failures, backoffMs, maxBackoffMs),
    };
  }

  /** One line when a receiver starts failing and one when it recovers, not one per retry. */
  private noteReceiver(row: NotificationRow, result: SendResult, outcome: AttemptOutcome, held: boolean): void {
    const key = `${row.receiver_kind} ${row.receiver_target}`;
    const receiver = { kind: row.receiver_kind, receiver: displayTarget(row.receiver_target) };
    if (!held) {
      this.logger.warn({ msg: 'alert notification lease was lost before the attempt finished', notificationId: row.id, ...receiver });
    }
    if (outcome.status === 'FAILED') {
      this.logger.error({
        msg:
          row.receiver_kind === 'WEBHOOK'
            ? 'alert notification failed after the last attempt; later notifications of this alert to this receiver wait until retryAlertNotifications re-queues it'
            : 'alert notification failed after the last attempt; the next notification or refresh of this alert sends its current state',
        notificationId: row.id,
        alertId: row.alert_id,
        attempts: row.attempts + 1,
        error: result.error,
        ...receiver,
      });
    }
    if (result.ok && this.failingReceivers.delete(key)) {
      this.logger.log({ msg: 'alert receiver recovered', ...receiver });
    } else if (!result.ok && !this.failingReceivers.has(key)) {
      this.failingReceivers.add(key);
      this.logger.warn({
        msg: 'alert receiver failing; retrying with backoff',
        error: result.error,
        httpStatus: result.httpStatus,
        ...receiver,
      });
    }
  }

  private databaseUnavailable(error: Error): void {
    if (this.stopped) return;
    const now = Date.now();
    if (this.outageSince === null) {
      this.outageSince = now;
      this.lastOutageLog = now;
      this.logger.warn({ msg: 'alert delivery paused: database unavailable; retrying every poll', error: error.message });
    } else if (now - this.lastOutageLog >= OUTAGE_REMINDER_MS) {
      this.lastOutageLog = now;
      this.logger.warn({ msg: 'alert delivery still paused: database unavailable', sinceMs: now - this.outageSince, error: error.message });
    }
  }

  private databaseAvailable(): void {
    if (this.outageSince === null) return;
    this.logger.log({ msg: 'alert delivery resumed', pausedMs: Date.now() - this.outageSince });
    this.outageSince = null;
  }

  private startRefresh(): void {
    if (this.stopped || this.refreshing) return;
    this.refreshing = this.refreshAlertmanager()
      .then(() => undefined)
      .catch((error: Error) => this.databaseUnavailable(error))
      .finally(() => {
        this.refreshing = null;
      });
  }

  /**
   * Re-queues the Alertmanager re-send of every live alert. Under the alert-event lock (the one
   * every alert change takes), so the latest event read here stays the latest until this
   * commits: a resolution either committed before (and the alert is not live here) or commits
   * after, with a later event id, and is delivered after the re-send.
   */
  async refreshAlertmanager(): Promise<number> {
    const receivers = this.receivers.filter((r) => r.kind === 'ALERTMANAGER');
    if (!receivers.length) return 0;
    const resendMs = this.config.alertRouting.alertmanagerResendMs;
    const queued = await this.dataSource.transaction(async (manager) => {
      if (!(await tryNamedLockForTransaction(manager, REFRESH_LOCK))) return 0;
      await this.writer.lock(manager);
      const live = (await this.events.latestOfLiveAlerts(manager)).filter((event) => event.details?.alert);
      const rows: NewNotification[] = live.flatMap((event) =>
        receivers.map((receiver) => ({
          alertEventId: event.id,
          alertId: event.alert_id,
          eventType: REFRESH_EVENT_TYPE,
          receiverKind: receiver.kind,
          receiverTarget: receiver.target,
          idempotencyKey: refreshIdempotencyKey(event.alert_id, receiver),
          payload: {
            type: REFRESH_EVENT_TYPE,
            eventId: event.id,
            occurredAt: new Date(event.occurred_at).toISOString(),
            actor: event.actor,
            note: event.note,
            previousSeverity: null,
            alert: event.details.alert!,
          },
        })),
      );
      // Half an interval: several instances' timers (or a restart) never re-send more than
      // about twice per interval.
      return this.repository.queueRefresh(manager, rows, resendMs / 2);
    });
    if (queued) this.wake();
    return queued;
  }
}

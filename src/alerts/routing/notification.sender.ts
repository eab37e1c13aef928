import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { NotificationRow } from './alert-notifications.repository';
import { toAlertmanagerAlerts } from './alertmanager.payload';
import { webhookBody } from './notification-payload';
import { redactUrls } from './receivers';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';

/** What one HTTP attempt came to. */
export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status; null when no response arrived (refused, timed out, aborted). */
  httpStatus: number | null;
  /** Short description for last_error; null on success. */
  error: string | null;
  /** True when the attempt was cut short by `signal` (shutdown), not by the receiver. */
  aborted: boolean;
}

/** Firing alerts are posted with endsAt = now + this many resend intervals (Prometheus uses 4). */
export const FIRING_LEASE_INTERVALS = 4;
const ERROR_BODY_CHARS = 300;
const USER_AGENT = 'credit-monitor-alert-router';

/**
 * Renders one notification for its receiver and sends it (one HTTP POST, bounded by the
 * per-request timeout): Alertmanager's v2 API, or a signed webhook. Any 2xx is success; every
 * other outcome is retried (a 4xx may be a proxy or deployment hiccup: giving up early would
 * lose the notification, and the attempt limit bounds the cost).
 */
@Injectable()
export class NotificationSender {
  constructor(private readonly config: AppConfig) {}

  async send(row: NotificationRow, signal: AbortSignal, now: Date = new Date()): Promise<SendResult> {
    const routing = this.config.alertRouting;
    let url: string;
    let body: string;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
    if (row.receiver_kind === 'ALERTMANAGER') {
      url = `${row.receiver_target}/api/v2/alerts`;
      body = JSON.stringify(
        toAlertmanagerAlerts(row.payload, {
          now,
          firingLeaseMs: FIRING_LEASE_INTERVALS * routing.alertmanagerResendMs,
          publicUrl: routing.publicUrl,
        }),
      );
    } else {
      url = row.receiver_target;
      body = webhookBody(row.idempotency_key, row.payload);
      headers['idempotency-key'] = row.idempotency_key;
      headers['x-credit-monitor-event'] = row.event_type;
      headers[SIGNATURE_HEADER.toLowerCase()] = signWebhook(routing.webhookSecret ?? '', body, now);
    }
    const timeout = AbortSignal.timeout(routing.timeoutMs);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([signal, timeout]) });
      if (response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: true, httpStatus: response.status, error: null, aborted: false };
      }
      const snippet = redactUrls((await response.text().catch(() => '')).slice(0, ERROR_BODY_CHARS).replace(/\s+/g, ' ').trim());
      return { ok: false, httpStatus: response.status, error: `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`, aborted: false };
    } catch (error) {
      if (signal.aborted) return { ok: false, httpStatus: null, error: 'aborted at shutdown', aborted: true };
      if (timeout.aborted) return { ok: false, httpStatus: null, error: `timed out after ${routing.timeoutMs} ms`, aborted: false };
      return { ok: false, httpStatus: null, error: describe(error), aborted: false };
    }
  }
}

/**
 * fetch wraps network errors ("fetch failed"); the cause names what happened (ECONNREFUSED ...).
 * Some messages quote the URL (an invalid URL, a URL with credentials): URLs are redacted.
 */
function describe(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return redactUrls(cause ? `${err.message}: ${cause}` : err.message).slice(0, ERROR_BODY_CHARS);
}

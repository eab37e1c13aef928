import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import type { ReceiverKind } from '../entities/alert-notification.entity';

/** One configured destination of alert notifications. */
export interface Receiver {
  kind: ReceiverKind;
  /** The URL the worker posts to: Alertmanager's base URL, or a webhook URL. */
  target: string;
  /** Short stable hash of kind and target: part of every idempotency key for this receiver. */
  id: string;
}

function receiver(kind: ReceiverKind, target: string): Receiver {
  return { kind, target, id: createHash('sha256').update(`${kind} ${target}`).digest('hex').slice(0, 16) };
}

/** The receivers in the configuration, each once (a URL listed twice would be notified twice otherwise). */
export function configuredReceivers(routing: AppConfig['alertRouting']): Receiver[] {
  const receivers: Receiver[] = [];
  if (routing.alertmanagerUrl) receivers.push(receiver('ALERTMANAGER', routing.alertmanagerUrl));
  for (const url of new Set(routing.webhookUrls)) receivers.push(receiver('WEBHOOK', url));
  return receivers;
}

/** Stable per (event, receiver): every retry and every instance sends the same key. */
export function eventIdempotencyKey(eventId: string, receiver: Receiver): string {
  return `event-${eventId}-${receiver.id}`;
}

/** The one re-send row per (alert, Alertmanager) that the periodic refresh re-queues. */
export function refreshIdempotencyKey(alertId: string, receiver: Receiver): string {
  return `refresh-${alertId}-${receiver.id}`;
}

/**
 * A receiver URL as the API shows it: without user info, query or fragment, which may hold
 * credentials (https://user:token@host/hook?key=...).
 */
export function displayTarget(target: string): string {
  try {
    const url = new URL(target);
    const origin = `${url.protocol}//${url.host}`;
    if (url.pathname === '/' || url.pathname === '') return origin;
    // Hosted webhooks often carry their credential in the path (Slack's /services/T…/B…/<secret>),
    // so the path is shown as a fingerprint: still tells two receivers on one host apart, and an
    // operator can compute it from the configured URL (sha256 of the path, first 8 hex digits).
    return `${origin}/…${pathFingerprint(url.pathname)}`;
  } catch {
    return '(invalid URL)';
  }
}

export function pathFingerprint(pathname: string): string {
  return createHash('sha256').update(pathname).digest('hex').slice(0, 8);
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * `text` (an error message, a receiver's answer) with every URL in it cut down to displayTarget:
 * what is stored in last_error (readable by viewers) and logged never carries user info, a
 * query string or a fragment.
 */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => displayTarget(url));
}

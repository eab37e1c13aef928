import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style: `X-Credit-Monitor-Signature: t=<unix seconds>,v1=<hex>` where
 * hex = HMAC-SHA256(secret, "<t>.<raw body>"). The timestamp is signed with the body, so a
 * captured request cannot be replayed outside the receiver's tolerance window, and a body cannot
 * be paired with another timestamp.
 *
 * Plain TypeScript on node:crypto only, with no Nest or service import: a receiver may copy this
 * file as it is (docs/alerts.md "Verifying webhooks").
 */
export const SIGNATURE_HEADER = 'X-Credit-Monitor-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for `rawBody` signed at `now`. */
export function signWebhook(secret: string, rawBody: string | Buffer, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

export interface WebhookVerification {
  valid: boolean;
  /** Why it was refused; null when valid. */
  reason: string | null;
}

const refused = (reason: string): WebhookVerification => ({ valid: false, reason });

/**
 * Checks a received signature header against the raw request body (the exact bytes received,
 * before any JSON parsing). Valid when the header is well formed, its timestamp is within
 * `toleranceSeconds` of `now` (either side, for clock skew), and one of its v1 signatures equals
 * the HMAC of "<t>.<raw body>" (several v1 entries are allowed, e.g. while a secret rotates).
 * Comparison is constant-time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string | Buffer,
  now: Date = new Date(),
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerification {
  if (!secret) return refused('no secret configured');
  if (typeof header !== 'string' || header.length === 0 || header.length > 4096) return refused('missing or oversized signature header');
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return refused('malformed signature header');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== null) return refused('malformed timestamp');
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return refused('malformed v1 signature');
      signatures.push(value);
    }
    // Other schemes (v0, future versions) are ignored, as Stripe's verifiers do.
  }
  if (timestamp === null) return refused('no timestamp');
  if (signatures.length === 0) return refused('no v1 signature');
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > toleranceSeconds) return refused(`timestamp outside the ${toleranceSeconds} s tolerance`);
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches ? { valid: true, reason: null } : refused('signature mismatch');
}

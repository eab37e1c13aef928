import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from '../../../src/alerts/routing/webhook-signature';

const SECRET = 'whsec-test-0123456789abcdef';
const BODY = JSON.stringify({ id: 'event-7-abc', type: 'CREATED', eventId: '7', alert: { id: 'a1', severity: 'HIGH' } });
const AT = new Date('2026-03-01T12:00:00Z');
const T = Math.floor(AT.getTime() / 1000);

describe('webhook signatures (t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>)', () => {
  it('signs as documented: the header a receiver can recompute with any HMAC library', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, AT)).toBe(`t=${T},v1=${expected}`);
  });

  it('accepts a good signature, inside the window on either side (clock skew)', () => {
    const header = signWebhook(SECRET, BODY, AT);
    expect(verifyWebhookSignature(SECRET, header, BODY, AT)).toEqual({ valid: true, reason: null });
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), new Date(AT.getTime() + 299_000)).valid).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, new Date(AT.getTime() - 299_000)).valid).toBe(true);
  });

  it('accepts when any of several v1 signatures matches (secret rotation) and ignores other schemes', () => {
    const good = signWebhook(SECRET, BODY, AT).split(',')[1];
    const header = `t=${T},v0=zzz,v1=${'0'.repeat(64)},${good}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, AT).valid).toBe(true);
  });

  it('refuses a tampered body, even by one character or whitespace', () => {
    const header = signWebhook(SECRET, BODY, AT);
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('HIGH', 'LOW'), AT)).toEqual({ valid: false, reason: 'signature mismatch' });
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, AT).valid).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    const header = signWebhook('another-secret', BODY, AT);
    expect(verifyWebhookSignature(SECRET, header, BODY, AT)).toEqual({ valid: false, reason: 'signature mismatch' });
  });

  it('refuses a timestamp moved to get past the window (the timestamp is signed)', () => {
    const [, v1] = signWebhook(SECRET, BODY, AT).split(',');
    const later = new Date(AT.getTime() + 3_600_000);
    expect(verifyWebhookSignature(SECRET, `t=${T + 3600},${v1}`, BODY, later)).toEqual({ valid: false, reason: 'signature mismatch' });
  });

  it('refuses a replay outside the window (default 300 s, configurable)', () => {
    const header = signWebhook(SECRET, BODY, AT);
    const late = new Date(AT.getTime() + 301_000);
    expect(verifyWebhookSignature(SECRET, header, BODY, late)).toEqual({ valid: false, reason: 'timestamp outside the 300 s tolerance' });
    expect(verifyWebhookSignature(SECRET, header, BODY, new Date(AT.getTime() - 301_000)).valid).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, late, 600).valid).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, new Date(AT.getTime() + 11_000), 10).valid).toBe(false);
  });

  it.each([
    ['missing', undefined, 'missing or oversized signature header'],
    ['empty', '', 'missing or oversized signature header'],
    ['no key=value', 'garbage', 'malformed signature header'],
    ['no timestamp', `v1=${'a'.repeat(64)}`, 'no timestamp'],
    ['non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`, 'malformed timestamp'],
    ['two timestamps', `t=${T},t=${T},v1=${'a'.repeat(64)}`, 'malformed timestamp'],
    ['no v1', `t=${T}`, 'no v1 signature'],
    ['short v1', `t=${T},v1=abcd`, 'malformed v1 signature'],
    ['upper-case hex', `t=${T},v1=${'A'.repeat(64)}`, 'malformed v1 signature'],
    ['oversized', `t=${T},v1=${'a'.repeat(5000)}`, 'missing or oversized signature header'],
  ])('refuses a malformed header (%s) with a reason, without throwing', (_label, header, reason) => {
    expect(verifyWebhookSignature(SECRET, header, BODY, AT)).toEqual({ valid: false, reason });
  });

  it('refuses everything when the receiver has no secret', () => {
    expect(verifyWebhookSignature('', signWebhook('', BODY, AT), BODY, AT)).toEqual({ valid: false, reason: 'no secret configured' });
  });
});

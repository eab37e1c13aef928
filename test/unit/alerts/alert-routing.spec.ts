import { createHash } from 'node:crypto';
import type { AlertSnapshot } from '../../../src/alerts/alert.mapper';
import { alertName, toAlertmanagerAlerts } from '../../../src/alerts/routing/alertmanager.payload';
import { NotificationEnvelope, webhookBody } from '../../../src/alerts/routing/notification-payload';
import {
  configuredReceivers,
  displayTarget,
  eventIdempotencyKey,
  pathFingerprint,
  redactUrls,
} from '../../../src/alerts/routing/receivers';
import { retryDelayMs } from '../../../src/alerts/routing/retry-backoff';
import { AppConfig } from '../../../src/config/app-config';
import { ConfigValidationError, validateEnvironment } from '../../../src/config/env.validation';

describe('retryDelayMs: exponential backoff with equal jitter', () => {
  const lowest = () => 0;
  const highest = () => 1;

  it('doubles per failed attempt from backoffMs, between half and all of the step', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 300_000, highest))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 300_000, lowest))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(3, 1000, 300_000, () => 0.5)).toBe(3000);
  });

  it('is capped at maxBackoffMs (and stays jittered there), even for huge attempt counts', () => {
    expect(retryDelayMs(10, 1000, 60_000, highest)).toBe(60_000);
    expect(retryDelayMs(10, 1000, 60_000, lowest)).toBe(30_000);
    expect(retryDelayMs(5000, 1000, 60_000, highest)).toBe(60_000);
    expect(Number.isFinite(retryDelayMs(10_000, 1000, 60_000))).toBe(true);
  });

  it('spreads retries of notifications that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, 1000, 300_000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(4000);
    for (const d of delays) expect(d).toBeLessThanOrEqual(8000);
  });

  it('rejects a non-positive attempt count', () => {
    expect(() => retryDelayMs(0, 1000, 2000)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5, 1000, 2000)).toThrow(RangeError);
  });
});

describe('receivers and idempotency keys', () => {
  const routing = (env: Record<string, string>) => new AppConfig(validateEnvironment(env)).alertRouting;

  it('lists Alertmanager and each distinct webhook once, with keys stable per (event, receiver)', () => {
    const receivers = configuredReceivers(
      routing({
        ALERTMANAGER_URL: 'http://am:9093/',
        ALERT_WEBHOOK_URLS: 'http://a.example/hook, http://b.example/hook,http://a.example/hook',
        ALERT_WEBHOOK_SECRET: 'a-webhook-secret-of-32-characters',
      }),
    );
    expect(receivers.map((r) => [r.kind, r.target])).toEqual([
      ['ALERTMANAGER', 'http://am:9093'],
      ['WEBHOOK', 'http://a.example/hook'],
      ['WEBHOOK', 'http://b.example/hook'],
    ]);
    const keys = receivers.map((r) => eventIdempotencyKey('42', r));
    expect(new Set(keys).size).toBe(3);
    expect(configuredReceivers(routing({ ALERTMANAGER_URL: 'http://am:9093' })).map((r) => eventIdempotencyKey('42', r))).toEqual([
      keys[0],
    ]);
    expect(configuredReceivers(routing({}))).toEqual([]);
  });

  it('shows receiver URLs without credentials: no user info, query or fragment, and the path only as a fingerprint', () => {
    const fingerprint = createHash('sha256').update('/services/T1/B2/secret-in-path').digest('hex').slice(0, 8);
    expect(displayTarget('https://user:token@hooks.example/services/T1/B2/secret-in-path?key=secret#f')).toBe(
      `https://hooks.example/…${fingerprint}`,
    );
    expect(displayTarget('https://hooks.example/')).toBe('https://hooks.example');
    expect(displayTarget('https://hooks.example/a')).not.toBe(displayTarget('https://hooks.example/b'));
  });

  it('strips user info, query and fragment from every URL inside an error text', () => {
    expect(redactUrls('Request cannot be constructed from a URL that includes credentials: https://user:token@hooks.example/x?key=k')).toBe(
      `Request cannot be constructed from a URL that includes credentials: https://hooks.example/…${pathFingerprint('/x')}`,
    );
    expect(redactUrls('HTTP 502: upstream http://10.0.0.1:8080/a?sig=s#f and ftp://u:p@files.example/b failed')).toBe(
      `HTTP 502: upstream http://10.0.0.1:8080/…${pathFingerprint('/a')} and ftp://files.example/…${pathFingerprint('/b')} failed`,
    );
    expect(redactUrls('connect ECONNREFUSED 127.0.0.1:9093')).toBe('connect ECONNREFUSED 127.0.0.1:9093');
  });

  it('refuses receiver URLs with user info at start, without echoing the credentials', () => {
    const refused = (env: Record<string, string>): string => {
      try {
        validateEnvironment(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigValidationError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    const secret = 'a-webhook-secret-of-32-characters';
    const webhook = refused({
      ALERT_WEBHOOK_URLS: 'https://ok.example/hook,https://user:t0ken@hooks.example/x',
      ALERT_WEBHOOK_SECRET: secret,
    });
    expect(webhook).toContain('ALERT_WEBHOOK_URLS must not contain user info (user:password@host)');
    expect(webhook).not.toContain('t0ken');
    const alertmanager = refused({ ALERTMANAGER_URL: 'http://admin@am:9093' });
    expect(alertmanager).toContain('ALERTMANAGER_URL must not contain user info');
    expect(alertmanager).not.toContain('admin');
    expect(() =>
      validateEnvironment({ ALERTMANAGER_URL: 'http://am:9093/path@v2', ALERT_WEBHOOK_URLS: 'https://h.example/a@b' }),
    ).not.toThrow();
  });

  it('requires a webhook secret of at least 32 characters, and never prints it', () => {
    const short = 'only-31-characters-long-secret!';
    expect(short).toHaveLength(31);
    expect(() => validateEnvironment({ ALERT_WEBHOOK_SECRET: short })).toThrow(
      'ALERT_WEBHOOK_SECRET=(31 characters, hidden): ALERT_WEBHOOK_SECRET must be at least 32 characters',
    );
    expect(() => validateEnvironment({ ALERT_WEBHOOK_SECRET: `${short}x` })).not.toThrow();
  });
});

describe('Alertmanager mapping', () => {
  const snapshot = (changes: Partial<Record<keyof AlertSnapshot, string | number | null>> = {}): AlertSnapshot =>
    ({
      id: '6f1c2c1e-0000-4000-8000-000000000001',
      fingerprint: 'model-1:FEATURE_DRIFT:loanAmount',
      kind: 'FEATURE_DRIFT',
      feature: 'loanAmount',
      modelVersion: 'model-1',
      severity: 'HIGH',
      status: 'OPEN',
      message: 'loanAmount drifted (PSI 0.31)',
      occurrences: 2,
      worstScore: 0.31,
      latestDriftReportId: null,
      previousAlertId: null,
      snoozedUntil: null,
      clearChecks: 0,
      firstSeenAt: '2026-03-01T10:00:00.000Z',
      lastSeenAt: '2026-03-01T11:00:00.000Z',
      resolvedAt: null,
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T11:00:00.000Z',
      ...changes,
    }) as AlertSnapshot;
  const envelope = (alert: AlertSnapshot, changes: Partial<NotificationEnvelope> = {}): NotificationEnvelope => ({
    type: 'CREATED',
    eventId: '7',
    occurredAt: '2026-03-01T11:00:00.000Z',
    actor: 'system',
    note: null,
    previousSeverity: null,
    alert,
    ...changes,
  });
  const now = new Date('2026-03-01T12:00:00Z');
  const rendering = { now, firingLeaseMs: 240_000, publicUrl: 'https://monitor.bank.example' };

  it('posts a firing alert with the labels, annotations, startsAt = opened and endsAt = now + lease', () => {
    const [posted, ...rest] = toAlertmanagerAlerts(envelope(snapshot()), rendering);
    expect(rest).toEqual([]);
    expect(posted.labels).toEqual({
      alertname: 'CreditMonitorFeatureDrift',
      alert_id: '6f1c2c1e-0000-4000-8000-000000000001',
      fingerprint: 'model-1:FEATURE_DRIFT:loanAmount',
      severity: 'high',
      kind: 'feature_drift',
      feature: 'loanAmount',
      model_version: 'model-1',
      service: 'credit-monitor',
    });
    expect(posted.annotations).toMatchObject({
      title: 'Feature drift on loanAmount (model model-1)',
      summary: 'Feature drift on loanAmount (model model-1)',
      dashboard: 'https://monitor.bank.example/dashboard',
      status: 'OPEN',
    });
    expect(posted.annotations.description).toContain('loanAmount drifted (PSI 0.31)');
    expect(posted.startsAt).toBe('2026-03-01T10:00:00.000Z');
    expect(posted.endsAt).toBe('2026-03-01T12:04:00.000Z');
    expect(posted.generatorURL).toBe('https://monitor.bank.example/dashboard');
  });

  it('keeps acknowledged and snoozed alerts firing; ends resolved ones at resolvedAt', () => {
    const acked = toAlertmanagerAlerts(envelope(snapshot({ status: 'ACKNOWLEDGED', snoozedUntil: '2026-03-02T00:00:00.000Z' })), rendering);
    expect(acked[0].endsAt).toBe('2026-03-01T12:04:00.000Z');
    expect(acked[0].annotations.snoozed_until).toBe('2026-03-02T00:00:00.000Z');
    const resolved = toAlertmanagerAlerts(
      envelope(snapshot({ status: 'RESOLVED', resolvedAt: '2026-03-01T11:30:00.000Z' }), { type: 'RESOLVED' }),
      rendering,
    );
    expect(resolved[0].endsAt).toBe('2026-03-01T11:30:00.000Z');
    expect(resolved[0].labels).toEqual(toAlertmanagerAlerts(envelope(snapshot()), rendering)[0].labels);
  });

  it('ends a RESOLVED alert now when its snapshot has no resolvedAt (never posts it as firing)', () => {
    const [posted] = toAlertmanagerAlerts(envelope(snapshot({ status: 'RESOLVED', resolvedAt: null }), { type: 'RESOLVED' }), rendering);
    expect(posted.endsAt).toBe(now.toISOString());
  });

  it('ends the old label set when an occurrence raised the severity', () => {
    const posted = toAlertmanagerAlerts(
      envelope(snapshot({ severity: 'CRITICAL' }), { type: 'UPDATED', previousSeverity: 'HIGH' }),
      rendering,
    );
    expect(posted.map((a) => [a.labels.severity, a.endsAt])).toEqual([
      ['critical', '2026-03-01T12:04:00.000Z'],
      ['high', now.toISOString()],
    ]);
  });

  it('leaves out the feature label and the dashboard link when there is none', () => {
    const [posted] = toAlertmanagerAlerts(envelope(snapshot({ kind: 'DATASET_DRIFT', feature: null })), { ...rendering, publicUrl: null });
    expect(posted.labels.feature).toBeUndefined();
    expect(posted.labels.alertname).toBe('CreditMonitorDatasetDrift');
    expect(posted.annotations.dashboard).toBeUndefined();
    expect(posted.generatorURL).toBeUndefined();
    expect(alertName('DATA_QUALITY')).toBe('CreditMonitorDataQuality');
  });

  it('labels a joint-distribution alert with its own alertname and kind, keeps the feature label, and titles it for people', () => {
    const [posted] = toAlertmanagerAlerts(
      envelope(snapshot({ kind: 'MULTIVARIATE_DRIFT', feature: 'multivariate', fingerprint: 'model-1:MULTIVARIATE_DRIFT:multivariate' })),
      rendering,
    );
    expect(posted.labels).toMatchObject({
      alertname: 'CreditMonitorMultivariateDrift',
      kind: 'multivariate_drift',
      feature: 'multivariate',
      fingerprint: 'model-1:MULTIVARIATE_DRIFT:multivariate',
    });
    // "… on multivariate" would say nothing: the kind's title names what drifted.
    expect(posted.annotations.title).toBe('Joint-distribution drift of the inputs (model model-1)');
    expect(posted.annotations.summary).toBe(posted.annotations.title);
  });

  it('webhook bodies carry the idempotency key, event type and id, the snapshot and occurredAt', () => {
    const body = JSON.parse(webhookBody('event-7-abc', envelope(snapshot())));
    expect(body).toEqual({
      id: 'event-7-abc',
      type: 'CREATED',
      eventId: '7',
      occurredAt: '2026-03-01T11:00:00.000Z',
      actor: 'system',
      note: null,
      previousSeverity: null,
      alert: snapshot(),
    });
  });
});

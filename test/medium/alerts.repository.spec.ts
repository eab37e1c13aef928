import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { toAlert } from '../../src/alerts/alert.mapper';
import { AlertEventWriter } from '../../src/alerts/alert-event.writer';
import { AlertEventsRepository, SqlRunner } from '../../src/alerts/alert-events.repository';
import { AlertsRepository, NewAlert } from '../../src/alerts/alerts.repository';
import { AlertsService } from '../../src/alerts/alerts.service';
import { AlertEventType } from '../../src/alerts/models/alert-enums';
import { AlertNotificationOutbox } from '../../src/alerts/routing/alert-notification.outbox';
import { AlertNotificationsRepository } from '../../src/alerts/routing/alert-notifications.repository';
import { encodeCursor } from '../../src/common/pagination/connection';
import { AppConfig } from '../../src/config/app-config';
import { validateEnvironment } from '../../src/config/env.validation';
import { sqlClient } from '../support/database';
import { useMigratedDatabase } from '../support/medium-database';
import { driftReport, insertReportRow } from '../unit/alerts/drift-report.fixture';

/**
 * Medium tier: the alerts and alert_events repositories (and AlertsService's deduplication on top
 * of them) on a real PostgreSQL, in a testing module holding only what they need. Every test
 * makes its own alerts under unique fingerprints, features and model versions, so the tests run
 * alone and in any order.
 */
describe('AlertsRepository and AlertEventsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([
    { provide: AppConfig, useValue: new AppConfig(validateEnvironment({})) },
    AlertsRepository,
    AlertEventsRepository,
    AlertEventWriter,
    AlertNotificationsRepository,
    AlertNotificationOutbox,
    AlertsService,
  ]);
  let dataSource: DataSource;
  let alerts: AlertsRepository;
  let events: AlertEventsRepository;

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => dataSource.transaction(work);

  function newAlert(changes: Partial<NewAlert> = {}): NewAlert {
    return {
      fingerprint: unique('fp'),
      kind: 'FEATURE_DRIFT',
      feature: unique('feature'),
      modelVersion: unique('model'),
      severity: 'MEDIUM',
      message: 'drift on a feature',
      worstScore: 0.2,
      latestDriftReportId: null,
      previousAlertId: null,
      seenAt: new Date('2026-03-01T10:00:00Z'),
      ...changes,
    };
  }

  async function driftReportRow(modelVersion: string): Promise<string> {
    const [row] = await dataSource.query(
      `INSERT INTO drift_reports (kind, model_version, status, row_count) VALUES ('BATCH', $1, 'DRIFT', 10) RETURNING id`,
      [modelVersion],
    );
    return row.id as string;
  }

  beforeAll(() => {
    dataSource = db.dataSource;
    alerts = db.get(AlertsRepository);
    events = db.get(AlertEventsRepository);
  });

  describe('deduplication by fingerprint', () => {
    it('finds the live alert of a fingerprint, and the unique index refuses a second live one', async () => {
      const alert = newAlert();
      const created = await inTransaction((m) => alerts.insertOpen(m, alert));
      expect(created).toMatchObject({ fingerprint: alert.fingerprint, status: 'OPEN', occurrences: 1, clear_checks: 0, worst_score: 0.2 });
      expect(created.first_seen_at).toEqual(alert.seenAt);
      expect(created.last_seen_at).toEqual(alert.seenAt);

      expect(await inTransaction((m) => alerts.hasLive(m, [unique('other'), alert.fingerprint]))).toBe(true);
      expect(await inTransaction((m) => alerts.hasLive(m, [unique('other')]))).toBe(false);
      expect((await inTransaction((m) => alerts.lockLive(m, alert.fingerprint)))?.id).toBe(created.id);
      expect(await inTransaction((m) => alerts.lockLive(m, unique('other')))).toBeNull();

      await expect(inTransaction((m) => alerts.insertOpen(m, { ...newAlert(), fingerprint: alert.fingerprint }))).rejects.toThrow(
        /alerts_live_fingerprint/,
      );
    });

    it('a resolved alert is no longer live and is the one a new detection links to', async () => {
      const alert = newAlert();
      const first = await inTransaction((m) => alerts.insertOpen(m, alert));
      expect(await inTransaction((m) => alerts.latestResolvedId(m, alert.fingerprint))).toBeNull();

      const resolvedAt = new Date('2026-03-02T10:00:00Z');
      const resolved = await inTransaction((m) => alerts.resolve(m, first.id, resolvedAt));
      expect(resolved).toMatchObject({ id: first.id, status: 'RESOLVED', resolved_at: resolvedAt });
      expect(await inTransaction((m) => alerts.hasLive(m, [alert.fingerprint]))).toBe(false);
      expect(await inTransaction((m) => alerts.latestResolvedId(m, alert.fingerprint))).toBe(first.id);

      const second = await inTransaction((m) => alerts.insertOpen(m, { ...alert, previousAlertId: first.id }));
      expect(second).toMatchObject({ status: 'OPEN', previous_alert_id: first.id });
      await inTransaction((m) => alerts.resolve(m, second.id, new Date('2026-03-03T10:00:00Z')));
      expect(await inTransaction((m) => alerts.latestResolvedId(m, alert.fingerprint))).toBe(second.id);
    });

    it('a repeated detection counts an occurrence, keeps the worst score and latest time, and restarts clear checks', async () => {
      const alert = newAlert({ worstScore: 0.3 });
      const created = await inTransaction((m) => alerts.insertOpen(m, alert));
      await inTransaction((m) => alerts.incrementClearChecks(m, [alert.fingerprint]));
      const reportId = await driftReportRow(alert.modelVersion);

      const earlier = new Date('2026-02-01T00:00:00Z');
      const updated = await inTransaction((m) =>
        alerts.recordOccurrence(m, created.id, { at: earlier, score: 0.1, driftReportId: reportId, severity: 'HIGH', message: 'again' }),
      );
      expect(updated).toMatchObject({
        occurrences: 2,
        worst_score: 0.3,
        last_seen_at: alert.seenAt,
        latest_drift_report_id: reportId,
        severity: 'HIGH',
        message: 'again',
        clear_checks: 0,
      });

      const later = new Date('2026-04-01T00:00:00Z');
      const again = await inTransaction((m) =>
        alerts.recordOccurrence(m, created.id, { at: later, score: 0.5, driftReportId: null, severity: 'HIGH', message: 'third' }),
      );
      expect(again).toMatchObject({ occurrences: 3, worst_score: 0.5, last_seen_at: later, latest_drift_report_id: reportId });
    });

    it('AlertsService: the same detection twice is one alert with two occurrences and a CREATED then UPDATED event', async () => {
      const service = db.get(AlertsService);
      const modelVersion = unique('model');
      const report = () => driftReport({ modelVersion, drifted: { age: 0.3 } });
      for (const event of [report(), report()]) {
        await inTransaction(async (m) => {
          await insertReportRow(m, event);
          await service.onDriftReport(m, event);
        });
      }
      const rows = await dataSource.query(`SELECT id, occurrences, status FROM alerts WHERE model_version = $1 AND feature = 'age'`, [
        modelVersion,
      ]);
      expect(rows).toEqual([{ id: expect.any(String), occurrences: 2, status: 'OPEN' }]);
      const history = await events.forAlert(rows[0].id, 0, 10);
      expect(history.map((e) => e.type)).toEqual(['CREATED', 'UPDATED']);
    });
  });

  describe('lifecycle', () => {
    it('locks one alert and moves it: ACKNOWLEDGED with a snooze, then RESOLVED stamps resolved_at and keeps the snooze', async () => {
      const created = await inTransaction((m) => alerts.insertOpen(m, newAlert()));
      expect(await alerts.findById(created.id)).toEqual(created);
      expect(await alerts.findById('00000000-0000-4000-8000-000000000000')).toBeNull();

      const snoozeUntil = new Date('2030-01-01T00:00:00Z');
      const acknowledged = await inTransaction(async (m) => {
        const current = await alerts.lockById(m, created.id);
        expect(current?.status).toBe('OPEN');
        return alerts.setStatus(m, created.id, 'ACKNOWLEDGED', snoozeUntil);
      });
      expect(acknowledged).toMatchObject({ status: 'ACKNOWLEDGED', snoozed_until: snoozeUntil, resolved_at: null });
      expect(acknowledged.updated_at.getTime()).toBeGreaterThanOrEqual(created.updated_at.getTime());

      const resolved = await inTransaction((m) => alerts.setStatus(m, created.id, 'RESOLVED', null));
      expect(resolved).toMatchObject({ status: 'RESOLVED', snoozed_until: snoozeUntil });
      expect(resolved.resolved_at).toBeInstanceOf(Date);
      expect(await inTransaction((m) => alerts.lockById(m, '00000000-0000-4000-8000-000000000000'))).toBeNull();
    });

    it('clear checks count up on live alerts only, returned in fingerprint order', async () => {
      const a = newAlert({ fingerprint: `a-${unique('fp')}` });
      const b = newAlert({ fingerprint: `b-${unique('fp')}` });
      const resolvedOne = newAlert();
      await inTransaction(async (m) => {
        await alerts.insertOpen(m, b);
        await alerts.insertOpen(m, a);
        const gone = await alerts.insertOpen(m, resolvedOne);
        await alerts.resolve(m, gone.id, new Date());
      });
      await inTransaction((m) => alerts.incrementClearChecks(m, [a.fingerprint, b.fingerprint, resolvedOne.fingerprint]));
      const checked = await inTransaction((m) => alerts.incrementClearChecks(m, [b.fingerprint, a.fingerprint, resolvedOne.fingerprint]));
      expect(checked.map((r) => [r.fingerprint, r.clear_checks])).toEqual([
        [a.fingerprint, 2],
        [b.fingerprint, 2],
      ]);
    });
  });

  describe('list and summary', () => {
    it('pages a filtered list newest first with a keyset cursor and counts the whole filter', async () => {
      const feature = unique('feature');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await inTransaction((m) => alerts.insertOpen(m, newAlert({ feature })))).id);
      await inTransaction((m) => alerts.insertOpen(m, newAlert({ feature, severity: 'HIGH' })));

      const first = await alerts.listPage({ feature, severity: 'MEDIUM' }, 2, null);
      expect(first.total).toBe(3);
      expect(first.rows.map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
      const second = await alerts.listPage({ feature, severity: 'MEDIUM' }, 2, encodeCursor([ids[1]]));
      expect(second.rows.map((r) => r.id)).toEqual([ids[0]]);
      expect(second.total).toBe(3);

      const everything = await alerts.listPage({ feature }, 10, null);
      expect(everything.total).toBe(4);
      const future = await alerts.listPage({ feature, from: new Date(Date.now() + 86_400_000) }, 10, null);
      expect(future).toEqual({ rows: [], total: 0 });
      await expect(alerts.listPage(null, 10, encodeCursor(['not-a-uuid']))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('counts alerts by status and severity', async () => {
      const before = await alerts.countByStatusAndSeverity();
      const countOf = (rows: typeof before, status: string, severity: string) =>
        rows.find((r) => r.status === status && r.severity === severity)?.n ?? 0;
      await inTransaction(async (m) => {
        await alerts.insertOpen(m, newAlert({ severity: 'CRITICAL' }));
        await alerts.insertOpen(m, newAlert({ severity: 'CRITICAL' }));
      });
      const after = await alerts.countByStatusAndSeverity();
      expect(countOf(after, 'OPEN', 'CRITICAL') - countOf(before, 'OPEN', 'CRITICAL')).toBe(2);
    });
  });

  describe('event log', () => {
    it('appends events with increasing ids and reads them after an id, per alert and for everyone', async () => {
      const alert = await inTransaction((m) => alerts.insertOpen(m, newAlert()));
      const before = await events.maxId();
      const ids = await inTransaction(async (m) => [
        await events.insert(m, { alertId: alert.id, type: 'CREATED', actor: 'system', note: null, details: { step: 1 } }),
        await events.insert(m, { alertId: alert.id, type: 'ACKNOWLEDGED', actor: 'operator', note: 'looking', details: { step: 2 } }),
      ]);
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      expect(Number(ids[1])).toBeGreaterThan(Number(ids[0]));
      expect(Number(ids[0])).toBeGreaterThan(before);
      expect(await events.maxId()).toBe(Number(ids[1]));

      const history = await events.forAlert(alert.id, 0, 10);
      expect(history).toEqual([
        expect.objectContaining({ id: ids[0], alert_id: alert.id, type: 'CREATED', actor: 'system', note: null, details: { step: 1 } }),
        expect.objectContaining({ id: ids[1], type: 'ACKNOWLEDGED', actor: 'operator', note: 'looking', details: { step: 2 } }),
      ]);
      expect(history[0].occurred_at).toBeInstanceOf(Date);
      expect((await events.forAlert(alert.id, Number(ids[0]), 10)).map((e) => e.id)).toEqual([ids[1]]);
      expect(await events.countForAlert(alert.id)).toBe(2);
      expect((await events.after(before, 10)).map((e) => e.id)).toEqual(ids);
      expect((await events.after(before, 1)).map((e) => e.id)).toEqual([ids[0]]);
    });

    it('orders ids numerically past 9 → 10, also on a plain pg client (the LISTEN connection)', async () => {
      const alert = await inTransaction((m) => alerts.insertOpen(m, newAlert()));
      const before = await events.maxId();
      const ids = await inTransaction(async (m) => {
        const appended: string[] = [];
        for (let i = 0; i < 12; i++)
          appended.push(await events.insert(m, { alertId: alert.id, type: 'UPDATED', actor: 'system', note: null, details: { i } }));
        return appended;
      });
      const client: Client = await sqlClient(db.url);
      try {
        const onClient: SqlRunner = async (sql, params) => (await client.query(sql, params)).rows;
        expect((await events.after(before, 100, onClient)).map((e) => e.id)).toEqual(ids);
        expect(await events.maxId(onClient)).toBe(Number(ids[11]));
      } finally {
        await client.end();
      }
    });

    it('AlertEventWriter appends the event with the alert snapshot and notifies its id on commit only', async () => {
      const writer = db.get(AlertEventWriter);
      const alert = await inTransaction((m) => alerts.insertOpen(m, newAlert()));
      const client: Client = await sqlClient(db.url);
      try {
        const received: string[] = [];
        client.on('notification', (message) => received.push(message.payload ?? ''));
        await client.query('LISTEN alert_events');
        await expect(
          inTransaction(async (m) => {
            await writer.lock(m);
            await writer.append(m, toAlert(alert), AlertEventType.UPDATED, 'system', null, {});
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        const appended = await inTransaction(async (m) => {
          await writer.lock(m);
          return writer.append(m, toAlert(alert), AlertEventType.UPDATED, 'system', null, { why: 'test' });
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(received).toEqual([appended.id]);
        const [stored] = await events.forAlert(alert.id, 0, 10);
        expect(stored).toMatchObject({
          id: appended.id,
          details: { why: 'test', alert: { id: alert.id, status: 'OPEN', fingerprint: alert.fingerprint } },
        });
      } finally {
        await client.end();
      }
    });
  });
});

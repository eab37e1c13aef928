import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AlertNotificationsRepository, NewNotification, NotificationRow } from '../../src/alerts/routing/alert-notifications.repository';
import { NotificationEnvelope } from '../../src/alerts/routing/notification-payload';
import { encodeCursor } from '../../src/common/pagination/connection';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the outbox claim on a real PostgreSQL. Each test uses receivers of its own, and
 * claims only for them, so the tests run alone and in any order.
 */
describe('AlertNotificationsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([AlertNotificationsRepository]);
  let dataSource: DataSource;
  let repository: AlertNotificationsRepository;

  beforeAll(() => {
    dataSource = db.dataSource;
    repository = db.get(AlertNotificationsRepository);
  });

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const LEASE = 60_000;

  async function newAlert(): Promise<string> {
    const [row] = await dataSource.query(
      `INSERT INTO alerts (fingerprint, kind, model_version, severity, status, message, first_seen_at, last_seen_at)
       VALUES ($1, 'FEATURE_DRIFT', 'model-medium', 'HIGH', 'OPEN', 'drift', now(), now()) RETURNING id`,
      [unique('fp')],
    );
    return row.id as string;
  }

  async function newEvent(alertId: string, type: string): Promise<string> {
    const [row] = await dataSource.query(
      `INSERT INTO alert_events (alert_id, type, actor, details) VALUES ($1, $2, 'system', '{}') RETURNING id::text AS id`,
      [alertId, type],
    );
    return row.id as string;
  }

  /** Appends events of `types` for the alert, each with one notification to `target`, as the outbox does. */
  async function notify(target: string, alertId: string, types: string[]): Promise<string[]> {
    const keys: string[] = [];
    for (const type of types) {
      const eventId = await newEvent(alertId, type);
      const key = unique(`event-${eventId}`);
      const payload = { type, eventId } as unknown as NotificationEnvelope;
      const row: NewNotification = {
        alertEventId: eventId,
        alertId,
        eventType: type,
        receiverKind: 'WEBHOOK',
        receiverTarget: target,
        idempotencyKey: key,
        payload,
      };
      await dataSource.transaction((m) => repository.insertForEvent(m, [row]));
      keys.push(key);
    }
    return keys;
  }

  const keyOf = (target: string) => [`WEBHOOK ${target}`];
  const types = (rows: NotificationRow[]) => rows.map((r) => r.event_type);
  const delivered = { status: 'DELIVERED' as const, httpStatus: 200, error: null, retryInMs: 0 };

  it('claims only the oldest pending notification per (receiver, alert), and the next once it is delivered', async () => {
    const target = unique('http://hook.test/a');
    const [a, b] = [await newAlert(), await newAlert()];
    await notify(target, a, ['CREATED', 'ACKNOWLEDGED', 'RESOLVED']);
    await notify(target, b, ['CREATED']);

    const first = await repository.claim('one', keyOf(target), 10, LEASE);
    expect(first.map((r) => [r.alert_id, r.event_type])).toEqual([
      [a, 'CREATED'],
      [b, 'CREATED'],
    ]);
    // Leased: nobody else gets them, and nothing behind them is claimable.
    expect(await repository.claim('two', keyOf(target), 10, LEASE)).toEqual([]);
    for (const row of first) expect(await repository.finish(row.id, 'one', delivered)).toBe(true);
    expect(types(await repository.claim('two', keyOf(target), 10, LEASE))).toEqual(['ACKNOWLEDGED']);
  });

  it('a notification waiting for its retry holds back the later ones of its alert; FAILED ones do not', async () => {
    const target = unique('http://hook.test/b');
    const alert = await newAlert();
    await notify(target, alert, ['CREATED', 'RESOLVED']);
    const [created] = await repository.claim('one', keyOf(target), 10, LEASE);
    expect(await repository.finish(created.id, 'one', { status: 'PENDING', httpStatus: 500, error: 'HTTP 500', retryInMs: 60_000 })).toBe(
      true,
    );
    expect(await repository.claim('one', keyOf(target), 10, LEASE)).toEqual([]);

    await dataSource.query(`UPDATE alert_notifications SET next_attempt_at = now() WHERE id = $1`, [created.id]);
    const [retried] = await repository.claim('one', keyOf(target), 10, LEASE);
    expect(retried).toMatchObject({ id: created.id, attempts: 1, last_http_status: 500, last_error: 'HTTP 500' });
    expect(await repository.finish(retried.id, 'one', { status: 'FAILED', httpStatus: 500, error: 'HTTP 500', retryInMs: 0 })).toBe(true);
    expect(types(await repository.claim('one', keyOf(target), 10, LEASE))).toEqual(['RESOLVED']);
  });

  it('concurrent claims from several instances take disjoint rows (FOR UPDATE SKIP LOCKED)', async () => {
    const target = unique('http://hook.test/c');
    const alerts = await Promise.all(Array.from({ length: 30 }, () => newAlert()));
    for (const alert of alerts) await notify(target, alert, ['CREATED']);
    const claims = await Promise.all(['i1', 'i2', 'i3', 'i4'].map((i) => repository.claim(i, keyOf(target), 10, LEASE)));
    const ids = claims.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rest = await repository.claim('i5', keyOf(target), 100, LEASE);
    expect(ids.length + rest.length).toBe(30);
  });

  it('an expired lease (an instance that died mid-delivery) is taken over, and the old holder can no longer finish it', async () => {
    const target = unique('http://hook.test/d');
    await notify(target, await newAlert(), ['CREATED']);
    const [row] = await repository.claim('dead', keyOf(target), 10, 50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [taken] = await repository.claim('alive', keyOf(target), 10, LEASE);
    expect(taken.id).toBe(row.id);
    expect(taken.leased_by).toBe('alive');
    expect(await repository.finish(row.id, 'dead', delivered)).toBe(false);
    expect(await repository.finish(row.id, 'alive', delivered)).toBe(true);
    const stored = await repository.findById(row.id);
    expect(stored).toMatchObject({ status: 'DELIVERED', attempts: 1, leased_by: 'alive', lease_until: null });
    expect(stored!.delivered_at).toBeInstanceOf(Date);
  });

  it('release gives a row back due at once without counting an attempt', async () => {
    const target = unique('http://hook.test/e');
    await notify(target, await newAlert(), ['CREATED']);
    const [row] = await repository.claim('stopping', keyOf(target), 10, LEASE);
    await repository.release([row.id], 'stopping');
    const [again] = await repository.claim('next', keyOf(target), 10, LEASE);
    expect(again).toMatchObject({ id: row.id, attempts: 0, leased_by: 'next' });
  });

  it('rows of receivers that are not configured are never claimed', async () => {
    const target = unique('http://hook.test/f');
    await notify(target, await newAlert(), ['CREATED']);
    expect(await repository.claim('one', keyOf(unique('http://hook.test/other')), 10, LEASE)).toEqual([]);
    expect(await repository.claim('one', keyOf(target), 10, LEASE)).toHaveLength(1);
  });

  it('the refresh row is queued once per interval, re-used, and ordered after its event', async () => {
    const target = unique('http://am.test');
    const alert = await newAlert();
    const [createdKey] = await notify(target, alert, ['CREATED']);
    const [{ alert_event_id: eventId }] = await dataSource.query(
      `SELECT alert_event_id::text FROM alert_notifications WHERE idempotency_key = $1`,
      [createdKey],
    );
    const refresh: NewNotification = {
      alertEventId: eventId,
      alertId: alert,
      eventType: 'REFRESH',
      receiverKind: 'WEBHOOK',
      receiverTarget: target,
      idempotencyKey: unique('refresh'),
      payload: { type: 'REFRESH' } as unknown as NotificationEnvelope,
    };
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0))).toBe(1);
    // Still pending: queuing again changes nothing.
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0))).toBe(0);
    expect(types(await repository.claim('one', keyOf(target), 10, LEASE))).toEqual(['CREATED']);
    const created = (await dataSource.query(`SELECT id FROM alert_notifications WHERE idempotency_key = $1`, [createdKey]))[0].id;
    await repository.finish(created, 'one', delivered);
    const [refreshRow] = await repository.claim('one', keyOf(target), 10, LEASE);
    expect(refreshRow.event_type).toBe('REFRESH');
    await repository.finish(refreshRow.id, 'one', delivered);
    // Delivered, but younger than the interval: not again yet; older than it: queued again, same row.
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 60_000))).toBe(0);
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0))).toBe(1);
    const rows = await dataSource.query(`SELECT status, attempts FROM alert_notifications WHERE idempotency_key = $1`, [
      refresh.idempotencyKey,
    ]);
    expect(rows).toEqual([{ status: 'PENDING', attempts: 0 }]);
  });

  it('lists newest first with a stable keyset cursor, filtered by alert and status', async () => {
    const target = unique('http://hook.test/g');
    const alert = await newAlert();
    await notify(target, alert, ['CREATED', 'UPDATED', 'RESOLVED']);
    const page1 = await repository.listPage({ alertId: alert }, 2, null);
    expect(page1.total).toBe(3);
    expect(page1.rows.map((r) => r.event_type)).toEqual(['RESOLVED', 'UPDATED', 'CREATED']);
    const page2 = await repository.listPage({ alertId: alert }, 2, encodeCursor([page1.rows[1].id]));
    expect(page2.rows.map((r) => r.event_type)).toEqual(['CREATED']);
    expect((await repository.listPage({ alertId: alert, status: 'DELIVERED' }, 10, null)).total).toBe(0);
  });
});

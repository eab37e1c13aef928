import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ReceiverKind } from '../../src/alerts/entities/alert-notification.entity';
import { AlertNotificationsRepository, NewNotification, NotificationRow } from '../../src/alerts/routing/alert-notifications.repository';
import { NotificationEnvelope } from '../../src/alerts/routing/notification-payload';
import { sqlClient } from '../support/database';
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
  async function notify(target: string, alertId: string, types: string[], receiverKind: ReceiverKind = 'WEBHOOK'): Promise<string[]> {
    const keys: string[] = [];
    for (const type of types) {
      const eventId = await newEvent(alertId, type);
      const key = unique(`event-${eventId}`);
      const payload = { type, eventId } as unknown as NotificationEnvelope;
      const row: NewNotification = {
        alertEventId: eventId,
        alertId,
        eventType: type,
        receiverKind,
        receiverTarget: target,
        idempotencyKey: key,
        payload,
      };
      await dataSource.transaction((m) => repository.insertForEvent(m, [row]));
      keys.push(key);
    }
    return keys;
  }

  const keyOf = (target: string, kind: ReceiverKind = 'WEBHOOK') => [`${kind} ${target}`];
  const types = (rows: NotificationRow[]) => rows.map((r) => r.event_type);
  const delivered = { status: 'DELIVERED' as const, httpStatus: 200, error: null, retryInMs: 0 };
  const failed = { status: 'FAILED' as const, httpStatus: 500, error: 'HTTP 500', retryInMs: 0 };
  const statusOf = async (key: string): Promise<string> =>
    (await dataSource.query(`SELECT status FROM alert_notifications WHERE idempotency_key = $1`, [key]))[0].status;

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

  it('a notification waiting for its retry holds back the later ones of its alert, and so does a FAILED webhook one', async () => {
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
    expect(await repository.finish(retried.id, 'one', failed)).toBe(true);
    // FAILED: the RESOLVED still waits (a webhook receiver never gets it without its CREATED).
    expect(await repository.claim('one', keyOf(target), 10, LEASE)).toEqual([]);
  });

  it('for Alertmanager a FAILED notification does not hold back the newer state', async () => {
    const target = unique('http://am.test/b');
    const alert = await newAlert();
    await notify(target, alert, ['CREATED', 'RESOLVED'], 'ALERTMANAGER');
    const [created] = await repository.claim('one', keyOf(target, 'ALERTMANAGER'), 10, LEASE);
    expect(created.event_type).toBe('CREATED');
    expect(await repository.finish(created.id, 'one', failed)).toBe(true);
    expect(types(await repository.claim('one', keyOf(target, 'ALERTMANAGER'), 10, LEASE))).toEqual(['RESOLVED']);
  });

  it('requeueFailed re-queues FAILED webhook rows with a fresh budget, in order; superseded Alertmanager rows stay FAILED', async () => {
    const hook = unique('http://hook.test/r');
    const am = unique('http://am.test/r');
    const alert = await newAlert();
    const [hookCreated, hookResolved] = await notify(hook, alert, ['CREATED', 'RESOLVED']);
    const [amCreated, amResolved] = await notify(am, alert, ['CREATED', 'RESOLVED'], 'ALERTMANAGER');
    const receivers = [...keyOf(hook), ...keyOf(am, 'ALERTMANAGER')];
    // Both first notifications fail for good; Alertmanager's newer state is then delivered, the webhook's waits.
    for (const row of await repository.claim('one', receivers, 10, LEASE))
      expect(await repository.finish(row.id, 'one', failed)).toBe(true);
    const [amNext, ...none] = await repository.claim('one', receivers, 10, LEASE);
    expect(none).toEqual([]);
    expect(amNext.idempotency_key).toBe(amResolved);
    await repository.finish(amNext.id, 'one', delivered);

    // Another alert's FAILED row, and receivers that are not asked for, stay as they are.
    const other = await newAlert();
    const [otherCreated] = await notify(hook, other, ['CREATED']);
    await dataSource.query(`UPDATE alert_notifications SET status = 'FAILED', attempts = 2 WHERE idempotency_key = $1`, [otherCreated]);
    const nobody = { receivers: keyOf(unique('http://nope.test')), alertId: alert };
    expect(await dataSource.transaction((m) => repository.requeueFailed(m, nobody))).toEqual({ requeued: 0, superseded: 0 });

    expect(await dataSource.transaction((m) => repository.requeueFailed(m, { receivers, alertId: alert }))).toEqual({
      requeued: 1,
      superseded: 1,
    });
    expect([await statusOf(hookCreated), await statusOf(amCreated), await statusOf(otherCreated)]).toEqual(['PENDING', 'FAILED', 'FAILED']);
    const [again] = await repository.claim('two', receivers, 10, LEASE);
    expect(again).toMatchObject({ idempotency_key: hookCreated, attempts: 0, last_error: 'HTTP 500' });
    expect(again.queued_at.getTime()).toBeGreaterThan(again.created_at.getTime());
    await repository.finish(again.id, 'two', delivered);
    expect((await repository.claim('two', receivers, 10, LEASE)).map((r) => r.idempotency_key)).toEqual([hookResolved]);

    // A retry that rolls back re-queues nothing.
    await expect(
      dataSource.transaction(async (m) => {
        expect((await repository.requeueFailed(m, { receivers: keyOf(hook), alertId: null })).requeued).toBe(1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await statusOf(otherCreated)).toBe('FAILED');
  });

  it('a claim skips a row another transaction holds locked, without waiting for it (FOR UPDATE SKIP LOCKED)', async () => {
    const target = unique('http://hook.test/c');
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) keys.push(...(await notify(target, await newAlert(), ['CREATED'])));
    const [lockedKey, ...freeKeys] = keys;
    // Another instance's claim, caught between its SELECT ... FOR UPDATE and its COMMIT.
    const other = await sqlClient(db.url);
    try {
      await other.query('BEGIN');
      await other.query(`SELECT id FROM alert_notifications WHERE idempotency_key = $1 FOR UPDATE`, [lockedKey]);
      const claim = repository.claim('one', keyOf(target), 10, LEASE);
      // A claim that waited for the lock would still be waiting after 5 s (the lock is held until the ROLLBACK below).
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        claim.then((rows) => rows.map((r) => r.idempotency_key).sort()),
        new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), 5_000))),
      ]);
      clearTimeout(timer);
      await other.query('ROLLBACK');
      await claim;
      expect(outcome).toEqual([...freeKeys].sort());
    } finally {
      await other.end();
    }
    // Once the lock is gone, the skipped row is claimable.
    expect((await repository.claim('two', keyOf(target), 10, LEASE)).map((r) => r.idempotency_key)).toEqual([lockedKey]);
  });

  it('concurrent claims from several instances take disjoint rows', async () => {
    const target = unique('http://hook.test/c2');
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

  it('the refresh row is queued once per interval, re-used in place, and delivered after its event', async () => {
    const target = unique('http://am.test');
    const receivers = keyOf(target, 'ALERTMANAGER');
    const alert = await newAlert();
    const [createdKey] = await notify(target, alert, ['CREATED'], 'ALERTMANAGER');
    const eventOf = async (key: string): Promise<string> =>
      (await dataSource.query(`SELECT alert_event_id::text AS e FROM alert_notifications WHERE idempotency_key = $1`, [key]))[0].e;
    const refresh: NewNotification = {
      alertEventId: await eventOf(createdKey),
      alertId: alert,
      eventType: 'REFRESH',
      receiverKind: 'ALERTMANAGER',
      receiverTarget: target,
      idempotencyKey: unique('refresh'),
      payload: { type: 'REFRESH' } as unknown as NotificationEnvelope,
    };
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0))).toBe(1);
    // Still pending: queuing again changes nothing.
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0))).toBe(0);
    const [created] = await repository.claim('one', receivers, 10, LEASE);
    expect(created.event_type).toBe('CREATED');
    await repository.finish(created.id, 'one', delivered);
    const [refreshRow] = await repository.claim('one', receivers, 10, LEASE);
    expect(refreshRow.event_type).toBe('REFRESH');
    await repository.finish(refreshRow.id, 'one', delivered);
    // Delivered, but queued more recently than the interval: not again yet.
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 60_000))).toBe(0);

    // A later event: the refresh row, re-queued and pinned to it, comes after that event's own
    // notification although the row itself is older (smaller seq).
    const [acknowledgedKey] = await notify(target, alert, ['ACKNOWLEDGED'], 'ALERTMANAGER');
    const repinned = { ...refresh, alertEventId: await eventOf(acknowledgedKey) };
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [repinned], 0))).toBe(1);
    expect(types(await repository.claim('one', receivers, 10, LEASE))).toEqual(['ACKNOWLEDGED']);
    const [requeued] = await dataSource.query(
      `SELECT id, seq::text AS seq, status, attempts, created_at, queued_at FROM alert_notifications WHERE idempotency_key = $1`,
      [refresh.idempotencyKey],
    );
    expect(requeued).toMatchObject({ id: refreshRow.id, seq: refreshRow.seq, status: 'PENDING', attempts: 0 });
    // The row keeps its place (created_at, seq) and shows when it was queued again.
    expect(requeued.created_at).toEqual(refreshRow.created_at);
    expect(requeued.queued_at.getTime()).toBeGreaterThan(refreshRow.queued_at.getTime());
    const [ack] = await dataSource.query(`SELECT id FROM alert_notifications WHERE idempotency_key = $1`, [acknowledgedKey]);
    await repository.finish(ack.id, 'one', delivered);
    expect(types(await repository.claim('one', receivers, 10, LEASE))).toEqual(['REFRESH']);
  });

  it('lists newest first by insertion order; re-queuing a refresh row neither moves it nor makes a page skip or repeat', async () => {
    const target = unique('http://am.test/g');
    const alert = await newAlert();
    // Three in one transaction: created_at ties (transaction start), seq does not.
    const [first] = await notify(target, alert, ['CREATED'], 'ALERTMANAGER');
    const eventId = (
      await dataSource.query(`SELECT alert_event_id::text AS e FROM alert_notifications WHERE idempotency_key = $1`, [first])
    )[0].e;
    const refresh: NewNotification = {
      alertEventId: eventId,
      alertId: alert,
      eventType: 'REFRESH',
      receiverKind: 'ALERTMANAGER',
      receiverTarget: target,
      idempotencyKey: unique('refresh'),
      payload: { type: 'REFRESH' } as unknown as NotificationEnvelope,
    };
    await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0));
    await notify(target, alert, ['UPDATED', 'RESOLVED'], 'ALERTMANAGER');
    const page1 = await repository.listPage({ alertId: alert }, null, 3);
    expect(page1.total).toBe(4);
    expect(page1.rows.map((r) => r.event_type)).toEqual(['RESOLVED', 'UPDATED', 'REFRESH']);
    // The refresh row is delivered and queued again between two page reads.
    await dataSource.query(`UPDATE alert_notifications SET status = 'DELIVERED' WHERE idempotency_key = $1`, [refresh.idempotencyKey]);
    expect(await dataSource.transaction((m) => repository.queueRefresh(m, [refresh], 0))).toBe(1);
    const page2 = await repository.listPage({ alertId: alert }, page1.rows[1].seq, 3);
    expect(page2.rows.map((r) => r.event_type)).toEqual(['REFRESH', 'CREATED']);
    expect((await repository.listPage({ alertId: alert }, null, 10)).rows.map((r) => r.event_type)).toEqual([
      'RESOLVED',
      'UPDATED',
      'REFRESH',
      'CREATED',
    ]);
    expect((await repository.listPage({ alertId: alert, status: 'DELIVERED' }, null, 10)).total).toBe(0);
  });
});

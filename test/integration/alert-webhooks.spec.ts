import { Client } from 'pg';
import { AlertNotificationsRepository } from '../../src/alerts/routing/alert-notifications.repository';
import { displayTarget } from '../../src/alerts/routing/receivers';
import { createTestDatabase, sqlClient } from '../support/database';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';
import { startTestService, TestService } from '../support/service';
import { ServiceGroup, useServices, withServices } from '../support/services';
import { ReceivedWebhook, useWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';
import { reportDrift } from '../unit/alerts/drift-report.fixture';

jest.setTimeout(240_000);

const SECRET = 'webhook-secret-for-tests-0123456789';

/** Fast retries so a receiver outage of a few seconds is a handful of attempts. */
function webhookEnv(receiver: WebhookReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ALERT_WEBHOOK_URLS: receiver.url,
    ALERT_WEBHOOK_SECRET: SECRET,
    ALERT_DELIVERY_POLL_MS: '100',
    ALERT_DELIVERY_BACKOFF_MS: '50',
    ALERT_DELIVERY_MAX_BACKOFF_MS: '400',
    ALERT_DELIVERY_MAX_ATTEMPTS: '10000',
    ALERT_DELIVERY_TIMEOUT_MS: '2000',
    ...extra,
  };
}

interface StoredNotification {
  id: string;
  idempotency_key: string;
  alert_id: string;
  alert_event_id: string;
  status: string;
  attempts: number;
  leased_by: string | null;
}

async function notifications(sql: Client): Promise<StoredNotification[]> {
  return (
    await sql.query(
      `SELECT id, idempotency_key, alert_id, alert_event_id::text, status, attempts, leased_by FROM alert_notifications ORDER BY alert_event_id`,
    )
  ).rows;
}

/** Every stored notification DELIVERED and received: the at-least-once promise, checked from both ends. */
async function allDelivered(sql: Client, receiver: WebhookReceiver, timeoutMs = 60_000): Promise<StoredNotification[]> {
  return eventually(
    async () => {
      const rows = await notifications(sql);
      const keys = receiver.keys();
      return rows.length > 0 && rows.every((r) => r.status === 'DELIVERED' && keys.has(r.idempotency_key)) ? rows : undefined;
    },
    { what: 'every notification delivered and received', timeoutMs },
  );
}

/** Ends every other session on the test database (the service's pool and LISTEN client), keeping `sql`'s own. */
async function terminateOtherBackends(sql: Client, where = 'true'): Promise<number> {
  const { rows } = await sql.query(
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`,
  );
  return rows[0].n;
}

/**
 * Records how the service's own repository calls end, without changing them (the calls go
 * through to PostgreSQL): a test can see that the outage really hit a claim or a finish.
 */
function watchRepository(service: TestService): { rejected: (method: 'claim' | 'finish') => number } {
  const repository = service.app.get(AlertNotificationsRepository);
  const rejections = { claim: 0, finish: 0 };
  for (const method of ['claim', 'finish'] as const) {
    const original = repository[method].bind(repository) as (...args: unknown[]) => Promise<unknown>;
    jest.spyOn(repository, method).mockImplementation((async (...args: unknown[]) => {
      try {
        return await original(...args);
      } catch (error) {
        rejections[method]++;
        throw error;
      }
    }) as never);
  }
  return { rejected: (method) => rejections[method] };
}

/** Signatures, keys and order as a receiver may rely on them. */
function expectReceiverGuarantees(received: ReceivedWebhook[], stored: StoredNotification[]): void {
  expect(received.filter((r) => !r.signatureValid).map((r) => r.signatureReason)).toEqual([]);
  // Duplicates only with the same key: one key per event, one event per key, matching the table.
  const keyOfEvent = new Map<string, Set<string>>();
  for (const r of received) {
    expect(r.idempotencyKey).toBe(r.body.id);
    expect(r.eventHeader).toBe(r.body.type);
    keyOfEvent.set(r.body.eventId, (keyOfEvent.get(r.body.eventId) ?? new Set()).add(r.idempotencyKey!));
  }
  for (const keys of keyOfEvent.values()) expect(keys.size).toBe(1);
  const storedKeyOfEvent = new Map(stored.map((s) => [s.alert_event_id, s.idempotency_key]));
  for (const [eventId, keys] of keyOfEvent) expect([...keys]).toEqual([storedKeyOfEvent.get(eventId)]);
  // Per alert, events arrive in event order: the first arrival of each event, in arrival order, is ascending.
  const firstArrivals = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const r of received) {
    if (seen.has(r.body.eventId)) continue;
    seen.add(r.body.eventId);
    firstArrivals.set(r.body.alert.id, [...(firstArrivals.get(r.body.alert.id) ?? []), Number(r.body.eventId)]);
  }
  for (const ids of firstArrivals.values()) expect(ids).toEqual([...ids].sort((a, b) => a - b));
}

describe('alert webhooks: at-least-once delivery through the outbox', () => {
  describe('a receiver killed mid-stream', () => {
    // Before useServices: the services read the receiver's URL when they start.
    const hook = useWebhookReceiver(SECRET);
    const group = useServices(1, () => webhookEnv(hook.receiver));

    it('gets every notification once it is back, duplicates only with the same key, signed, in per-alert order', async () => {
      const receiver = hook.receiver;
      const service = group.services[0];
      const operator = await service.issueKey('operator');
      const resolveOpen = async (modelVersion: string): Promise<void> => {
        const { rows } = await group.sql.query(`SELECT id FROM alerts WHERE model_version = $1 AND status = 'OPEN'`, [modelVersion]);
        for (const row of rows) {
          const response = await service.gql(
            `mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { id } }`,
            { input: { id: row.id, status: 'RESOLVED' } },
            operator,
          );
          expect(response.errors).toBeUndefined();
        }
      };
      const produce = async (round: number): Promise<void> => {
        for (let i = 0; i < 4; i++) {
          const modelVersion = `model-kill-${round}-${i}`;
          await reportDrift(service.app, { modelVersion, drifted: { age: 0.3, loanAmount: 0.4 } });
          await reportDrift(service.app, { modelVersion, drifted: { age: 0.6 } });
          if (i % 2 === 0) await resolveOpen(modelVersion);
        }
      };

      await produce(1);
      await eventually(async () => receiver.received.length > 0, { what: 'some deliveries before the crash' });
      await receiver.kill();
      await produce(2);
      // Down long enough for several failed attempts of the pending notifications.
      await eventually(
        async () => {
          const { rows } = await group.sql.query(
            `SELECT count(*)::int AS n FROM alert_notifications WHERE status = 'PENDING' AND attempts >= 2`,
          );
          return rows[0].n > 0;
        },
        { what: 'failed attempts while the receiver is down' },
      );
      await produce(3);
      await receiver.start();
      await produce(4);

      const stored = await allDelivered(group.sql, receiver);
      expect(stored.length).toBeGreaterThanOrEqual(4 * 4 * 3);
      expect(stored.some((s) => s.attempts > 1)).toBe(true);
      expectReceiverGuarantees(receiver.received, stored);
      const receivedTypes = new Set(receiver.received.map((r) => r.body.type));
      for (const type of ['CREATED', 'UPDATED', 'RESOLVED']) expect(receivedTypes.has(type)).toBe(true);
    });
  });

  describe('a service restart with notifications pending', () => {
    it('a new instance on the same database delivers what the stopped one left', async () => {
      const receiver = new WebhookReceiver(SECRET, await freePort());
      const db = await createTestDatabase();
      const sql = await sqlClient(db.url);
      let second: TestService | null = null;
      try {
        // The receiver is down: everything stays PENDING.
        const first = await startTestService(db.url, webhookEnv(receiver));
        try {
          for (let i = 0; i < 5; i++) await reportDrift(first.app, { modelVersion: `model-restart-${i}`, drifted: { age: 0.3 } });
          await eventually(
            async () => {
              const { rows } = await sql.query(`SELECT count(*)::int AS n FROM alert_notifications WHERE attempts >= 1`);
              return rows[0].n > 0;
            },
            { what: 'attempts against the dead receiver' },
          );
        } finally {
          await first.close();
        }
        const left = await notifications(sql);
        expect(left.length).toBeGreaterThanOrEqual(5 * 2);
        expect(left.every((n) => n.status === 'PENDING')).toBe(true);
        // A clean stop leaves no lease behind.
        const leased = await sql.query(`SELECT count(*)::int AS n FROM alert_notifications WHERE lease_until > now()`);
        expect(leased.rows[0].n).toBe(0);

        await receiver.start();
        second = await startTestService(db.url, webhookEnv(receiver));
        const stored = await allDelivered(sql, receiver);
        expect(stored.map((s) => s.idempotency_key).sort()).toEqual(left.map((s) => s.idempotency_key).sort());
        expectReceiverGuarantees(receiver.received, stored);
      } finally {
        await second?.close();
        await receiver.kill();
        await sql.end();
        await db.drop();
      }
    });
  });

  describe('PostgreSQL outages during delivery', () => {
    // The lease is 2 × the request timeout + 10 s = 16 s; the timeout outlasts the held requests.
    const outageEnv = (receiver: WebhookReceiver) => webhookEnv(receiver, { ALERT_DELIVERY_TIMEOUT_MS: '3000' });
    const LEASE_MS = 16_000;

    /** Runs `statement` on the server's maintenance database (ALTER DATABASE cannot target the current one). */
    async function onServer(databaseUrl: string, statement: string): Promise<void> {
      const url = new URL(databaseUrl);
      url.pathname = '/postgres';
      const admin = await sqlClient(url.toString());
      try {
        await admin.query(statement);
      } finally {
        await admin.end();
      }
    }

    /** A receiver on a free port and one service, for the length of `work`. */
    async function withReceiverAndService(work: (receiver: WebhookReceiver, group: ServiceGroup) => Promise<void>): Promise<void> {
      const receiver = new WebhookReceiver(SECRET, await freePort());
      await receiver.start();
      try {
        await withServices(1, outageEnv(receiver), (group) => work(receiver, group));
      } finally {
        receiver.release();
        await receiver.kill();
      }
    }

    it('pool backends terminated while finishes are in flight: the sends that succeeded are sent again with the same key after the lease', async () => {
      await withReceiverAndService(async (receiver, group) => {
        const service = group.services[0];
        const watched = watchRepository(service);
        // Every notification in flight at once: one report (one transaction) opens four alerts
        // (three features and the dataset), so one claim takes all their CREATED notifications.
        receiver.hold();
        await reportDrift(service.app, { modelVersion: 'model-outage', drifted: { age: 0.3, loanAmount: 0.3, annualIncome: 0.3 } });
        const rows = await notifications(group.sql);
        expect(rows.length).toBe(4);
        await eventually(async () => receiver.received.length === rows.length, { what: 'every notification in flight' });

        // The test's transaction holds the rows, so each finish UPDATE waits on its lock: then its
        // backend is terminated in the middle of that statement.
        await group.sql.query('BEGIN');
        try {
          await group.sql.query(`SELECT id FROM alert_notifications FOR UPDATE`);
          receiver.release();
          await eventually(
            async () => {
              // pg_stat_activity is read once per transaction unless the snapshot is cleared.
              await group.sql.query('SELECT pg_stat_clear_snapshot()');
              const { rows: waiting } = await group.sql.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
                   AND query LIKE '%finished AS%'`,
              );
              return waiting[0].n === rows.length;
            },
            { what: 'every finish waiting on the row locks' },
          );
          expect(await terminateOtherBackends(group.sql)).toBeGreaterThanOrEqual(rows.length);
        } finally {
          await group.sql.query('ROLLBACK');
        }
        await eventually(async () => watched.rejected('finish') === rows.length, { what: 'every finish failed' });
        // Nothing was recorded: the rows are PENDING, no attempt counted, still leased.
        const after = await notifications(group.sql);
        expect(after.every((r) => r.status === 'PENDING' && r.attempts === 0)).toBe(true);

        const stored = await allDelivered(group.sql, receiver, 60_000);
        expect(stored.every((r) => r.attempts === 1)).toBe(true);
        // Each one twice, with the same key, the second time only after the first lease ran out.
        const byKey = new Map<string, ReceivedWebhook[]>();
        for (const r of receiver.received) byKey.set(r.idempotencyKey!, [...(byKey.get(r.idempotencyKey!) ?? []), r]);
        expect([...byKey.keys()].sort()).toEqual(stored.map((r) => r.idempotency_key).sort());
        for (const [, copies] of byKey) {
          expect(copies).toHaveLength(2);
          expect(copies[1].receivedAt - copies[0].receivedAt).toBeGreaterThanOrEqual(LEASE_MS - 1_000);
        }
        expectReceiverGuarantees(receiver.received, stored);

        // The process survived, and the pool works again: a new event is delivered once.
        expect((await service.fetch('/health', {}, null)).status).toBe(200);
        await reportDrift(service.app, { modelVersion: 'model-outage-after', drifted: { loanAmount: 0.3 } });
        const final = await allDelivered(group.sql, receiver);
        expect(final.length).toBeGreaterThan(stored.length);
        expect(receiver.received.length).toBe(2 * stored.length + (final.length - stored.length));
      });
    });

    it('PostgreSQL refusing connections for a while: claims fail, and every pending notification is delivered once it is back', async () => {
      await withReceiverAndService(async (receiver, group) => {
        const service = group.services[0];
        const watched = watchRepository(service);
        await receiver.kill();
        for (let i = 0; i < 3; i++) await reportDrift(service.app, { modelVersion: `model-refused-${i}`, drifted: { age: 0.3 } });
        await eventually(
          async () => {
            const { rows } = await group.sql.query(`SELECT count(*)::int AS n FROM alert_notifications WHERE attempts >= 1`);
            return rows[0].n > 0;
          },
          { what: 'attempts against the dead receiver' },
        );
        const database = new URL(group.databaseUrl).pathname.slice(1);
        await onServer(group.databaseUrl, `ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
        try {
          await terminateOtherBackends(group.sql);
          const before = watched.rejected('claim');
          await eventually(async () => watched.rejected('claim') >= before + 3, { what: 'claims failing while PostgreSQL refuses' });
          await receiver.start();
        } finally {
          await onServer(group.databaseUrl, `ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
        }
        const stored = await allDelivered(group.sql, receiver);
        expect(stored.length).toBeGreaterThanOrEqual(3 * 2);
        expectReceiverGuarantees(receiver.received, stored);
        expect((await service.fetch('/health', {}, null)).status).toBe(200);
      });
    });
  });

  describe('two instances on one database', () => {
    // Before useServices: the services read the receiver's URL when they start.
    const hook = useWebhookReceiver(SECRET);
    const group = useServices(2, () => webhookEnv(hook.receiver));

    it('deliver each notification exactly once under normal conditions', async () => {
      const receiver = hook.receiver;
      const [a, b] = group.services;
      await Promise.all([
        (async () => {
          for (let i = 0; i < 6; i++)
            await reportDrift(a.app, { modelVersion: `model-two-a-${i}`, drifted: { age: 0.3, loanAmount: 0.3 } });
        })(),
        (async () => {
          for (let i = 0; i < 6; i++) await reportDrift(b.app, { modelVersion: `model-two-b-${i}`, drifted: { annualIncome: 0.3 } });
        })(),
      ]);
      const stored = await allDelivered(group.sql, receiver);
      expect(stored.length).toBe(6 * 3 + 6 * 2);
      expect(receiver.received).toHaveLength(stored.length);
      expect(receiver.keys().size).toBe(stored.length);
      expect(stored.every((s) => s.attempts === 1 && s.leased_by !== null)).toBe(true);
      expectReceiverGuarantees(receiver.received, stored);
    });
  });

  describe('delivery state through the alertNotifications query', () => {
    // Before useServices: the services read the receiver's URL when they start.
    const hook = useWebhookReceiver(SECRET);
    const group = useServices(1, () => webhookEnv(hook.receiver));

    const QUERY = `query($alertId: ID, $status: NotificationStatus, $first: Int, $after: String) {
      alertNotifications(alertId: $alertId, status: $status, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id alertId alertEventId eventType receiverKind receiver idempotencyKey status attempts lastError lastHttpStatus createdAt queuedAt deliveredAt } }
      }
    }`;
    type Page = {
      alertNotifications: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: Array<{
          node: Record<string, unknown> & {
            id: string;
            status: string;
            attempts: number;
            lastHttpStatus: number | null;
            lastError: string | null;
          };
        }>;
      };
    };

    it('shows a 500 from the receiver as retries (attempts > 1, lastHttpStatus 500), then DELIVERED', async () => {
      const receiver = hook.receiver;
      const service = group.services[0];
      const viewer = await service.issueKey('viewer');
      receiver.status = 500;
      try {
        await reportDrift(service.app, { modelVersion: 'model-query', drifted: { age: 0.3 } });
        const { rows } = await group.sql.query(`SELECT id FROM alerts WHERE model_version = 'model-query' AND feature = 'age'`);
        const alertId = rows[0].id as string;

        const retrying = await eventually(
          async () => {
            const page = await service.gql<Page>(QUERY, { alertId, status: 'PENDING', first: 10 }, viewer);
            expect(page.errors).toBeUndefined();
            return page.data!.alertNotifications.edges.map((e) => e.node).find((n) => n.attempts > 1);
          },
          { what: 'a notification retrying after 500s' },
        );
        expect(retrying).toMatchObject({
          alertId,
          status: 'PENDING',
          lastHttpStatus: 500,
          receiverKind: 'WEBHOOK',
          receiver: displayTarget(receiver.url),
        });
        expect(retrying.lastError).toContain('HTTP 500');
        // Which host and process holds the lease is not a viewer's business.
        expect(retrying).not.toHaveProperty('leasedBy');
        const unknownField = await service.gql(`{ alertNotifications(first: 1) { edges { node { leasedBy } } } }`, {}, viewer);
        expect(unknownField.errors?.[0].message).toMatch(/leasedBy/);

        receiver.status = 200;
        const delivered = await eventually(
          async () => {
            const page = await service.gql<Page>(QUERY, { alertId, first: 10 }, viewer);
            const nodes = page.data!.alertNotifications.edges.map((e) => e.node);
            return nodes.length > 0 && nodes.every((n) => n.status === 'DELIVERED') ? nodes : undefined;
          },
          { what: 'DELIVERED through the query' },
        );
        const retried = delivered.find((n) => n.id === retrying.id)!;
        expect(retried.attempts).toBeGreaterThan(1);
        expect(retried.lastHttpStatus).toBe(200);
        expect(retried.lastError).toBeNull();
        expect(retried.deliveredAt).not.toBeNull();
        expect(retried.queuedAt).toBe(retried.createdAt);

        // Newest first, paged with a cursor through every row exactly once; a bad alertId or page size names the field.
        const all = await service.gql<Page>(QUERY, { first: 500 }, viewer);
        const everyId = all.data!.alertNotifications.edges.map((e) => e.node.id);
        expect(everyId.length).toBe(all.data!.alertNotifications.totalCount);
        expect(everyId.length).toBeGreaterThanOrEqual(2);
        const paged: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: { data?: Page } = await service.gql<Page>(QUERY, { first: 1, after }, viewer);
          paged.push(...page.data!.alertNotifications.edges.map((e) => e.node.id));
          if (!page.data!.alertNotifications.pageInfo.hasNextPage) break;
          after = page.data!.alertNotifications.pageInfo.endCursor;
        }
        expect(paged).toEqual(everyId);
        const { rows: bySeq } = await group.sql.query(`SELECT id FROM alert_notifications ORDER BY seq DESC`);
        expect(everyId).toEqual(bySeq.map((r) => r.id));
        const badId = await service.gql(QUERY, { alertId: 'not-a-uuid' }, viewer);
        expect(badId.errors?.[0]).toMatchObject({
          message: 'alertId: must be an alert id (a UUID)',
          extensions: { code: 'BAD_USER_INPUT' },
        });
        const badFirst = await service.gql(QUERY, { first: 10_000 }, viewer);
        expect(badFirst.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        const badCursor = await service.gql(QUERY, { first: 1, after: 'not-a-cursor' }, viewer);
        expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      } finally {
        receiver.status = 200;
      }
    });
  });

  describe('FAILED notifications and retryAlertNotifications', () => {
    // Before useServices: the services read the receiver's URL when they start.
    const hook = useWebhookReceiver(SECRET);
    const group = useServices(1, () => webhookEnv(hook.receiver, { ALERT_DELIVERY_MAX_ATTEMPTS: '2' }));

    const RETRY = `mutation($input: RetryAlertNotificationsInput!) { retryAlertNotifications(input: $input) { requeued superseded } }`;
    type Retried = { retryAlertNotifications: { requeued: number; superseded: number } };

    const rowsOf = async (
      alertId: string,
    ): Promise<Array<{ event_type: string; status: string; attempts: number; idempotency_key: string }>> =>
      (
        await group.sql.query(
          `SELECT event_type, status, attempts, idempotency_key FROM alert_notifications WHERE alert_id = $1 ORDER BY alert_event_id`,
          [alertId],
        )
      ).rows;

    it('a FAILED webhook notification holds back the later ones of its alert until an operator re-queues it; then both arrive in order', async () => {
      const receiver = hook.receiver;
      const service = group.services[0];
      const operator = await service.issueKey('operator');
      receiver.status = 500;
      try {
        await reportDrift(service.app, { modelVersion: 'model-failed', drifted: { age: 0.3 } });
        const { rows } = await group.sql.query(`SELECT id FROM alerts WHERE model_version = 'model-failed' AND feature = 'age'`);
        const alertId = rows[0].id as string;
        const resolved = await service.gql(
          `mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { id } }`,
          { input: { id: alertId, status: 'RESOLVED' } },
          operator,
        );
        expect(resolved.errors).toBeUndefined();
        await eventually(async () => (await rowsOf(alertId))[0].status === 'FAILED', { what: 'the CREATED notification FAILED' });

        // The receiver works again; a notification of another alert goes through, the RESOLVED stays held back.
        receiver.status = 200;
        await reportDrift(service.app, { modelVersion: 'model-failed-later', drifted: { loanAmount: 0.3 } });
        await eventually(
          async () => {
            const { rows: later } = await group.sql.query(
              `SELECT n.status FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id WHERE a.model_version = 'model-failed-later'`,
            );
            return later.length > 0 && later.every((r) => r.status === 'DELIVERED');
          },
          { what: 'the other alert delivered' },
        );
        const held = await rowsOf(alertId);
        expect(held.map((r) => [r.event_type, r.status, r.attempts])).toEqual([
          ['CREATED', 'FAILED', 2],
          ['RESOLVED', 'PENDING', 0],
        ]);
        const ofAlert = () => receiver.received.filter((r) => r.body.alert.id === alertId);
        expect(ofAlert().map((r) => [r.body.type, r.answered])).toEqual([
          ['CREATED', 500],
          ['CREATED', 500],
        ]);

        // Bad input names the field and changes nothing; a viewer may not retry.
        const badId = await service.gql(RETRY, { input: { alertId: 'nope' } }, operator);
        expect(badId.errors?.[0]).toMatchObject({
          message: 'alertId: must be an alert id (a UUID)',
          extensions: { code: 'BAD_USER_INPUT' },
        });
        const badReceiver = await service.gql(RETRY, { input: { receiver: 'http://elsewhere.example/hook' } }, operator);
        expect(badReceiver.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(badReceiver.errors?.[0].message).toBe(
          `receiver: must be a configured receiver as alertNotifications shows it: ${displayTarget(receiver.url)}`,
        );
        const viewer = await service.issueKey('viewer');
        expect((await service.gql(RETRY, { input: { alertId } }, viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
        expect((await rowsOf(alertId)).map((r) => r.status)).toEqual(['FAILED', 'PENDING']);

        const retried = await service.gql<Retried>(RETRY, { input: { alertId, receiver: displayTarget(receiver.url) } }, operator);
        expect(retried.errors).toBeUndefined();
        expect(retried.data!.retryAlertNotifications).toEqual({ requeued: 1, superseded: 0 });
        await eventually(async () => (await rowsOf(alertId)).every((r) => r.status === 'DELIVERED'), {
          what: 'both notifications of the alert delivered',
        });
        const [created, resolvedRow] = await rowsOf(alertId);
        expect(created.attempts).toBe(1);
        expect(ofAlert().map((r) => [r.body.type, r.idempotencyKey, r.answered])).toEqual([
          ['CREATED', created.idempotency_key, 500],
          ['CREATED', created.idempotency_key, 500],
          ['CREATED', created.idempotency_key, 200],
          ['RESOLVED', resolvedRow.idempotency_key, 200],
        ]);

        const { rows: audit } = await group.sql.query(
          `SELECT principal, role, target, summary, outcome FROM audit_log WHERE action = 'Mutation.retryAlertNotifications' AND outcome = 'OK' ORDER BY id`,
        );
        expect(audit).toEqual([
          {
            principal: operator.name,
            role: 'operator',
            target: { alertId, receiver: displayTarget(receiver.url) },
            summary: { requeued: 1, superseded: 0 },
            outcome: 'OK',
          },
        ]);

        // Without a filter: every other FAILED notification (the dataset-drift alert's), then nothing left.
        const { rows: failed } = await group.sql.query(`SELECT count(*)::int AS n FROM alert_notifications WHERE status = 'FAILED'`);
        const all = await service.gql<Retried>(RETRY, { input: {} }, operator);
        expect(all.data!.retryAlertNotifications).toEqual({ requeued: failed[0].n, superseded: 0 });
        await allDelivered(group.sql, receiver);
        const again = await service.gql<Retried>(RETRY, { input: {} }, operator);
        expect(again.data!.retryAlertNotifications).toEqual({ requeued: 0, superseded: 0 });
      } finally {
        receiver.status = 200;
      }
    });
  });
});

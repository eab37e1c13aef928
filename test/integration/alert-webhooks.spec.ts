import { Client } from 'pg';
import { createTestDatabase, sqlClient } from '../support/database';
import { freePort } from '../support/prometheus';
import { startTestService, TestService } from '../support/service';
import { useServices } from '../support/services';
import { eventually, ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';
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
    'every notification delivered and received',
    async () => {
      const rows = await notifications(sql);
      const keys = receiver.keys();
      return rows.length > 0 && rows.every((r) => r.status === 'DELIVERED' && keys.has(r.idempotency_key)) ? rows : undefined;
    },
    timeoutMs,
  );
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
    // The receiver's hooks come first: the services read its URL when they start.
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      receiver = new WebhookReceiver(SECRET, await freePort());
      await receiver.start();
    });
    afterAll(async () => receiver.kill());
    const group = useServices(1, () => webhookEnv(receiver));

    it('gets every notification once it is back, duplicates only with the same key, signed, in per-alert order', async () => {
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
      await eventually('some deliveries before the crash', () => receiver.received.length > 0);
      await receiver.kill();
      await produce(2);
      // Down long enough for several failed attempts of the pending notifications.
      await eventually('failed attempts while the receiver is down', async () => {
        const { rows } = await group.sql.query(
          `SELECT count(*)::int AS n FROM alert_notifications WHERE status = 'PENDING' AND attempts >= 2`,
        );
        return rows[0].n > 0;
      });
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
          await eventually('attempts against the dead receiver', async () => {
            const { rows } = await sql.query(`SELECT count(*)::int AS n FROM alert_notifications WHERE attempts >= 1`);
            return rows[0].n > 0;
          });
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

  describe('two instances on one database', () => {
    // The receiver's hooks come first: the services read its URL when they start.
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      receiver = new WebhookReceiver(SECRET, await freePort());
      await receiver.start();
    });
    afterAll(async () => receiver.kill());
    const group = useServices(2, () => webhookEnv(receiver));

    it('deliver each notification exactly once under normal conditions', async () => {
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
    // The receiver's hooks come first: the services read its URL when they start.
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      receiver = new WebhookReceiver(SECRET, await freePort());
      await receiver.start();
    });
    afterAll(async () => receiver.kill());
    const group = useServices(1, () => webhookEnv(receiver));

    const QUERY = `query($alertId: ID, $status: NotificationStatus, $first: Int, $after: String) {
      alertNotifications(alertId: $alertId, status: $status, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id alertId alertEventId eventType receiverKind receiver idempotencyKey status attempts lastError lastHttpStatus leasedBy createdAt deliveredAt } }
      }
    }`;
    type Page = {
      alertNotifications: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: Array<{
          node: Record<string, unknown> & { status: string; attempts: number; lastHttpStatus: number | null; lastError: string | null };
        }>;
      };
    };

    it('shows a 500 from the receiver as retries (attempts > 1, lastHttpStatus 500), then DELIVERED', async () => {
      const service = group.services[0];
      const viewer = await service.issueKey('viewer');
      receiver.status = 500;
      await reportDrift(service.app, { modelVersion: 'model-query', drifted: { age: 0.3 } });
      const { rows } = await group.sql.query(`SELECT id FROM alerts WHERE model_version = 'model-query' AND feature = 'age'`);
      const alertId = rows[0].id as string;

      const retrying = await eventually('a notification retrying after 500s', async () => {
        const page = await service.gql<Page>(QUERY, { alertId, status: 'PENDING', first: 10 }, viewer);
        expect(page.errors).toBeUndefined();
        const node = page.data!.alertNotifications.edges.map((e) => e.node).find((n) => n.attempts > 1);
        return node;
      });
      expect(retrying).toMatchObject({ alertId, status: 'PENDING', lastHttpStatus: 500, receiverKind: 'WEBHOOK', receiver: receiver.url });
      expect(retrying.lastError).toContain('HTTP 500');

      receiver.status = 200;
      const delivered = await eventually('DELIVERED through the query', async () => {
        const page = await service.gql<Page>(QUERY, { alertId, first: 10 }, viewer);
        const nodes = page.data!.alertNotifications.edges.map((e) => e.node);
        return nodes.length > 0 && nodes.every((n) => n.status === 'DELIVERED') ? nodes : undefined;
      });
      const retried = delivered.find((n) => n.id === retrying.id)!;
      expect(retried.attempts).toBeGreaterThan(1);
      expect(retried.lastHttpStatus).toBe(200);
      expect(retried.lastError).toBeNull();
      expect(retried.deliveredAt).not.toBeNull();
      expect(retried.leasedBy).toEqual(expect.any(String));

      // Newest first, paged with a cursor; a bad alertId or page size names the field.
      const all = await service.gql<Page>(QUERY, { first: 1 }, viewer);
      expect(all.data!.alertNotifications.totalCount).toBeGreaterThanOrEqual(2);
      expect(all.data!.alertNotifications.pageInfo.hasNextPage).toBe(true);
      const next = await service.gql<Page>(QUERY, { first: 1, after: all.data!.alertNotifications.pageInfo.endCursor }, viewer);
      expect(next.data!.alertNotifications.edges[0].node.id).not.toBe(all.data!.alertNotifications.edges[0].node.id);
      expect(new Date(String(next.data!.alertNotifications.edges[0].node.createdAt)).getTime()).toBeLessThanOrEqual(
        new Date(String(all.data!.alertNotifications.edges[0].node.createdAt)).getTime(),
      );
      const badId = await service.gql(QUERY, { alertId: 'not-a-uuid' }, viewer);
      expect(badId.errors?.[0]).toMatchObject({ message: 'alertId: must be an alert id (a UUID)', extensions: { code: 'BAD_USER_INPUT' } });
      const badFirst = await service.gql(QUERY, { first: 10_000 }, viewer);
      expect(badFirst.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});

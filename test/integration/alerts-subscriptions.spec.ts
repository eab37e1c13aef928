import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LISTENER_APPLICATION_NAME } from '../../src/alerts/alert-events.listener';
import { AlertsService } from '../../src/alerts/alerts.service';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../src/common/graphql/graphql-options';
import { ingestMutation } from '../support/applications';
import { eventually } from '../support/eventually';
import { generatedRecords } from '../support/generated-data';
import { TestService } from '../support/service';
import { useServices } from '../support/services';
import { ALERT_CHANGED, connectWs, ReceivedEvent, WsTestClient } from '../support/ws-client';
import { driftReport, insertReportRow, MODEL, reportDrift } from '../unit/alerts/drift-report.fixture';

jest.setTimeout(120_000);

/**
 * Two service instances on one database: events written on A reach subscribers on B through
 * PostgreSQL LISTEN/NOTIFY. Waits are on received events, never on time.
 */
describe('alertChanged across instances (real PostgreSQL, real websocket)', () => {
  let a: TestService;
  let b: TestService;
  let sql: Client;
  const clients: WsTestClient[] = [];
  let model = 0;
  const nextModel = (): string => `${MODEL}-sub-${++model}`;

  const connect = (service: TestService): WsTestClient => {
    const client = connectWs(service.url, service.adminKey);
    clients.push(client);
    return client;
  };

  // Declared before useServices: afterAll hooks run in order, so the sockets close before the services.
  afterAll(async () => {
    for (const client of clients) await client.dispose();
  });
  const group = useServices(2);
  beforeAll(() => {
    [a, b] = group.services;
    sql = group.sql;
  });

  async function eventIds(): Promise<string[]> {
    // Ordered by the bigint itself: `SELECT id::text ... ORDER BY id` would sort the text column
    // ('10' before '2'), which only shows when the ids cross a power of ten.
    return (await sql.query(`SELECT id::text AS id FROM alert_events ORDER BY alert_events.id`)).rows.map((r) => r.id);
  }

  async function lastEventId(): Promise<string> {
    return (await sql.query(`SELECT coalesce(max(id), 0)::text AS id FROM alert_events`)).rows[0].id;
  }

  it('delivers events committed on A to a subscriber on B; after a disconnect, afterEventId replays exactly the missed ones, then continues live', async () => {
    const console1 = connect(b);
    const live = console1.subscribe<ReceivedEvent>(ALERT_CHANGED, { filter: { feature: 'age' } });
    // A subscription is active once it has received something. Prime it with marker events on B's
    // side until one arrives: under load the subscribe message can reach the server after the first
    // marker committed, and a subscription without afterEventId never sees what came before it.
    const marker = `${nextModel()}-marker`;
    await eventually(
      async () => {
        await reportDrift(b.app, { modelVersion: marker, drifted: { age: 0.3 } });
        return live.received.length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'a marker event on the new subscription' },
    );
    // Every marker updates one alert; what follows is about the batches' alert only.
    const markerAlertId = live.received[0].alert.id;
    const batchEvents = (): ReceivedEvent[] => live.received.filter((e) => e.alert.id !== markerAlertId);

    // Two drifting batches ingested on A (much older applicants): each raises or updates the age
    // alert inside its ingestion transaction; B's subscriber receives both after COMMIT.
    let modelVersion = '';
    for (const seed of [1, 2]) {
      const ingested = await a.gql<{ ingestBatch: { modelVersion: string; drift: { status: string } } }>(
        ingestMutation('modelVersion drift { status }'),
        { input: { batchId: `older-${seed}`, records: generatedRecords(300, seed, 'older_applicants', 15) } },
      );
      expect(ingested.data!.ingestBatch.drift.status).toBe('DRIFT');
      modelVersion = ingested.data!.ingestBatch.modelVersion;
    }
    const received = await eventually(async () => batchEvents().length >= 2 && batchEvents(), {
      timeoutMs: 20_000,
      what: () => `2 batch events, got ${JSON.stringify(live.received)}`,
    });
    expect(received.map((e) => [e.type, e.alert.feature, e.alert.occurrences, e.actor])).toEqual([
      ['CREATED', 'age', 1, 'system'],
      ['UPDATED', 'age', 2, 'system'],
    ]);
    const ageAlertId = received[0].alert.id;
    expect(received[1].alert).toMatchObject({ id: ageAlertId, status: 'OPEN', kind: 'FEATURE_DRIFT' });

    // The console goes away; more happens meanwhile (on both instances).
    const lastSeen = received[1].id;
    await console1.dispose();
    await reportDrift(a.app, { modelVersion, drifted: { age: 0.4 } });
    const ack = await a.gql(`mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { status } }`, {
      input: { id: ageAlertId, status: 'ACKNOWLEDGED', note: 'on it' },
    });
    expect(ack.errors).toBeUndefined();
    await reportDrift(b.app, { modelVersion, drifted: { age: 0.2 } });
    const missed = (
      await sql.query(
        `SELECT e.id::text FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id > $1 AND a.feature = 'age' ORDER BY e.id`,
        [lastSeen],
      )
    ).rows.map((r) => r.id);
    expect(missed).toHaveLength(3);

    const console2 = connect(b);
    const resumed = console2.subscribe<ReceivedEvent>(ALERT_CHANGED, { filter: { feature: 'age' }, afterEventId: lastSeen });
    await resumed.waitFor(3);
    expect(resumed.received.map((e) => e.id)).toEqual(missed);
    expect(resumed.received.map((e) => e.type)).toEqual(['UPDATED', 'ACKNOWLEDGED', 'UPDATED']);
    expect(resumed.received[1]).toMatchObject({ actor: a.adminKey.name, alert: { status: 'ACKNOWLEDGED', occurrences: 3 } });

    // ...and continues live after the replay, with nothing repeated at the seam.
    await reportDrift(a.app, { modelVersion, drifted: { age: 0.5 } });
    await resumed.waitFor(4);
    const ids = resumed.received.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(resumed.received[3]).toMatchObject({ type: 'UPDATED', alert: { occurrences: 5, status: 'ACKNOWLEDGED' } });
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const modelVersion = nextModel();
    const watcher = connect(b).subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId: await lastEventId() });
    const rolledBack = driftReport({ modelVersion, drifted: { loanAmount: 0.6 } });
    await expect(
      a.app.get(DataSource).transaction(async (manager) => {
        await insertReportRow(manager, rolledBack);
        await a.app.get(AlertsService).onDriftReport(manager, rolledBack);
        throw new Error('batch failed after the alert was written');
      }),
    ).rejects.toThrow('batch failed');
    // A committed marker after the rollback: when it arrives, anything from the rolled-back
    // transaction would have arrived before it (events are delivered in commit/id order).
    await reportDrift(a.app, { modelVersion: `${modelVersion}-marker`, drifted: { employmentYears: 0.3 } });
    const received = await watcher.waitFor(2);
    expect(received.map((e) => e.alert.feature)).toEqual(['employmentYears', null]);
    expect(received.every((e) => !e.alert.kind.includes('DRIFT') || e.alert.feature !== 'loanAmount')).toBe(true);
    expect((await sql.query(`SELECT count(*)::int AS n FROM alerts WHERE model_version = $1`, [modelVersion])).rows[0].n).toBe(0);
    watcher.dispose();
  });

  it('filters by severity and status as the alert was right after each event', async () => {
    const modelVersion = nextModel();
    const client = connect(b);
    // From the current last event on: nothing is missed if the subscribe message is still on its way
    // when the first event commits.
    const start = await lastEventId();
    const critical = client.subscribe<ReceivedEvent>(ALERT_CHANGED, { filter: { severity: 'CRITICAL' }, afterEventId: start });
    const resolvedOnly = client.subscribe<ReceivedEvent>(ALERT_CHANGED, { filter: { status: 'RESOLVED' }, afterEventId: start });
    await reportDrift(a.app, { modelVersion, drifted: { debtToIncome: 0.15 } }); // MEDIUM feature + LOW dataset
    await reportDrift(a.app, { modelVersion, drifted: { annualIncome: 0.9 } }); // CRITICAL feature
    const [event] = await critical.waitFor(1);
    expect(event.alert).toMatchObject({ feature: 'annualIncome', severity: 'CRITICAL' });
    await a.gql(`mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { status } }`, {
      input: { id: event.alert.id, status: 'RESOLVED' },
    });
    const [resolved] = await resolvedOnly.waitFor(1);
    expect(resolved).toMatchObject({ type: 'RESOLVED', alert: { id: event.alert.id, status: 'RESOLVED' } });
    // The RESOLVED event is also CRITICAL, so the first subscriber sees it too, and nothing else.
    const both = await critical.waitFor(2);
    expect(both.map((e) => e.type)).toEqual(['CREATED', 'RESOLVED']);
    critical.dispose();
    resolvedOnly.dispose();
  });

  it('delivers every event exactly once and in id order under concurrent writers on both instances', async () => {
    const start = await lastEventId();
    const watcher = connect(b).subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId: start });
    const writers = Array.from({ length: 24 }, (_, i) =>
      reportDrift(i % 2 ? a.app : b.app, { modelVersion: `${nextModel()}-${i}`, drifted: { age: 0.3, loanAmount: 0.3 } }),
    );
    await Promise.all(writers);
    const expected = (await eventIds()).filter((id) => Number(id) > Number(start));
    expect(expected.length).toBe(24 * 3);
    const received = await watcher.waitFor(expected.length);
    expect(received.map((e) => e.id)).toEqual(expected);
    watcher.dispose();
  });

  it('keeps delivering after the LISTEN connection is killed, including what committed while it was down', async () => {
    const modelVersion = nextModel();
    const watcher = connect(b).subscribe<ReceivedEvent>(ALERT_CHANGED, {
      filter: { feature: 'delinquencyCount' },
      afterEventId: await lastEventId(),
    });
    await reportDrift(a.app, { modelVersion, drifted: { delinquencyCount: 0.3 } });
    await watcher.waitFor(1);

    // Terminate every listener connection (both instances'): the server side of a restart.
    const killed = await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
      [LISTENER_APPLICATION_NAME],
    );
    expect(killed.rowCount).toBe(2);
    for (let i = 0; i < 3; i++) await reportDrift(a.app, { modelVersion, drifted: { delinquencyCount: 0.3 + i / 10 } });
    const received = await watcher.waitFor(4);
    expect(received.map((e) => e.alert.occurrences)).toEqual([1, 2, 3, 4]);
    watcher.dispose();
  });

  describe('websocket limits', () => {
    it('accepts only subscriptions', async () => {
      const recording = connect(b).subscribe(`query { alertSummary { total } }`, {}, 'alertSummary');
      const errors = (await recording.waitForError()) as Array<{ message: string }>;
      expect(JSON.stringify(errors)).toMatch(/Only subscription operations/);
    });

    it('applies the same validation limits as HTTP (depth)', async () => {
      const deep = `subscription { alertChanged { alert { id } id ${'alert { events { edges { node { '.repeat(3)} id ${'} } } }'.repeat(3)} } }`;
      const recording = connect(b).subscribe(deep);
      expect(JSON.stringify(await recording.waitForError())).toMatch(/depth/);
    });

    it('rejects a bad afterEventId', async () => {
      const recording = connect(b).subscribe(ALERT_CHANGED, { afterEventId: 'abc' });
      expect(JSON.stringify(await recording.waitForError())).toMatch(/afterEventId/);
    });

    it(`caps subscriptions per connection at ${MAX_SUBSCRIPTIONS_PER_CONNECTION}`, async () => {
      const client = connect(b);
      const ok = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, () => client.subscribe(ALERT_CHANGED));
      const extra = client.subscribe(ALERT_CHANGED);
      expect(JSON.stringify(await extra.waitForError())).toMatch(/At most/);
      expect(ok.every((s) => s.errors.length === 0)).toBe(true);
      ok.forEach((s) => s.dispose());
    });

    it('closes the socket with 1009 when a message exceeds GRAPHQL_WS_MAX_MESSAGE_BYTES', async () => {
      const client = connect(b);
      const good = client.subscribe(ALERT_CHANGED);
      // Once acknowledged, send a subscription with a 1 MB variable.
      await new Promise<void>((resolve) => client.client.on('connected', () => resolve()));
      const huge = client.subscribe(ALERT_CHANGED, { filter: { feature: 'x'.repeat(1_000_000) } });
      expect(await client.closed).toBe(1009);
      expect(huge.received).toHaveLength(0);
      good.dispose();
    });
  });
});

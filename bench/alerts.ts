import 'reflect-metadata';
import { createClient } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { AlertsService } from '../src/alerts/alerts.service';
import { DriftReportCreated } from '../src/common/events/domain-events';
import { spawnService } from '../test/support/process';
import { startTestService } from '../test/support/service';
import { feature, FEATURES } from '../test/unit/alerts/drift-report.fixture';
import { benchDatabase, progress } from './support/database';

/**
 * bench:alerts — latency from COMMIT to receipt, across instances. Instance A (in this process)
 * commits EVENTS alert changes one after another, each in its own transaction exactly as the
 * drift module will (drift report row + AlertsService.onDriftReport, one alert event each).
 * Instance B (a separate process) fans them out to SUBSCRIBERS graphql-ws clients (also in
 * this process, so one clock measures both ends). Latency = receipt time minus the moment the
 * COMMIT was sent; p50 and p99 over every (event, subscriber) delivery are printed.
 * Each subscriber is its own principal, as separate consoles would be: a viewer key per
 * subscriber, sent in connection_init (which also keeps clear of WS_MAX_CONNECTIONS_PER_PRINCIPAL).
 * Authentication happens once per connection, before the warm-up, so it is not in the latencies.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 50);
const SUBSCRIPTION = `subscription { alertChanged { id type alert { id status severity occurrences } } }`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report(modelVersion: string, psi: number): DriftReportCreated {
  // One drifted feature and a STABLE dataset verdict: exactly one alert event per transaction.
  return {
    reportId: randomUUID(),
    kind: 'BATCH',
    batchId: null,
    modelVersion,
    status: 'STABLE',
    globalScore: psi,
    driftedShare: 0.125,
    rowCount: 500,
    features: FEATURES.map((name) => feature(name, name === 'age' ? psi : 0.01, name === 'age')),
    dataQuality: null,
    occurredAt: new Date(),
  };
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  progress('starting instance A (in process) and instance B (child process)');
  const a = await startTestService(db.url, { LOG_LEVEL: 'warn' });
  // Keys before instance B starts: NODE_ENV=production refuses to start without a usable key.
  progress(`creating ${SUBSCRIBERS} viewer keys`);
  const viewerKeys: string[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) viewerKeys.push((await a.issueKey('viewer', { name: `bench-viewer-${i}` })).headers.authorization);
  // LOG_LEVEL info: spawnService waits for the "service listening" log line.
  const b = await spawnService({ DATABASE_URL: db.url, LOG_LEVEL: 'info', NODE_ENV: 'production' }, 120_000);
  const dataSource = a.app.get(DataSource);
  const alerts = a.app.get(AlertsService);
  const committedAt = new Map<number, number>();
  const latencies: number[] = [];
  const commitDurations: number[] = [];
  let warmups = 0;
  let delivered = 0;
  let onDelivery: () => void = () => undefined;

  const emit = async (modelVersion: string, psi: number): Promise<number> => {
    let id = 0;
    let sentAt = 0;
    await dataSource.transaction(async (manager) => {
      const event = report(modelVersion, psi);
      await manager.query(
        `INSERT INTO drift_reports (id, kind, model_version, status, row_count) VALUES ($1, 'BATCH', $2, 'STABLE', 500)`,
        [event.reportId, modelVersion],
      );
      await alerts.onDriftReport(manager, event);
      const [row] = await manager.query(`SELECT currval(pg_get_serial_sequence('alert_events', 'id'))::int AS id`);
      id = row.id;
      committedAt.set(id, (sentAt = performance.now()));
    });
    commitDurations.push(performance.now() - sentAt);
    return id;
  };

  const clients = viewerKeys.map((authorization, i) =>
    createClient({
      url: `${b.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: {
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          if (code !== 1000) progress(`subscriber ${i}: socket closed ${code} ${reason}`);
        },
      },
    }),
  );
  try {
    for (const client of clients) {
      client.subscribe<{ alertChanged: { id: string } }>(
        { query: SUBSCRIPTION },
        {
          next: (result) => {
            const receivedAt = performance.now();
            const id = Number(result.data!.alertChanged.id);
            const sent = committedAt.get(id);
            if (sent === undefined) warmups++;
            else latencies.push(receivedAt - sent);
            delivered++;
            onDelivery();
          },
          error: (error) => progress(`subscriber error: ${JSON.stringify(error)}`),
          complete: () => undefined,
        },
      );
    }
    // Warm-up: repeat until every subscriber is live (one event reached all of them).
    const ready = async (): Promise<void> => {
      for (let attempt = 0; attempt < 200; attempt++) {
        warmups = 0;
        const id = await emit('bench-warmup', 0.3);
        committedAt.delete(id);
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (warmups === SUBSCRIBERS) return;
      }
      throw new Error('subscribers never became ready');
    };
    await ready();
    latencies.length = 0;
    commitDurations.length = 0;
    delivered = 0;
    committedAt.clear();

    progress(`committing ${EVENTS} alert events on A, ${SUBSCRIBERS} subscribers on B`);
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) await emit('bench-model', 0.3 + (i % 10) / 100);
    const expected = EVENTS * SUBSCRIBERS;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${delivered} of ${expected} deliveries arrived`)), 60_000);
      onDelivery = () => {
        if (delivered >= expected) {
          clearTimeout(timer);
          resolve();
        }
      };
      onDelivery();
    });
    const elapsed = performance.now() - started;

    const sorted = [...latencies].sort((x, y) => x - y);
    const commits = [...commitDurations].sort((x, y) => x - y);
    const round = (value: number): number => Math.round(value * 100) / 100;
    const result = {
      events: EVENTS,
      subscribers: SUBSCRIBERS,
      deliveries: sorted.length,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted[sorted.length - 1]),
      commitP50Ms: round(percentile(commits, 50)),
      eventsPerSecond: Math.round((EVENTS / elapsed) * 1000),
      p99TargetMet: percentile(sorted, 99) < 100,
    };
    process.stdout.write(
      `bench:alerts — COMMIT on instance A -> receipt by ${SUBSCRIBERS} graphql-ws subscribers on instance B\n` +
        `  ${EVENTS} events, ${sorted.length} deliveries, ${result.eventsPerSecond} events/s committed back to back\n` +
        `  latency p50 ${result.p50Ms} ms   p99 ${result.p99Ms} ms   max ${result.maxMs} ms   (target p99 < 100 ms: ${result.p99TargetMet ? 'met' : 'NOT met'})\n` +
        `  (COMMIT itself: p50 ${result.commitP50Ms} ms)\n` +
        `${JSON.stringify(result)}\n`,
    );
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await b.stop();
    await a.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:alerts failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnedPostgres, startOwnedPostgres } from '../support/embedded-server';
import { startTestService, TestService } from '../support/service';
import { ALERT_CHANGED, connectWs, ReceivedEvent, WsTestClient } from '../support/ws-client';
import { MODEL, reportDrift } from '../unit/alerts/drift-report.fixture';

jest.setTimeout(180_000);

/**
 * A whole PostgreSQL restart under a running instance, on a server this test owns: the LISTEN
 * connection reconnects on its own and the subscriber still receives every event, including
 * those committed while the listener was away.
 */
describe('alert subscriptions across a PostgreSQL restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-restart-'));
  const port = 52_000 + Math.floor(Math.random() * 3_000);
  let pg: OwnedPostgres;
  let service: TestService;
  let ws: WsTestClient;

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    pg = await startOwnedPostgres(join(dir, 'pg'), port);
    service = await startTestService(pg.url);
  });

  afterAll(async () => {
    await ws?.dispose();
    await service?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The pool may hand out a connection that died with the old server once; retry until it recovers. */
  async function reportWhenDatabaseIsBack(feature: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await reportDrift(service.app, { modelVersion: `${MODEL}-restart`, drifted: { [feature]: 0.3 } });
        return;
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  it('keeps delivering after the server restarts, with nothing lost', async () => {
    ws = connectWs(service.url, service.adminKey);
    const recording = ws.subscribe<ReceivedEvent>(ALERT_CHANGED, { filter: { status: 'OPEN' } });
    await reportDrift(service.app, { modelVersion: `${MODEL}-restart`, drifted: { age: 0.3 } });
    await recording.waitFor(1);

    await pg.stop();
    pg = await startOwnedPostgres(join(dir, 'pg'), port);

    await reportWhenDatabaseIsBack('loanAmount');
    await reportWhenDatabaseIsBack('annualIncome');
    const received = await recording.waitFor(5, 60_000);
    const created = received.filter((e) => e.type === 'CREATED' && e.alert.kind === 'FEATURE_DRIFT').map((e) => e.alert.feature);
    expect(created).toEqual(['age', 'loanAmount', 'annualIncome']);
    const ids = received.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

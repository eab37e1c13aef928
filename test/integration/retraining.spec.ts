import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { generateRows, loadProfile } from '../../datasets/generator';
import { RetrainingEventsService } from '../../src/retraining/retraining-events.service';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder } from '../support/generated-data';
import { startTestService, TestService } from '../support/service';
import { ServiceGroup, useServices, withServices } from '../support/services';

jest.setTimeout(120_000);

const INGEST = ingestMutation('batchId modelVersion');
const TRIGGER = `mutation($input: TriggerRetrainingInput!) { triggerRetraining(input: $input) { id modelVersion cause status reason } }`;
const RETRAIN = `mutation($input: RetrainModelInput!) { retrainModel(input: $input) {
  version status kind threshold retrainRequired
  comparison { championVersion holdoutRows trainingRows trainingDataRows
    challenger { rocAuc accuracy brier logLoss } champion { rocAuc accuracy brier logLoss } } } }`;
const PROMOTE = `mutation($input: PromoteModelVersionInput!) { promoteModelVersion(input: $input) { version status promotedAt retrainRequired } }`;
const EVENTS = `query($first: Int, $after: String) { retrainingEvents(first: $first, after: $after) {
  totalCount edges { cursor node { id modelVersion cause status reason resolvedAt details } } pageInfo { hasNextPage endCursor } } }`;

interface Metrics {
  rocAuc: number;
  accuracy: number;
  brier: number;
  logLoss: number;
}
interface Candidate {
  version: string;
  status: string;
  threshold: number;
  comparison: {
    championVersion: string;
    holdoutRows: number;
    trainingRows: number;
    trainingDataRows: number;
    challenger: Metrics;
    champion: Metrics;
  };
}
interface EventNode {
  id: string;
  modelVersion: string;
  cause: string;
  status: string;
  reason: string;
  resolvedAt: string | null;
  details: Record<string, unknown> | null;
}

const data = generatedCsvFolder(4_000, 501);
const env = () => ({ BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });
const range = () => ({ fromDate: new Date(Date.now() - 3_600_000).toISOString(), toDate: new Date(Date.now() + 3_600_000).toISOString() });

async function activeVersion(sql: Client): Promise<string> {
  return (await sql.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`)).rows[0].version;
}

async function events(service: TestService, first?: number, after?: string) {
  const response = await service.gql<{
    retrainingEvents: {
      totalCount: number;
      edges: Array<{ cursor: string; node: EventNode }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
  }>(EVENTS, { first, after });
  expect(response.errors).toBeUndefined();
  return response.data!.retrainingEvents;
}

/** A DRIFT signal raised the way the drift module raises it: inside a transaction of the instance. */
function raiseDrift(service: TestService, modelVersion: string, reason: string) {
  return service.app
    .get(DataSource)
    .transaction((manager) =>
      service.app.get(RetrainingEventsService).raise(manager, { modelVersion, cause: 'DRIFT', reason, details: { by: reason } }),
    );
}

/**
 * 4,000 labelled rows whose outcomes follow a changed label model (concept drift): the champion
 * is miscalibrated there, and the outcomes raise its PERFORMANCE signal.
 */
async function ingestLabelled(service: TestService): Promise<void> {
  const rows = generateRows(loadProfile(), 4_000, { seed: 77, scenario: 'concept_drift', idPrefix: 'rt' });
  for (let i = 0; i < 4; i++) {
    const response = await service.gql(INGEST, { input: { batchId: `labelled-${i}`, records: rows.slice(i * 1_000, (i + 1) * 1_000) } });
    expect(response.errors).toBeUndefined();
  }
}

async function retrain(service: TestService, includeTrainingData: boolean): Promise<Candidate> {
  const response = await service.gql<{ retrainModel: Candidate }>(RETRAIN, { input: { ...range(), includeTrainingData } });
  expect(response.errors).toBeUndefined();
  return response.data!.retrainModel;
}

// Each test that changes what others would read (events, retrain flags, the ACTIVE model) runs
// on two instances and a database of its own; the rest share labelled logs written in beforeAll.
describe('retraining signals (real PostgreSQL, two instances)', () => {
  it('a manual trigger opens one event per model version and cause and marks the model retrainRequired', () =>
    withServices(2, env(), async ({ services: [a, b], sql }: ServiceGroup) => {
      const champion = await activeVersion(sql);
      const first = await a.gql<{ triggerRetraining: EventNode }>(TRIGGER, { input: { reason: 'quarterly review' } });
      expect(first.data!.triggerRetraining).toMatchObject({
        modelVersion: champion,
        cause: 'MANUAL',
        status: 'OPEN',
        reason: 'quarterly review',
      });
      const again = await b.gql<{ triggerRetraining: EventNode }>(TRIGGER, { input: { reason: 'asked twice' } });
      expect(again.data!.triggerRetraining.id).toBe(first.data!.triggerRetraining.id);
      const model = await sql.query(`SELECT retrain_required, retrain_reason FROM model_versions WHERE version = $1`, [champion]);
      expect(model.rows[0]).toEqual({ retrain_required: true, retrain_reason: 'MANUAL: quarterly review' });

      const empty = await a.gql(TRIGGER, { input: { reason: '  ' } });
      expect(empty.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }));

  it('automatic signals deduplicate per (model version, cause), also when raised concurrently on two instances', () =>
    withServices(2, env(), async ({ services: [a, b], sql }: ServiceGroup) => {
      const champion = await activeVersion(sql);
      const manual = await a.gql(TRIGGER, { input: { reason: 'quarterly review' } });
      expect(manual.errors).toBeUndefined();
      const raised = await Promise.all([raiseDrift(a, champion, 'one'), raiseDrift(b, champion, 'two')]);
      expect(raised.map((r) => r.created).sort()).toEqual([false, true]);
      expect(raised[0].event.id).toBe(raised[1].event.id);
      const page1 = await events(a, 1);
      expect(page1.totalCount).toBe(2);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = await events(a, 5, page1.pageInfo.endCursor);
      expect(page2.pageInfo.hasNextPage).toBe(false);
      expect([...page1.edges, ...page2.edges].map((e) => e.node.cause).sort()).toEqual(['DRIFT', 'MANUAL']);
    }));
});

describe('challenger training on labelled logs (real PostgreSQL, two instances)', () => {
  let a: TestService;
  let b: TestService;
  let sql: Client;
  const group = useServices(2, env);
  beforeAll(async () => {
    [a, b] = group.services;
    sql = group.sql;
    await ingestLabelled(a);
  });

  it('retrainModel refuses a range without enough labelled logs', async () => {
    // A day long before any log was written.
    const response = await a.gql(RETRAIN, {
      input: { fromDate: '2001-01-01T00:00:00Z', toDate: '2001-01-02T00:00:00Z', includeTrainingData: false },
    });
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/labelled prediction rows/);
  });

  it('trains a challenger on labelled logs and evaluates it against the champion on the same holdout', async () => {
    const champion = await activeVersion(sql);
    const candidate = await retrain(b, false);
    expect(candidate).toMatchObject({ status: 'CANDIDATE' });
    expect(candidate.version).not.toBe(champion);
    expect(candidate.comparison).toMatchObject({ championVersion: champion, holdoutRows: 1_000, trainingRows: 3_000, trainingDataRows: 0 });
    const { challenger, champion: old } = candidate.comparison;
    expect(challenger.brier).toBeLessThan(old.brier);
    expect(challenger.logLoss).toBeLessThan(old.logLoss);
    expect(challenger.rocAuc).toBeGreaterThan(0.55);

    const stored = await sql.query(
      `SELECT status, artifact->>'modelVersion' AS version, metrics ? 'challenger' AS compared FROM model_versions WHERE version = $1`,
      [candidate.version],
    );
    expect(stored.rows[0]).toEqual({ status: 'CANDIDATE', version: candidate.version, compared: true });
  });

  it('the same request returns the same candidate; includeTrainingData adds the reference data', async () => {
    const candidate = await retrain(a, false);
    const input = { ...range(), includeTrainingData: true };
    const withData = await a.gql<{ retrainModel: Candidate }>(RETRAIN, { input });
    expect(withData.errors).toBeUndefined();
    expect(withData.data!.retrainModel.comparison).toMatchObject({ trainingDataRows: 5_000, trainingRows: 8_000, holdoutRows: 1_000 });
    expect(withData.data!.retrainModel.version).not.toBe(candidate.version);
    const versionsBefore = (await sql.query(`SELECT count(*)::int AS n FROM model_versions`)).rows[0].n;
    const repeated = await a.gql<{ retrainModel: Candidate }>(RETRAIN, { input });
    expect(repeated.data!.retrainModel.version).toBe(withData.data!.retrainModel.version);
    expect((await sql.query(`SELECT count(*)::int AS n FROM model_versions`)).rows[0].n).toBe(versionsBefore);
  });

  it('promotion errors are typed: unknown version NOT_FOUND, the fallback CONFLICT; promoting the active one is a no-op', async () => {
    const active = await activeVersion(sql);
    const unknown = await a.gql(PROMOTE, { input: { version: 'no-such-version' } });
    expect(unknown.errors![0].extensions!.code).toBe('NOT_FOUND');
    await sql.query(
      `INSERT INTO model_versions (version, kind, status) VALUES ('fallback-rules-v1', 'fallback', 'RETIRED') ON CONFLICT DO NOTHING`,
    );
    const fallback = await a.gql(PROMOTE, { input: { version: 'fallback-rules-v1' } });
    expect(fallback.errors![0].extensions!.code).toBe('CONFLICT');
    const same = await a.gql<{ promoteModelVersion: { status: string } }>(PROMOTE, { input: { version: active } });
    expect(same.data!.promoteModelVersion.status).toBe('ACTIVE');

    const listed = await a.gql<{ modelVersions: { totalCount: number; edges: Array<{ node: { version: string; status: string } }> } }>(
      `{ modelVersions(first: 10) { totalCount edges { node { version status } } } }`,
    );
    expect(listed.data!.modelVersions.edges.filter((e) => e.node.status === 'ACTIVE')).toEqual([
      { node: { version: active, status: 'ACTIVE' } },
    ]);
  });
});

describe('promotion (real PostgreSQL, two instances)', () => {
  it('promotion makes the candidate ACTIVE, retires the champion, resolves its events, and switches scoring on every instance', () =>
    withServices(2, env(), async ({ services: [a, b], sql, databaseUrl }: ServiceGroup) => {
      const champion = await activeVersion(sql);
      // The champion's open signals: MANUAL, DRIFT, and PERFORMANCE from the labelled outcomes.
      expect((await a.gql(TRIGGER, { input: { reason: 'quarterly review' } })).errors).toBeUndefined();
      await raiseDrift(b, champion, 'sustained');
      await ingestLabelled(a);
      const candidate = await retrain(b, false);

      const promoted = await a.gql<{ promoteModelVersion: { version: string; status: string; promotedAt: string } }>(PROMOTE, {
        input: { version: candidate.version },
      });
      expect(promoted.errors).toBeUndefined();
      expect(promoted.data!.promoteModelVersion).toMatchObject({ version: candidate.version, status: 'ACTIVE' });

      const statuses = await sql.query(
        `SELECT version, status, retrain_required FROM model_versions WHERE version = ANY($1) ORDER BY status`,
        [[champion, candidate.version]],
      );
      expect(statuses.rows).toEqual([
        { version: candidate.version, status: 'ACTIVE', retrain_required: false },
        { version: champion, status: 'RETIRED', retrain_required: true },
      ]);
      const all = await events(a, 10);
      // MANUAL, DRIFT and the PERFORMANCE signal the concept-drifted outcomes raised for the champion.
      expect(all.edges.map((e) => e.node.cause).sort()).toEqual(['DRIFT', 'MANUAL', 'PERFORMANCE']);
      expect(all.edges.map((e) => e.node.status)).toEqual(['RESOLVED', 'RESOLVED', 'RESOLVED']);
      all.edges.forEach((e) => expect(e.node.details).toMatchObject({ resolvedBy: 'promotion', promotedVersion: candidate.version }));

      // Instance b never saw the promotion call: its health check already names the new version...
      const healthOnB = (await (await fetch(`${b.url}/health`)).json()) as { model: { version: string } };
      expect(healthOnB.model.version).toBe(candidate.version);
      // ...and its next batch is scored by it.
      const scoredOnB = await b.gql<{ ingestBatch: { modelVersion: string } }>(INGEST, {
        input: { batchId: 'after-promotion', records: generateRows(loadProfile(), 5, { seed: 3 }) },
      });
      expect(scoredOnB.data!.ingestBatch.modelVersion).toBe(candidate.version);

      // A restart with the old artifact at MODEL_PATH keeps the promoted version.
      const restarted = await startTestService(databaseUrl, env());
      try {
        const scored = await restarted.gql<{ ingestBatch: { modelVersion: string } }>(INGEST, {
          input: { batchId: 'after-restart', records: generateRows(loadProfile(), 5, { seed: 4 }) },
        });
        expect(scored.data!.ingestBatch.modelVersion).toBe(candidate.version);
      } finally {
        await restarted.close();
      }
      expect((await sql.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`)).rows).toEqual([
        { version: candidate.version },
      ]);
    }));
});

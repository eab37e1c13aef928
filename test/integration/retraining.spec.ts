import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { generateRows, loadProfile } from '../../datasets/generator';
import { RetrainingEventsService } from '../../src/retraining/retraining-events.service';
import { createTestDatabase, sqlClient } from '../support/database';
import { generatedCsvFolder } from '../support/generated-data';
import { startTestService, TestService } from '../support/service';

jest.setTimeout(120_000);

const INGEST = `mutation($input: IngestBatchInput!) { ingestBatch(input: $input) { batchId modelVersion } }`;
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
  comparison: { championVersion: string; holdoutRows: number; trainingRows: number; trainingDataRows: number; challenger: Metrics; champion: Metrics };
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

describe('retraining signals, challenger training and promotion (real PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: TestService;
  let b: TestService;
  let sql: Client;
  let champion: string;
  let candidate: Candidate;
  const data = generatedCsvFolder(4_000, 501);
  const env = () => ({ BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });
  const range = () => ({ fromDate: new Date(Date.now() - 3_600_000).toISOString(), toDate: new Date(Date.now() + 3_600_000).toISOString() });

  async function events(first?: number, after?: string) {
    const response = await a.gql<{ retrainingEvents: { totalCount: number; edges: Array<{ cursor: string; node: EventNode }>; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      EVENTS,
      { first, after },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.retrainingEvents;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestService(db.url, env());
    b = await startTestService(db.url, env());
    sql = await sqlClient(db.url);
    champion = (await sql.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`)).rows[0].version;
  });

  afterAll(async () => {
    await sql?.end();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a manual trigger opens one event per model version and cause and marks the model retrainRequired', async () => {
    const first = await a.gql<{ triggerRetraining: EventNode }>(TRIGGER, { input: { reason: 'quarterly review' } });
    expect(first.data!.triggerRetraining).toMatchObject({ modelVersion: champion, cause: 'MANUAL', status: 'OPEN', reason: 'quarterly review' });
    const again = await b.gql<{ triggerRetraining: EventNode }>(TRIGGER, { input: { reason: 'asked twice' } });
    expect(again.data!.triggerRetraining.id).toBe(first.data!.triggerRetraining.id);
    const model = await sql.query(`SELECT retrain_required, retrain_reason FROM model_versions WHERE version = $1`, [champion]);
    expect(model.rows[0]).toEqual({ retrain_required: true, retrain_reason: 'MANUAL: quarterly review' });

    const empty = await a.gql(TRIGGER, { input: { reason: '  ' } });
    expect(empty.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('automatic signals deduplicate per (model version, cause), also when raised concurrently on two instances', async () => {
    const raise = (service: TestService, reason: string) =>
      service.app.get(DataSource).transaction((manager) =>
        service.app.get(RetrainingEventsService).raise(manager, { modelVersion: champion, cause: 'DRIFT', reason, details: { by: reason } }),
      );
    const raised = await Promise.all([raise(a, 'one'), raise(b, 'two')]);
    expect(raised.map((r) => r.created).sort()).toEqual([false, true]);
    expect(raised[0].event.id).toBe(raised[1].event.id);
    const page1 = await events(1);
    expect(page1.totalCount).toBe(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await events(5, page1.pageInfo.endCursor);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect([...page1.edges, ...page2.edges].map((e) => e.node.cause).sort()).toEqual(['DRIFT', 'MANUAL']);
  });

  it('retrainModel refuses a range without enough labelled logs', async () => {
    const response = await a.gql(RETRAIN, { input: { ...range(), includeTrainingData: false } });
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/labelled prediction rows/);
  });

  it('trains a challenger on labelled logs and evaluates it against the champion on the same holdout', async () => {
    // Outcomes follow a changed label model (concept drift): the champion is miscalibrated there.
    const rows = generateRows(loadProfile(), 4_000, { seed: 77, scenario: 'concept_drift', idPrefix: 'rt' });
    for (let i = 0; i < 4; i++) {
      const response = await a.gql(INGEST, { input: { batchId: `labelled-${i}`, records: rows.slice(i * 1_000, (i + 1) * 1_000) } });
      expect(response.errors).toBeUndefined();
    }
    const response = await b.gql<{ retrainModel: Candidate }>(RETRAIN, { input: { ...range(), includeTrainingData: false } });
    expect(response.errors).toBeUndefined();
    candidate = response.data!.retrainModel;
    expect(candidate).toMatchObject({ status: 'CANDIDATE' });
    expect(candidate.version).not.toBe(champion);
    expect(candidate.comparison).toMatchObject({ championVersion: champion, holdoutRows: 1_000, trainingRows: 3_000, trainingDataRows: 0 });
    const { challenger, champion: old } = candidate.comparison;
    expect(challenger.brier).toBeLessThan(old.brier);
    expect(challenger.logLoss).toBeLessThan(old.logLoss);
    expect(challenger.rocAuc).toBeGreaterThan(0.55);

    const stored = await sql.query(`SELECT status, artifact->>'modelVersion' AS version, metrics ? 'challenger' AS compared FROM model_versions WHERE version = $1`, [candidate.version]);
    expect(stored.rows[0]).toEqual({ status: 'CANDIDATE', version: candidate.version, compared: true });
  });

  it('the same request returns the same candidate; includeTrainingData adds the reference data', async () => {
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

  it('promotion makes the candidate ACTIVE, retires the champion, resolves its events, and switches scoring on every instance', async () => {
    const promoted = await a.gql<{ promoteModelVersion: { version: string; status: string; promotedAt: string } }>(PROMOTE, { input: { version: candidate.version } });
    expect(promoted.errors).toBeUndefined();
    expect(promoted.data!.promoteModelVersion).toMatchObject({ version: candidate.version, status: 'ACTIVE' });

    const statuses = await sql.query(`SELECT version, status, retrain_required FROM model_versions WHERE version = ANY($1) ORDER BY status`, [[champion, candidate.version]]);
    expect(statuses.rows).toEqual([
      { version: candidate.version, status: 'ACTIVE', retrain_required: false },
      { version: champion, status: 'RETIRED', retrain_required: true },
    ]);
    const all = await events(10);
    // MANUAL, DRIFT and the PERFORMANCE signal the concept-drifted outcomes raised for the champion.
    expect(all.edges.map((e) => e.node.status)).toEqual(['RESOLVED', 'RESOLVED', 'RESOLVED']);
    all.edges.forEach((e) => expect(e.node.details).toMatchObject({ resolvedBy: 'promotion', promotedVersion: candidate.version }));

    // Instance b never saw the promotion call: its health check already names the new version...
    const healthOnB = (await (await fetch(`${b.url}/health`)).json()) as { model: { version: string } };
    expect(healthOnB.model.version).toBe(candidate.version);
    // ...and its next batch is scored by it.
    const scoredOnB = await b.gql<{ ingestBatch: { modelVersion: string } }>(INGEST, { input: { batchId: 'after-promotion', records: generateRows(loadProfile(), 5, { seed: 3 }) } });
    expect(scoredOnB.data!.ingestBatch.modelVersion).toBe(candidate.version);

    // A restart with the old artifact at MODEL_PATH keeps the promoted version.
    const restarted = await startTestService(db.url, env());
    try {
      const scored = await restarted.gql<{ ingestBatch: { modelVersion: string } }>(INGEST, { input: { batchId: 'after-restart', records: generateRows(loadProfile(), 5, { seed: 4 }) } });
      expect(scored.data!.ingestBatch.modelVersion).toBe(candidate.version);
    } finally {
      await restarted.close();
    }
    expect((await sql.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`)).rows).toEqual([{ version: candidate.version }]);
  });

  it('promotion errors are typed: unknown version NOT_FOUND, the fallback CONFLICT; promoting the active one is a no-op', async () => {
    const unknown = await a.gql(PROMOTE, { input: { version: 'no-such-version' } });
    expect(unknown.errors![0].extensions!.code).toBe('NOT_FOUND');
    await sql.query(`INSERT INTO model_versions (version, kind, status) VALUES ('fallback-rules-v1', 'fallback', 'RETIRED') ON CONFLICT DO NOTHING`);
    const fallback = await a.gql(PROMOTE, { input: { version: 'fallback-rules-v1' } });
    expect(fallback.errors![0].extensions!.code).toBe('CONFLICT');
    const same = await a.gql<{ promoteModelVersion: { status: string } }>(PROMOTE, { input: { version: candidate.version } });
    expect(same.data!.promoteModelVersion.status).toBe('ACTIVE');

    const listed = await a.gql<{ modelVersions: { totalCount: number; edges: Array<{ node: { version: string; status: string } }> } }>(
      `{ modelVersions(first: 10) { totalCount edges { node { version status } } } }`,
    );
    expect(listed.data!.modelVersions.edges.filter((e) => e.node.status === 'ACTIVE')).toEqual([{ node: { version: candidate.version, status: 'ACTIVE' } }]);
  });
});

import { TestingModuleBuilder } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from 'typeorm';
import { loadArtifact } from '../../src/model/artifact';
import { FeatureRecord, toColumns } from '../../src/model/features';
import { fitMasterScale, gradeOf } from '../../src/model/master-scale';
import { artifactScorer, loadScorer, ratingGrade } from '../../src/model/scorer';
import { PREDICTION_INSERT_CHUNK, PredictionLogWriter, PredictionRows } from '../../src/prediction-logs/prediction-log.writer';
import { application, applications, INGEST_MUTATION } from '../support/applications';
import { startTestService } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';
import { withServices } from '../support/services';

interface IngestResult {
  ingestBatch: {
    batchId: string;
    size: number;
    modelVersion: string;
    scoredWith: string;
    replayed: boolean;
    performanceTracked: boolean;
    warnings: string[];
    predictions: Array<{ customerId: string; probability: number; riskLabel: string; grade: number | null }>;
    dataQuality: Record<string, number>;
  };
}

describe('ingestBatch (real PostgreSQL)', () => {
  const fixture = useServiceFixture({ MAX_BATCH_SIZE: '20000' });

  async function counts(): Promise<{ batches: number; predictions: number }> {
    const result = await fixture.sql.query(
      `SELECT (SELECT count(*) FROM batches)::int AS batches, (SELECT count(*) FROM prediction_logs)::int AS predictions`,
    );
    return result.rows[0];
  }

  it("stores a valid batch and returns the model's predictions in request order", async () => {
    const records = applications(25);
    records[3].actualDefault = true;
    const response = await fixture.service.gql<IngestResult>(INGEST_MUTATION, {
      input: { batchId: 'valid-1', metadata: { source: 'test' }, records },
    });
    expect(response.errors).toBeUndefined();
    const payload = response.data!.ingestBatch;
    expect(payload.batchId).toBe('valid-1');
    expect(payload.size).toBe(25);
    expect(payload.replayed).toBe(false);
    expect(payload.performanceTracked).toBe(true);
    expect(payload.dataQuality).toMatchObject({
      rowCount: 25,
      duplicateCustomerIds: 0,
      duplicateRows: 0,
      missingValues: 24,
      invalidValues: 0,
    });

    const { scorer } = loadScorer('artifacts/model.json');
    const expected = scorer.score(toColumns(records as unknown as FeatureRecord[]));
    expect(payload.modelVersion).toBe(scorer.modelVersion);
    expect(payload.scoredWith).toBe(scorer.kind.toUpperCase());
    // The shipped artifact has a master scale: every prediction has a grade on it.
    expect(scorer.masterScale).not.toBeNull();
    payload.predictions.forEach((prediction, i) => {
      expect(prediction.customerId).toBe(`cust-${i}`);
      expect(prediction.probability).toBe(expected[i]);
      expect(['LOW', 'MEDIUM', 'HIGH']).toContain(prediction.riskLabel);
      expect(prediction.grade).not.toBeNull();
      expect(prediction.grade).toBe(ratingGrade(expected[i], scorer.masterScale));
    });

    const stored = await fixture.sql.query(
      `SELECT p.row_index, p.customer_id, p.probability, p.grade, p.actual_default, p.age, p.annual_income, b.metadata
       FROM prediction_logs p JOIN batches b ON b.id = p.batch_id WHERE b.batch_id = 'valid-1' ORDER BY p.row_index`,
    );
    expect(stored.rows).toHaveLength(25);
    expect(stored.rows[3]).toMatchObject({
      customer_id: 'cust-3',
      actual_default: true,
      age: records[3].age,
      annual_income: records[3].annualIncome,
    });
    expect(stored.rows[0].actual_default).toBeNull();
    expect(stored.rows.map((r) => r.probability)).toEqual(Array.from(expected));
    expect(stored.rows.map((r) => r.grade)).toEqual(payload.predictions.map((p) => p.grade));
    expect(stored.rows[0].metadata).toEqual({ source: 'test' });
  });

  it('reports duplicates in the data-quality summary without rejecting the batch', async () => {
    const records = [application(1), application(1), application(2, { customerId: 'cust-1' })];
    const response = await fixture.service.gql<IngestResult>(INGEST_MUTATION, { input: { batchId: 'dups', records } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.ingestBatch.dataQuality).toMatchObject({ duplicateCustomerIds: 2, duplicateRows: 1 });
    expect(response.data!.ingestBatch.warnings.join(' ')).toMatch(/repeat a customerId/);
  });

  describe('rejects bad input with BAD_USER_INPUT naming record, field and rule, writing nothing', () => {
    const cases: Array<[string, Record<string, unknown>, { index: number | null; field: string; rule: RegExp }]> = [
      ['an empty batch', { records: [] }, { index: null, field: 'records', rule: /at least one/ }],
      ['an out-of-range age', { records: [application(0), application(1, { age: 17 })] }, { index: 1, field: 'age', rule: /18 to 100/ }],
      [
        'a ratio above 1',
        { records: [application(0, { debtToIncome: 1.5 })] },
        { index: 0, field: 'debtToIncome', rule: /between 0 and 1/ },
      ],
      ['a zero income', { records: [application(0, { annualIncome: 0 })] }, { index: 0, field: 'annualIncome', rule: /greater than 0/ }],
      ['a blank customerId', { records: [application(0, { customerId: '' })] }, { index: 0, field: 'customerId', rule: /1–64/ }],
      [
        'an unknown field',
        { records: [application(0), application(1, { favouriteColour: 'blue' })] },
        { index: 1, field: 'favouriteColour', rule: /not a known field/ },
      ],
      ['a wrong type', { records: [application(0, { age: 'forty' })] }, { index: 0, field: 'age', rule: /Int cannot represent/ }],
      [
        'a non-integer count',
        { records: [application(0, { numOpenAccounts: 2.5 })] },
        { index: 0, field: 'numOpenAccounts', rule: /Int cannot represent/ },
      ],
      ['a missing field', { records: [{ ...application(0), loanAmount: undefined }] }, { index: 0, field: 'loanAmount', rule: /required/ }],
      ['a bad batchId', { batchId: 'has spaces!', records: [application(0)] }, { index: null, field: 'batchId', rule: /1–128 characters/ }],
    ];

    it.each(cases)('%s', async (_name, input, expected) => {
      const before = await counts();
      const response = await fixture.service.gql(INGEST_MUTATION, { input });
      expect(response.data ?? null).toBeNull();
      const error = response.errors![0];
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      const problems = error.extensions?.problems as Array<{ index: number | null; field: string; rule: string }>;
      expect(problems[0]).toMatchObject({ index: expected.index, field: expected.field });
      expect(problems[0].rule).toMatch(expected.rule);
      expect(await counts()).toEqual(before);
    });

    it('Infinity (1e400 in JSON) is rejected as a non-finite Float', async () => {
      const before = await counts();
      const body = JSON.stringify({
        query: INGEST_MUTATION,
        variables: { input: { records: [application(0, { loanAmount: 12345 })] } },
      }).replace('"loanAmount":12345', '"loanAmount":1e400');
      const response = await fixture.service.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await response.json()) as {
        errors: Array<{ extensions: { code: string; problems: Array<{ field: string; index: number }> } }>;
      };
      expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(json.errors[0].extensions.problems[0]).toMatchObject({ index: 0, field: 'loanAmount' });
      expect(await counts()).toEqual(before);
    });

    it('lists every problem of a batch (capped) in one error', async () => {
      const records = applications(300).map((r) => ({ ...r, age: 5, creditUtilization: 2 }));
      const response = await fixture.service.gql(INGEST_MUTATION, { input: { records } });
      const extensions = response.errors![0].extensions!;
      expect(extensions.totalProblems).toBe(600);
      expect((extensions.problems as unknown[]).length).toBe(100);
      expect(extensions.truncated).toBe(true);
    });

    it('a batch over MAX_BATCH_SIZE', async () => {
      const before = await counts();
      const response = await fixture.service.gql(INGEST_MUTATION, { input: { records: applications(20_001) } });
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ index: null, field: 'records' }] });
      expect(await counts()).toEqual(before);
    });
  });

  it('replays the original result for the same batchId and payload, writing nothing twice', async () => {
    const input = { batchId: 'replay-1', records: applications(40, 1000) };
    const first = await fixture.service.gql<IngestResult>(INGEST_MUTATION, { input });
    const before = await counts();
    const second = await fixture.service.gql<IngestResult>(INGEST_MUTATION, { input });
    expect(second.errors).toBeUndefined();
    expect(second.data!.ingestBatch.replayed).toBe(true);
    const { replayed: _a, ...firstRest } = first.data!.ingestBatch;
    const { replayed: _b, ...secondRest } = second.data!.ingestBatch;
    expect(secondRest).toEqual(firstRest);
    expect(await counts()).toEqual(before);
  });

  it('answers CONFLICT for the same batchId with a different payload', async () => {
    await fixture.service.gql(INGEST_MUTATION, { input: { batchId: 'conflict-1', records: applications(5) } });
    const before = await counts();
    const response = await fixture.service.gql(INGEST_MUTATION, { input: { batchId: 'conflict-1', records: applications(6) } });
    expect(response.errors![0].extensions).toMatchObject({ code: 'CONFLICT', batchId: 'conflict-1' });
    expect(await counts()).toEqual(before);
  });

  it('ingests 20 concurrent identical requests exactly once', async () => {
    const input = { batchId: 'concurrent-1', records: applications(500, 5000) };
    const responses = await Promise.all(Array.from({ length: 20 }, () => fixture.service.gql<IngestResult>(INGEST_MUTATION, { input })));
    responses.forEach((r) => expect(r.errors).toBeUndefined());
    expect(responses.filter((r) => !r.data!.ingestBatch.replayed)).toHaveLength(1);
    const stored = await fixture.sql.query(
      `SELECT count(*)::int AS n FROM prediction_logs p JOIN batches b ON b.id = p.batch_id WHERE b.batch_id = 'concurrent-1'`,
    );
    expect(stored.rows[0].n).toBe(500);
    const probabilities = responses.map((r) => r.data!.ingestBatch.predictions.map((p) => p.probability));
    probabilities.forEach((p) => expect(p).toEqual(probabilities[0]));
  });

  it('stores a batch needing more than 65,535 bind parameters (15,000 records x 17 columns) atomically', async () => {
    const records = applications(15_000, 100_000);
    const response = await fixture.service.gql<IngestResult>(INGEST_MUTATION, { input: { batchId: 'large-1', records } });
    expect(response.errors).toBeUndefined();
    const stored = await fixture.sql.query(
      `SELECT count(*)::int AS n, min(row_index) AS lo, max(row_index) AS hi FROM prediction_logs p
       JOIN batches b ON b.id = p.batch_id WHERE b.batch_id = 'large-1'`,
    );
    expect(stored.rows[0]).toEqual({ n: 15_000, lo: 0, hi: 14_999 });
  });

  it('serves batch, batches (cursor pages) and predictions queries', async () => {
    // Its own batches: the one it reads back, and two more so the listing has several pages.
    for (const [batchId, records] of [
      ['queried-1', applications(25)],
      ['queried-2', applications(3, 200)],
      ['queried-3', applications(3, 300)],
    ] as const) {
      const ingested = await fixture.service.gql(INGEST_MUTATION, { input: { batchId, metadata: { source: 'test' }, records } });
      expect(ingested.errors).toBeUndefined();
    }
    const one = await fixture.service.gql<{ batch: { batchId: string; size: number; metadata: unknown } }>(
      `{ batch(batchId: "queried-1") { batchId size metadata } }`,
    );
    expect(one.data!.batch).toEqual({ batchId: 'queried-1', size: 25, metadata: { source: 'test' } });

    const missing = await fixture.service.gql(`{ batch(batchId: "nope") { batchId } }`);
    expect(missing.errors![0].extensions?.code).toBe('NOT_FOUND');

    const seen: string[] = [];
    let after: string | null = null;
    let total: number;
    for (;;) {
      const page: {
        data?: {
          batches: {
            totalCount: number;
            edges: Array<{ node: { batchId: string } }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        };
      } = await fixture.service.gql(
        `query($after: String) { batches(first: 2, after: $after) { totalCount edges { cursor node { batchId } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      total = page.data!.batches.totalCount;
      seen.push(...page.data!.batches.edges.map((e) => e.node.batchId));
      if (!page.data!.batches.pageInfo.hasNextPage) break;
      after = page.data!.batches.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);

    const predictions = await fixture.service.gql<{
      predictions: { totalCount: number; edges: Array<{ node: { customerId: string } }>; pageInfo: { endCursor: string } };
    }>(`{ predictions(batchId: "queried-1", first: 10) { totalCount edges { node { customerId } } pageInfo { endCursor } } }`);
    expect(predictions.data!.predictions.totalCount).toBe(25);
    expect(predictions.data!.predictions.edges.map((e) => e.node.customerId)).toEqual(applications(10).map((r) => r.customerId));
    const next = await fixture.service.gql<{ predictions: { edges: Array<{ node: { customerId: string } }> } }>(
      `query($after: String) { predictions(batchId: "queried-1", first: 10, after: $after) { edges { node { customerId } } } }`,
      { after: predictions.data!.predictions.pageInfo.endCursor },
    );
    expect(next.data!.predictions.edges[0].node.customerId).toBe('cust-10');
  });

  it('answers an oversized body with a JSON 413 naming the limit', async () => {
    const small = await startTestService(fixture.databaseUrl, { MAX_BATCH_SIZE: '10' });
    try {
      const response = await small.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: INGEST_MUTATION, variables: { input: { records: applications(8000) } } }),
      });
      expect(response.status).toBe(413);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      expect(body.errors[0].message).toMatch(/MAX_BATCH_SIZE=10/);
    } finally {
      await small.close();
    }
  });

  it('a forged cursor is BAD_USER_INPUT naming the after argument', async () => {
    const forged = Buffer.from(JSON.stringify(['not-a-uuid'])).toString('base64url');
    for (const query of [
      `query($after: String) { batches(first: 2, after: $after) { totalCount } }`,
      `query($after: String) { driftReports(first: 2, after: $after) { totalCount } }`,
    ]) {
      const response = await fixture.service.gql(query, { after: forged });
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'after' }] });
    }
  });

  it('holds HTTP queries to the depth and complexity limits', async () => {
    const limited = await startTestService(fixture.databaseUrl, { GRAPHQL_MAX_COMPLEXITY: '50', GRAPHQL_MAX_DEPTH: '5' });
    try {
      const costly = await limited.gql(`{ batches(first: 100) { edges { node { batchId size } } } }`);
      expect(costly.errors![0].message).toMatch(/complexity \d+ exceeds the maximum of 50/);
      const deep = await limited.gql(`{ batches(first: 1) { edges { node { drift { features { feature } } } } } }`);
      expect(deep.errors![0].message).toMatch(/depth \d+ exceeds the maximum of 5/);
      const fine = await limited.gql(`{ batches(first: 5) { totalCount } }`);
      expect(fine.errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  it('GET /health is open and tells only status, database reachability and the model version', async () => {
    const response = await fetch(`${fixture.service.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: { reachable: boolean }; model: { version: string } };
    expect(body).toEqual({
      status: 'ok',
      database: { reachable: true },
      model: { version: loadScorer('artifacts/model.json').scorer.modelVersion },
    });
  });
});

describe('rating grades with a master scale in the artifact', () => {
  it('every prediction carries its grade over GraphQL, and the stored prediction_logs row has the same grade', async () => {
    const records = applications(60, 700);
    // The shipped artifact with a scale fitted on this batch's own scores (so it spreads over
    // every grade), under a version of its own: a new artifact becomes the ACTIVE one at start.
    const artifact = loadArtifact('artifacts/model.json');
    delete artifact.masterScale;
    const scores = artifactScorer(artifact).score(toColumns(records as unknown as FeatureRecord[]));
    const masterScale = fitMasterScale(scores, 5);
    const graded = { ...artifact, modelVersion: `${artifact.modelVersion}-graded`, masterScale };
    const dir = mkdtempSync(join(tmpdir(), 'graded-artifact-'));
    const path = join(dir, 'model.json');
    writeFileSync(path, JSON.stringify(graded));
    try {
      await withServices(1, { MODEL_PATH: path }, async ({ services: [service], sql }) => {
        const response = await service.gql<IngestResult>(INGEST_MUTATION, { input: { batchId: 'graded-1', records } });
        expect(response.errors).toBeUndefined();
        const payload = response.data!.ingestBatch;
        expect(payload.modelVersion).toBe(graded.modelVersion);
        const expected = Array.from(scores, (p) => gradeOf(masterScale, p));
        expect(payload.predictions.map((p) => p.probability)).toEqual(Array.from(scores));
        expect(payload.predictions.map((p) => p.grade)).toEqual(expected);
        expect(new Set(expected).size).toBe(masterScale.grades.length);

        const stored = await sql.query(
          `SELECT p.grade FROM prediction_logs p JOIN batches b ON b.id = p.batch_id WHERE b.batch_id = 'graded-1' ORDER BY p.row_index`,
        );
        expect(stored.rows.map((r) => r.grade)).toEqual(expected);

        // A replay and the predictions query answer the stored grades.
        const replay = await service.gql<IngestResult>(INGEST_MUTATION, { input: { batchId: 'graded-1', records } });
        expect(replay.data!.ingestBatch.replayed).toBe(true);
        expect(replay.data!.ingestBatch.predictions.map((p) => p.grade)).toEqual(expected);
        const page = await service.gql<{ predictions: { edges: Array<{ node: { customerId: string; grade: number | null } }> } }>(
          `{ predictions(batchId: "graded-1", first: 100) { edges { node { customerId grade } } } }`,
        );
        expect(page.data!.predictions.edges.map((e) => e.node.grade)).toEqual(expected);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ingestBatch failure handling', () => {
  // Each test counts every row of its database, so each has a database (and service) of its own.
  it('a failure after half the rows are inserted leaves zero rows', async () => {
    let chunksWritten = 0;
    class FailingWriter extends PredictionLogWriter {
      protected override async insertChunk(manager: EntityManager, rows: PredictionRows, start: number, end: number): Promise<void> {
        if (chunksWritten === 1) throw new Error('injected failure after the first half');
        await super.insertChunk(manager, rows, start, end);
        chunksWritten++;
      }
    }
    const customize = (builder: TestingModuleBuilder) => builder.overrideProvider(PredictionLogWriter).useClass(FailingWriter);
    await withServices(
      1,
      {},
      async ({ services: [service], sql }) => {
        const response = await service.gql(INGEST_MUTATION, {
          input: { batchId: 'half', records: applications(2 * PREDICTION_INSERT_CHUNK) },
        });
        expect(chunksWritten).toBe(1);
        expect(response.errors![0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        const rows = await sql.query(`SELECT (SELECT count(*) FROM batches)::int AS b, (SELECT count(*) FROM prediction_logs)::int AS p`);
        expect(rows.rows[0]).toEqual({ b: 0, p: 0 });
      },
      { customize },
    );
  });

  it('scores with the rule-based fallback, and says so, when the artifact is missing', () =>
    withServices(1, { MODEL_PATH: 'artifacts/does-not-exist.json' }, async ({ services: [service], sql }) => {
      const response = await service.gql<IngestResult>(INGEST_MUTATION, { input: { batchId: 'fallback-1', records: applications(5) } });
      expect(response.errors).toBeUndefined();
      expect(response.data!.ingestBatch.scoredWith).toBe('FALLBACK');
      expect(response.data!.ingestBatch.modelVersion).toBe('fallback-rules-v1');
      // The rule-based fallback has no master scale: no grades.
      expect(response.data!.ingestBatch.predictions.map((p) => p.grade)).toEqual([null, null, null, null, null]);
      const stored = await sql.query(`SELECT DISTINCT scored_with, model_version, grade FROM prediction_logs`);
      expect(stored.rows).toEqual([{ scored_with: 'fallback', model_version: 'fallback-rules-v1', grade: null }]);
      const health = (await (await fetch(`${service.url}/health`)).json()) as { model: { version: string } };
      expect(health.model.version).toBe('fallback-rules-v1');
    }));
});

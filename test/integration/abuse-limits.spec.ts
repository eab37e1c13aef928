import { DataSource } from 'typeorm';
import { generateRows, loadProfile } from '../../datasets/generator';
import { applications, ingestMutation } from '../support/applications';
import { createTestDatabase } from '../support/database';
import { issueKeys } from '../support/keys';
import { postGraphql, startTestService } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(180_000);

const INGEST_FIELD = `ingestBatch(input: $input) { batchId }`;

async function rowCounts(sql: { query(text: string): Promise<{ rows: Array<{ n: string }> }> }): Promise<number[]> {
  const counts: number[] = [];
  for (const table of ['batches', 'prediction_logs'])
    counts.push(Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
  return counts;
}

/** The abuses found by trying the service as an attacker would, each refused before any work. */
describe('abuse limits (real service, real PostgreSQL)', () => {
  const fixture = useServiceFixture({ DB_STATEMENT_TIMEOUT_MS: '45000', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '30000' });

  it('one request with 20 aliased ingestBatch fields is BAD_USER_INPUT and writes nothing', async () => {
    const before = await rowCounts(fixture.sql);
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: ${INGEST_FIELD}`).join('\n');
    const response = await fixture.service.gql(`mutation($input: IngestBatchInput!) { ${aliases} }`, {
      input: { records: applications(100) },
    });
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/exactly one mutation field \(found 20/);
    expect(await rowCounts(fixture.sql)).toEqual(before);
  });

  it('two mutations hidden in a fragment on Mutation are refused too', async () => {
    const before = await rowCounts(fixture.sql);
    const response = await fixture.service.gql(
      `mutation($input: IngestBatchInput!) { ...Twice } fragment Twice on Mutation { x: ${INGEST_FIELD} y: ${INGEST_FIELD} }`,
      { input: { batchId: 'fragment-twice', records: applications(10) } },
    );
    expect(response.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await rowCounts(fixture.sql)).toEqual(before);
  });

  it('1,000 aliased performanceHistory fields (a 130 KB query) are refused before any SQL runs', async () => {
    const aliases = Array.from(
      { length: 1_000 },
      (_, i) =>
        `h${i}: performanceHistory(from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", window: DAY) { modelVersion rowCount windowStart }`,
    ).join('\n');
    const query = `{ ${aliases} }`;
    expect(query.length).toBeGreaterThan(100_000);
    const statementsBefore = await statementCount();
    const response = await fixture.service.gql(query);
    expect(response.status).toBe(400);
    // Refused by the token limit while parsing (with GRAPHQL_MAX_TOKENS raised, the root-field
    // limit and the cost below refuse it instead).
    expect(response.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.errors![0].message).toMatch(/more tha.? 10000 tokens/);
    // No SELECT on prediction_logs was started for it: the refusal came from the document alone.
    expect(await statementCount()).toBe(statementsBefore);

    // The cost reflects the rows a field reads: ten one-year histories alone exceed the budget.
    const ten = Array.from(
      { length: 10 },
      (_, i) => `h${i}: performanceHistory(from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { modelVersion }`,
    ).join(' ');
    const costly = await fixture.service.gql(`{ ${ten} }`);
    expect(costly.errors![0].message).toMatch(/complexity \d+ exceeds the maximum/);
    const one = await fixture.service.gql(
      `{ performanceHistory(from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { modelVersion } }`,
    );
    expect(one.errors).toBeUndefined();
  });

  it('with the token and root-field limits lifted, the row-based cost alone refuses the 1,000 aliases', async () => {
    const lifted = await startTestService(fixture.databaseUrl, { GRAPHQL_MAX_TOKENS: '1000000', GRAPHQL_MAX_ROOT_FIELDS: '1000' });
    try {
      const aliases = Array.from(
        { length: 1_000 },
        (_, i) => `h${i}: performanceHistory(from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { modelVersion }`,
      ).join(' ');
      const statementsBefore = await statementCount();
      const response = await lifted.gql(`{ ${aliases} }`);
      expect(response.errors![0].message).toMatch(/complexity \d+ exceeds the maximum of 100000/);
      expect(await statementCount()).toBe(statementsBefore);
    } finally {
      await lifted.close();
    }
  });

  /**
   * Scans of prediction_logs so far (of its partitions: the partitioned parent itself is never
   * scanned). PostgreSQL publishes backends' table counters with up to a second's delay, so the
   * count is read until it has stayed the same across a publishing interval: scans from earlier
   * tests cannot land inside the window a test measures.
   */
  async function statementCount(): Promise<number> {
    const read = async (): Promise<number> => {
      await fixture.sql.query(`SELECT pg_stat_clear_snapshot()`);
      const { rows } = await fixture.sql.query(
        `SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0) AS n FROM pg_stat_user_tables
         WHERE relid IN (SELECT relid FROM pg_partition_tree('prediction_logs'))`,
      );
      return Number(rows[0]?.n ?? 0);
    };
    let previous = await read();
    for (let attempt = 0; attempt < 10; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const current = await read();
      if (current === previous) return current;
      previous = current;
    }
    return previous;
  }

  it('a document of 100,000 aliases is a 400 at parse time, not an internal error', async () => {
    const query = `{ ${Array.from({ length: 100_000 }, (_, i) => `a${i}: me { name }`).join(' ')} }`;
    const response = await fixture.service.gql(query);
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions!.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(response.errors![0].message).toMatch(/more tha.? 10000 tokens/);
  });

  it('more root fields than GRAPHQL_MAX_ROOT_FIELDS in a query are refused', async () => {
    const response = await fixture.service.gql(`{ ${Array.from({ length: 21 }, (_, i) => `m${i}: me { name }`).join(' ')} }`);
    expect(response.status).toBe(400);
    expect(response.errors![0].message).toMatch(/at most 20 root fields/);
  });

  it('a subscription sent over HTTP POST is a 400, not INTERNAL_SERVER_ERROR', async () => {
    const response = await fixture.service.gql(`subscription { alertChanged { id } }`);
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/graphql-ws/);
  });

  it('the pool runs with statement_timeout and idle_in_transaction_session_timeout', async () => {
    const dataSource = fixture.service.app.get(DataSource);
    const [statement] = await dataSource.query(`SHOW statement_timeout`);
    const [idle] = await dataSource.query(`SHOW idle_in_transaction_session_timeout`);
    expect(statement.statement_timeout).toBe('45s');
    expect(idle.idle_in_transaction_session_timeout).toBe('30s');
  });

  it('the x-actor header means nothing: the audit trail and events record the authenticated principal', async () => {
    const response = await fixture.service.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-actor': 'risk-officer' },
      body: JSON.stringify({ query: `mutation { triggerRetraining(input: { reason: "forged actor check" }) { id } }` }),
    });
    expect(response.status).toBe(200);
    const { rows } = await fixture.sql.query(
      `SELECT principal FROM audit_log WHERE action = 'Mutation.triggerRetraining' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0].principal).toBe(fixture.service.adminKey.name);
  });
});

describe('model poisoning: four-eyes promotion', () => {
  const fixture = useServiceFixture({ RETRAIN_MIN_LABELLED_ROWS: '200' });

  it('400 records with inverted labels, retrained and promoted by the same model-admin → FORBIDDEN; a second model-admin may promote; the audit log names both', async () => {
    const ingest = await fixture.service.issueKey('ingest');
    const mallory = await fixture.service.issueKey('model-admin', { name: 'mallory' });
    const reviewer = await fixture.service.issueKey('model-admin', { name: 'independent-reviewer' });
    const rows = generateRows(loadProfile(), 400, { seed: 13, idPrefix: 'poison' }).map((row) => ({
      ...row,
      actualDefault: !row.actualDefault,
    }));
    const ingested = await fixture.service.gql(ingestMutation('batchId'), { input: { batchId: 'poison', records: rows } }, ingest);
    expect(ingested.errors).toBeUndefined();
    const range = { fromDate: new Date(Date.now() - 3_600_000).toISOString(), toDate: new Date(Date.now() + 3_600_000).toISOString() };

    const retrained = await fixture.service.gql<{ retrainModel: { version: string; trainedBy: string } }>(
      `mutation($input: RetrainModelInput!) { retrainModel(input: $input) { version trainedBy } }`,
      { input: range },
      mallory,
    );
    expect(retrained.errors).toBeUndefined();
    const candidate = retrained.data!.retrainModel;
    expect(candidate.trainedBy).toBe('mallory');

    const PROMOTE = `mutation($input: PromoteModelVersionInput!) { promoteModelVersion(input: $input) { version status trainedBy promotedBy } }`;
    const selfPromoted = await fixture.service.gql(PROMOTE, { input: { version: candidate.version } }, mallory);
    expect(selfPromoted.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(selfPromoted.errors![0].message).toMatch(/trained by 'mallory'.*independent approver.*four-eyes/);
    const active = await fixture.sql.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`);
    expect(active.rows[0].version).not.toBe(candidate.version);

    const promoted = await fixture.service.gql<{ promoteModelVersion: Record<string, string> }>(
      PROMOTE,
      { input: { version: candidate.version } },
      reviewer,
    );
    expect(promoted.errors).toBeUndefined();
    expect(promoted.data!.promoteModelVersion).toEqual({
      version: candidate.version,
      status: 'ACTIVE',
      trainedBy: 'mallory',
      promotedBy: 'independent-reviewer',
    });

    const audit = await fixture.sql.query(
      `SELECT principal, action, outcome, target->>'modelVersion' AS version FROM audit_log
       WHERE action IN ('Mutation.retrainModel', 'Mutation.promoteModelVersion') ORDER BY id`,
    );
    expect(audit.rows).toEqual([
      { principal: 'mallory', action: 'Mutation.retrainModel', outcome: 'OK', version: candidate.version },
      { principal: 'mallory', action: 'Mutation.promoteModelVersion', outcome: 'FORBIDDEN', version: null },
      { principal: 'independent-reviewer', action: 'Mutation.promoteModelVersion', outcome: 'OK', version: candidate.version },
    ]);
    const trail = await fixture.service.gql<{
      auditLog: { edges: Array<{ node: { principal: string; action: string; outcome: string } }> };
    }>(`{ auditLog(first: 10, filter: { action: "Mutation.promoteModelVersion" }) { edges { node { principal action outcome } } } }`);
    expect(trail.data!.auditLog.edges.map((e) => [e.node.principal, e.node.outcome])).toEqual([
      ['independent-reviewer', 'OK'],
      ['mallory', 'FORBIDDEN'],
    ]);
  });
});

describe('production mode', () => {
  // Production refuses to expose /metrics without its scrape token (or METRICS_ENABLED=false).
  const PRODUCTION = { NODE_ENV: 'production', METRICS_TOKEN: 'abuse-limits-metrics-token' };

  it('refuses to start with no way to authenticate', async () => {
    const db = await createTestDatabase();
    try {
      await expect(startTestService(db.url, PRODUCTION)).rejects.toThrow(/No way to authenticate/);
    } finally {
      await db.drop();
    }
  });

  it('gives no field suggestions and no stack traces', async () => {
    const db = await createTestDatabase();
    const [admin] = await issueKeys(db.url, [{ role: 'admin' }]);
    const service = await startTestService(db.url, PRODUCTION);
    try {
      const typo = await postGraphql(service.url, `mutation { promoteModelVersio(input: { version: "x" }) { version } }`, undefined, admin);
      expect(typo.errors![0].message).not.toMatch(/Did you mean/);
      expect(typo.errors![0].message).toMatch(/Cannot query field "promoteModelVersio"/);
      const failing = await postGraphql(service.url, `{ batch(batchId: "none") { size } }`, undefined, admin);
      expect(failing.errors![0].extensions!.code).toBe('NOT_FOUND');
      expect(failing.errors![0].extensions!.stacktrace).toBeUndefined();
    } finally {
      await service.close();
      await db.drop();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { application, ingestMutation } from '../support/applications';
import { IssuedKey } from '../support/keys';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(120_000);

const INGEST = ingestMutation('batchId size');
const SUBMIT = `mutation($input: SubmitOutcomesInput!) { submitOutcomes(input: $input) { matchedRows labelledRows batchesRecomputed } }`;
const ERASE = `mutation($input: EraseCustomerDataInput!) {
  eraseCustomerData(input: $input) { erasureId erasedAt predictionLogs outcomes batches batchRecords auditEntries } }`;

interface Erasure {
  erasureId: string;
  erasedAt: string;
  predictionLogs: number;
  outcomes: number;
  batches: string[];
  batchRecords: number;
  auditEntries: number;
}

/**
 * eraseCustomerData through the API with real keys and a real PostgreSQL: customer X leaves no
 * trace anywhere in the database (every table's rows searched as text), customer Y and every
 * aggregate stay exactly as they were, and the erasure is audited without X.
 */
describe('eraseCustomerData (real service, real PostgreSQL)', () => {
  const fixture = useServiceFixture();
  const suffix = randomBytes(4).toString('hex');
  const X = `erase-x-${suffix}`;
  const Y = `erase-y-${suffix}`;
  const batchA = `erase-a-${suffix}`;
  // Upstream systems sometimes key a batch by the application: the key then embeds the id.
  const batchB = `loan-${X}`;
  const batchC = `erase-c-${suffix}`;
  let modelAdmin: IssuedKey;

  async function ok<T>(response: Promise<{ data?: T; errors?: unknown[] }>): Promise<T> {
    const { data, errors } = await response;
    expect(errors).toBeUndefined();
    return data!;
  }

  /** Rows of every table in the schema (a partitioned table with all its partitions) whose text contains `text`. */
  async function traces(text: string): Promise<Record<string, number>> {
    const { rows: tables } = await fixture.sql.query(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    );
    const found: Record<string, number> = {};
    for (const { name } of tables as Array<{ name: string }>) {
      const { rows } = await fixture.sql.query(`SELECT count(*)::int AS n FROM ${name} t WHERE strpos(t::text, $1) > 0`, [text]);
      if (rows[0].n > 0) found[name] = rows[0].n;
    }
    return found;
  }

  /** Everything the erasure must leave as it was: Y's predictions and outcomes, and the aggregates. */
  async function untouched(): Promise<Record<string, unknown>> {
    const digest = async (sql: string, params: unknown[] = []) => (await fixture.sql.query(sql, params)).rows[0];
    return {
      y: await digest(
        `SELECT count(*)::int AS n, md5(string_agg(p::text, '|' ORDER BY p.id)) AS sum FROM prediction_logs p WHERE customer_id = $1`,
        [Y],
      ),
      others: await digest(`SELECT count(*)::int AS n FROM prediction_logs WHERE customer_id NOT IN ($1, $2)`, [X, Y]),
      batches: await digest(
        `SELECT md5(string_agg(concat_ws(',', id, size, labelled_count, data_quality::text, warnings::text, drift_report_id, received_at, model_version), '|' ORDER BY id)) AS sum FROM batches`,
      ),
      driftReports: await digest(`SELECT md5(string_agg(d::text, '|' ORDER BY d.id)) AS sum FROM drift_reports d`),
      featureMetrics: await digest(`SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) AS sum FROM feature_drift_metrics m`),
      performance: await digest(`SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) AS sum FROM performance_metrics m`),
    };
  }

  beforeAll(async () => {
    const service = fixture.service;
    modelAdmin = await service.issueKey('model-admin');
    const ingest = (batchId: string, records: Array<Record<string, unknown>>, metadata?: Record<string, unknown>) =>
      ok(service.gql(INGEST, { input: { batchId, records, ...(metadata ? { metadata } : {}) } }));
    // A: X twice (a repeated applicant), Y, and others; metadata naming X.
    await ingest(
      batchA,
      [
        application(1, { customerId: X }),
        application(2, { customerId: Y }),
        application(3, { customerId: X }),
        application(4),
        application(5),
      ],
      { source: 'branch-7', applicants: [X, 'someone-else'], [`note-${X}`]: 'keyed by the applicant' },
    );
    // B: keyed by X's application; X's record arrives with its outcome already known.
    await ingest(batchB, [application(6, { customerId: X, actualDefault: true }), application(7, { customerId: Y, actualDefault: false })]);
    // C: Y only, and a customer whose id merely starts like X's (another person).
    await ingest(batchC, [application(8, { customerId: Y }), application(9, { customerId: `${X}0` })]);
    const observedAt = new Date().toISOString();
    await ok(
      service.gql(SUBMIT, {
        input: {
          outcomes: [
            { customerId: X, batchId: batchA, actualDefault: true, observedAt },
            { customerId: Y, batchId: batchA, actualDefault: false, observedAt },
            { customerId: Y, batchId: batchC, actualDefault: true, observedAt },
          ],
        },
      }),
    );
    // A request traced with an id that embeds X (x-request-id is the caller's choice) ...
    const traced = await service.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `req-${X}` },
      body: JSON.stringify({ query: SUBMIT, variables: { input: { outcomes: [{ customerId: X, actualDefault: true, observedAt }] } } }),
    });
    expect(traced.status).toBe(200);
    // ... and a failed mutation whose error (recorded in the audit summary) names X.
    const failed = await service.gql(`mutation { promoteModelVersion(input: { version: "${X}" }) { version } }`);
    expect(failed.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('is refused for viewer, operator and ingest keys, which change nothing', async () => {
    const before = await traces(X);
    // X's three predictions and the one of the customer whose id starts like X's; A's metadata and B's key.
    expect(before).toMatchObject({ prediction_logs: 4, batches: 2, audit_log: expect.any(Number) });
    for (const role of ['viewer', 'operator', 'ingest'] as const) {
      const response = await fixture.service.gql(ERASE, { input: { customerId: X } }, await fixture.service.issueKey(role));
      expect({ role, code: response.errors?.[0]?.extensions?.code }).toEqual({ role, code: 'FORBIDDEN' });
    }
    expect(await traces(X)).toEqual(before);
  });

  it('refuses a customerId ingestion would refuse, naming the field and the rule', async () => {
    for (const customerId of ['', '   ', 'x'.repeat(65)]) {
      const response = await fixture.service.gql(ERASE, { input: { customerId } }, modelAdmin);
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(response.errors![0].message).toBe('Invalid input: customerId: must be 1–64 characters, not blank');
    }
  });

  it('removes every trace of X (predictions, outcomes, batch records, audit entries), keeps Y and the aggregates, and audits itself without X', async () => {
    const before = await untouched();
    const auditBefore = (await fixture.sql.query(`SELECT id, principal, role, action, outcome, occurred_at FROM audit_log ORDER BY id`))
      .rows;
    const { rows: mentioning } = await fixture.sql.query(
      `SELECT id::text FROM audit_log WHERE strpos(target::text || summary::text || coalesce(request_id, ''), $1) > 0 ORDER BY id`,
      [X],
    );
    // The ingest of batch B (its key), the traced request (its request id), the failed promotion (its error).
    expect(mentioning).toHaveLength(3);
    const profiledBatches = `SELECT count(*)::int AS n FROM batch_profiles WHERE batch_id IN (SELECT DISTINCT batch_id FROM prediction_logs WHERE customer_id = $1)`;
    const xBatches = (
      await fixture.sql.query(`SELECT array_agg(DISTINCT batch_id) AS ids FROM prediction_logs WHERE customer_id = $1`, [X])
    ).rows[0].ids as string[];
    expect((await fixture.sql.query(profiledBatches, [X])).rows[0].n).toBe(xBatches.length);

    const { eraseCustomerData: erasure } = await ok(
      fixture.service.gql<{ eraseCustomerData: Erasure }>(ERASE, { input: { customerId: X } }, modelAdmin),
    );
    const marker = `[erased:${erasure.erasureId}]`;
    // The profiles of X's batches are gone (a small batch's profile could still describe X).
    expect(
      (await fixture.sql.query(`SELECT count(*)::int AS n FROM batch_profiles WHERE batch_id = ANY($1::uuid[])`, [xBatches])).rows[0].n,
    ).toBe(0);
    expect(erasure).toEqual({
      erasureId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      erasedAt: expect.any(String),
      predictionLogs: 3,
      outcomes: 3,
      batches: [batchA, `loan-${marker}`].sort(),
      batchRecords: 2,
      auditEntries: mentioning.length,
    });

    // No trace of X in any table: prediction logs and their outcomes, batches, the audit trail, anything else.
    expect(await traces(X)).toEqual({ prediction_logs: 1 }); // the other customer whose id starts with X's ...
    expect((await fixture.sql.query(`SELECT customer_id FROM prediction_logs WHERE strpos(customer_id, $1) > 0`, [X])).rows).toEqual([
      { customer_id: `${X}0` },
    ]); // ... untouched, as is everyone else
    expect(await untouched()).toEqual(before);

    // The redacted audit rows still say who did what, when, and how it ended.
    const auditAfter = (
      await fixture.sql.query(`SELECT id, principal, role, action, outcome, occurred_at FROM audit_log WHERE id <= $1 ORDER BY id`, [
        auditBefore[auditBefore.length - 1].id,
      ])
    ).rows;
    expect(auditAfter).toEqual(auditBefore);
    const { rows: redacted } = await fixture.sql.query(
      `SELECT id::text FROM audit_log WHERE strpos(target::text || summary::text || coalesce(request_id, ''), $1) > 0 ORDER BY id`,
      [marker],
    );
    expect(redacted).toEqual(mentioning);
    const [batchRow] = (await fixture.sql.query(`SELECT metadata, payload_hash FROM batches WHERE batch_id = $1`, [batchA])).rows;
    expect(batchRow).toEqual({
      metadata: { source: 'branch-7', applicants: [marker, 'someone-else'], [`note-${marker}`]: 'keyed by the applicant' },
      payload_hash: `erased:${erasure.erasureId}`,
    });

    // The erasure's own audit entry: its id and counts, never the customer id.
    const { rows: entries } = await fixture.sql.query(
      `SELECT principal, role, target, summary, outcome, audit_log::text AS text FROM audit_log
       WHERE action = 'Mutation.eraseCustomerData' AND outcome = 'OK'`,
    );
    expect(entries).toEqual([
      {
        principal: modelAdmin.name,
        role: 'model-admin',
        target: { erasureId: erasure.erasureId },
        summary: { predictionLogs: 3, outcomes: 3, batches: 2, batchRecords: 2, auditEntries: mentioning.length },
        outcome: 'OK',
        text: expect.not.stringContaining(X),
      },
    ]);

    // A replay of a batch that lost rows cannot return its original answer: CONFLICT, nothing written.
    const replay = await fixture.service.gql(INGEST, {
      input: {
        batchId: batchA,
        records: [
          application(1, { customerId: X }),
          application(2, { customerId: Y }),
          application(3, { customerId: X }),
          application(4),
          application(5),
        ],
        metadata: { source: 'branch-7', applicants: [X, 'someone-else'], [`note-${X}`]: 'keyed by the applicant' },
      },
    });
    expect(replay.errors![0].extensions!.code).toBe('CONFLICT');
    expect((await fixture.sql.query(`SELECT count(*)::int AS n FROM prediction_logs WHERE customer_id = $1`, [X])).rows[0].n).toBe(0);
  });

  it('erasing a customer the service holds nothing of succeeds with zero counts (admin may too)', async () => {
    const { eraseCustomerData: again } = await ok(fixture.service.gql<{ eraseCustomerData: Erasure }>(ERASE, { input: { customerId: X } }));
    expect(again).toMatchObject({ predictionLogs: 0, outcomes: 0, batches: [], batchRecords: 0, auditEntries: 0 });
  });
});

import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AppConfig } from '../../src/config/app-config';
import { validateEnvironment } from '../../src/config/env.validation';
import { LOCK_KEYS } from '../../src/database/advisory-locks';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { PredictionLogWriter } from '../../src/prediction-logs/prediction-log.writer';
import { PredictionLogPartitionsRepository } from '../../src/prediction-logs/prediction-log-partitions.repository';
import { PredictionLogPartitionsService } from '../../src/prediction-logs/prediction-log-partitions.service';
import { PredictionLogsRepository } from '../../src/prediction-logs/prediction-logs.repository';
import { createTestDatabase, sqlClient } from '../support/database';
import { useMigratedDatabase } from '../support/medium-database';
import { scannedRelations } from '../support/query-plans';

/**
 * Medium tier: prediction_logs as a partitioned table on a real PostgreSQL. The conversion of a
 * populated table (and back), partition pruning of the window reads, and the maintenance job
 * (months ahead, emptying the DEFAULT partition, retention by dropping partitions). Times are far
 * from today (2030s, 2040s) so the month partitions the migration made for the real clock do not
 * interfere, except in retention, which runs on a database of its own.
 */

type Queryable = { query(sql: string, params?: unknown[]): Promise<unknown> };
const rowsOf = async <T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> => {
  const result = (await db.query(sql, params)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
};

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const utc = (iso: string) => new Date(iso);

/** The columns prediction_logs had when it was partitioned (the PartitionPredictionLogs migration copies these). */
const PARTITIONED_COLUMNS = `id, batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
  num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label, model_version,
  scored_with, actual_default, outcome_observed_at, created_at`;

/** Every column of the fully migrated table (the grade came after partitioning). */
const COLUMNS = `${PARTITIONED_COLUMNS}, grade`;

/**
 * One batch and `n` logged rows, row i at `start` + i × `step` (SQL, so it also works on the table
 * before the migration; the grade, 1 + i % 8, only once the table has it). Every third row
 * carries an outcome.
 */
async function seedRows(
  db: Queryable,
  options: { n: number; start: Date; step: string; modelVersion?: string; graded?: boolean },
): Promise<string> {
  const modelVersion = options.modelVersion ?? unique('model');
  const [batch] = await rowsOf<{ id: string }>(
    db,
    `INSERT INTO batches (batch_id, payload_hash, model_version, scored_with, size, data_quality)
     VALUES ($1, 'hash', $2, 'artifact', $3, '{}') RETURNING id`,
    [unique('batch'), modelVersion, options.n],
  );
  await db.query(
    `INSERT INTO prediction_logs (batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
       num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label, model_version, scored_with,
       actual_default, outcome_observed_at, created_at${options.graded ? ', grade' : ''})
     SELECT $1, i, 'cust-' || i, 20 + i % 50, 1000.5 * i, (i % 90) / 100.0, (i % 70) / 100.0, i % 5, i % 3, 500 + i, i % 11,
            (i % 97) / 97.0, CASE WHEN i % 2 = 0 THEN 'LOW' ELSE 'HIGH' END, $2, 'artifact',
            CASE WHEN i % 3 = 0 THEN i % 2 = 0 END, CASE WHEN i % 3 = 0 THEN $3::timestamptz + interval '90 days' END,
            $3::timestamptz + i * $4::interval${options.graded ? ', 1 + i % 8' : ''}
     FROM generate_series(0, $5::int - 1) AS i`,
    [batch.id, modelVersion, options.start, options.step, options.n],
  );
  return batch.id;
}

/** Row count and a checksum over every column (of `columns`) of every row (in id order). */
async function contents(db: Queryable, columns = COLUMNS): Promise<{ n: number; checksum: string }> {
  const [row] = await rowsOf<{ n: number; checksum: string }>(
    db,
    `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS checksum
     FROM (SELECT ${columns} FROM prediction_logs) t`,
  );
  return row;
}

/** Rows whose partition is not the one of their UTC month (the DEFAULT partition counts as wrong). */
async function misplacedRows(db: Queryable): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM prediction_logs
     WHERE tableoid::regclass::text <> 'prediction_logs_p' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMM')`,
  );
  return row.n;
}

async function partitionsOf(db: Queryable): Promise<string[]> {
  const rows = await rowsOf<{ name: string }>(
    db,
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'prediction_logs'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

const relkind = async (db: Queryable): Promise<string> =>
  (await rowsOf<{ relkind: string }>(db, `SELECT relkind FROM pg_class WHERE oid = 'prediction_logs'::regclass`))[0].relkind;

const indexDefinitions = async (db: Queryable): Promise<string[]> =>
  (await rowsOf<{ def: string }>(db, `SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'prediction_logs' ORDER BY indexname`)).map(
    (r) => r.def,
  );

function config(env: Record<string, string> = {}): AppConfig {
  return new AppConfig(validateEnvironment({ NODE_ENV: 'test', ...env }));
}

describe('PartitionPredictionLogs migration on a populated table', () => {
  const through = (name: string) => MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === name) + 1);

  it('keeps every row, puts each in the partition of its month, and down() restores the plain table with the rows', async () => {
    const db = await createTestDatabase();
    const before = new DataSource({ ...dataSourceOptions(db.url, 2), migrations: through('DriftEffectSize1764800000000') });
    const after = new DataSource({ ...dataSourceOptions(db.url, 2), migrations: through('PartitionPredictionLogs1764900000000') });
    let sql: Client | undefined;
    try {
      await before.initialize();
      await before.runMigrations({ transaction: 'each' });
      await before.destroy();
      sql = await sqlClient(db.url);
      const plainIndexes = await indexDefinitions(sql);

      // Several months, rows on both sides of a month boundary, one far-future row, and today's.
      await seedRows(sql, { n: 40, start: utc('2025-01-15T00:00:00Z'), step: '1 day' });
      await seedRows(sql, { n: 3, start: utc('2025-03-31T23:59:59.998Z'), step: '1 millisecond' });
      await seedRows(sql, { n: 1, start: utc('2030-07-04T12:00:00Z'), step: '0' });
      await sql.query(`UPDATE prediction_logs SET created_at = now() WHERE row_index = 7`);
      const original = await contents(sql, PARTITIONED_COLUMNS);
      expect(original.n).toBe(44);
      const [{ maxId }] = (await sql.query(`SELECT max(id)::int AS "maxId" FROM prediction_logs`)).rows;

      await after.initialize();
      expect((await after.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual(['PartitionPredictionLogs1764900000000']);

      expect(await relkind(sql)).toBe('p');
      expect(await contents(sql, PARTITIONED_COLUMNS)).toEqual(original);
      expect(await misplacedRows(sql)).toBe(0);
      const partitions = await partitionsOf(sql);
      // Every month with rows, the current month and three ahead, and the DEFAULT partition.
      const { rows: expected } = await sql.query(
        `SELECT DISTINCT 'prediction_logs_p' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM') AS name
         FROM (SELECT date_trunc('month', created_at, 'UTC') AS m FROM prediction_logs
               UNION SELECT date_trunc('month', now(), 'UTC') + make_interval(months => n) FROM generate_series(0, 3) n) months`,
      );
      expect(partitions).toEqual([...expected.map((r: { name: string }) => r.name), 'prediction_logs_default'].sort());
      expect(partitions).toEqual(expect.arrayContaining(['prediction_logs_p202501', 'prediction_logs_p202504', 'prediction_logs_p203007']));
      const placed = await sql.query(
        `SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM prediction_logs
         WHERE created_at < '2026-01-01' OR created_at >= '2030-01-01' GROUP BY 1 ORDER BY 1`,
      );
      expect(placed.rows).toEqual([
        // January 15 to February 23, one a day, but for row 7 (moved to today).
        { partition: 'prediction_logs_p202501', n: 16 },
        { partition: 'prediction_logs_p202502', n: 23 },
        { partition: 'prediction_logs_p202503', n: 2 },
        { partition: 'prediction_logs_p202504', n: 1 },
        { partition: 'prediction_logs_p203007', n: 1 },
      ]);

      // Keys include the partition key; the other indexes are partitioned indexes under the old names.
      expect(await indexDefinitions(sql)).toEqual([
        'CREATE UNIQUE INDEX prediction_logs_batch_row ON ONLY public.prediction_logs USING btree (batch_id, row_index, created_at)',
        'CREATE INDEX prediction_logs_created_at ON ONLY public.prediction_logs USING btree (created_at)',
        'CREATE INDEX prediction_logs_customer ON ONLY public.prediction_logs USING btree (customer_id)',
        'CREATE INDEX prediction_logs_labelled_created_at ON ONLY public.prediction_logs USING btree (created_at) WHERE (actual_default IS NOT NULL)',
        'CREATE UNIQUE INDEX prediction_logs_pkey ON ONLY public.prediction_logs USING btree (id, created_at)',
      ]);
      // New rows continue the same id sequence, land in their month, and a 2031 row (no partition) in the default.
      const batch = await seedRows(sql, { n: 2, start: utc('2031-05-05T00:00:00Z'), step: '1 second' });
      const { rows: fresh } = await sql.query(
        `SELECT id::int AS id, tableoid::regclass::text AS partition FROM prediction_logs WHERE batch_id = $1 ORDER BY id`,
        [batch],
      );
      expect(fresh).toEqual([
        { id: maxId + 1, partition: 'prediction_logs_default' },
        { id: maxId + 2, partition: 'prediction_logs_default' },
      ]);
      await sql.query(`DELETE FROM prediction_logs WHERE batch_id = $1`, [batch]);

      await after.undoLastMigration({ transaction: 'each' });
      expect(await relkind(sql)).toBe('r');
      expect(await contents(sql, PARTITIONED_COLUMNS)).toEqual(original);
      expect(await partitionsOf(sql)).toEqual([]);
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'prediction\\_logs\\_%' AND relkind = 'r'`)).rows[0].n,
      ).toBe(0);
      expect(await indexDefinitions(sql)).toEqual(plainIndexes);
      const [{ serial }] = (await sql.query(`SELECT pg_get_serial_sequence('prediction_logs', 'id') AS serial`)).rows;
      expect(serial).toBe('public.prediction_logs_id_seq');
    } finally {
      await sql?.end();
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await db.drop();
    }
  });
});

describe('partition maintenance and pruning (real PostgreSQL)', () => {
  const providers = [
    { provide: AppConfig, useValue: config({ PREDICTION_LOG_PARTITIONS_AHEAD: '3' }) },
    PredictionLogPartitionsRepository,
    PredictionLogPartitionsService,
  ];
  const db = useMigratedDatabase(providers);
  let service: PredictionLogPartitionsService;

  beforeAll(() => {
    service = db.get(PredictionLogPartitionsService);
  });

  it('creates the current month and PREDICTION_LOG_PARTITIONS_AHEAD months ahead, once', async () => {
    const first = await service.maintain(utc('2040-06-15T10:00:00Z'));
    expect(first).toMatchObject({ acquired: true, moved: [], dropped: [], retentionCutoff: null });
    expect(first.created).toEqual([
      'prediction_logs_p204006',
      'prediction_logs_p204007',
      'prediction_logs_p204008',
      'prediction_logs_p204009',
    ]);
    expect(await partitionsOf(db.dataSource)).toEqual(expect.arrayContaining(first.created));
    const { rows } = {
      rows: await rowsOf<{ bound: string }>(
        db.dataSource,
        `SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'prediction_logs_p204009'`,
      ),
    };
    expect(rows[0].bound).toMatch(/FROM \('2040-09-01 00:00:00\+00'\) TO \('2040-10-01 00:00:00\+00'\)/);

    expect(await service.maintain(utc('2040-06-30T23:59:59Z'))).toMatchObject({ acquired: true, created: [], moved: [], dropped: [] });
  });

  it('moves rows the DEFAULT partition holds into the partition created for their month', async () => {
    // No partition for 2042 yet: these rows land in the DEFAULT partition.
    const inFebruary = await seedRows(db.dataSource, { n: 25, start: utc('2042-02-10T00:00:00Z'), step: '1 hour', graded: true });
    const inNovember = await seedRows(db.dataSource, { n: 4, start: utc('2042-11-30T23:59:59Z'), step: '1 second' });
    const [{ n: inDefault }] = await rowsOf<{ n: number }>(db.dataSource, `SELECT count(*)::int AS n FROM prediction_logs_default`);
    expect(inDefault).toBe(29);
    const before = await contents(db.dataSource);

    const result = await service.maintain(utc('2042-01-20T00:00:00Z'));
    expect(result.created).toEqual([
      'prediction_logs_p204201',
      'prediction_logs_p204202',
      'prediction_logs_p204203',
      'prediction_logs_p204204',
      'prediction_logs_p204211',
      'prediction_logs_p204212',
    ]);
    expect(result.moved).toEqual([
      { partition: 'prediction_logs_p204202', rows: 25 },
      { partition: 'prediction_logs_p204211', rows: 1 },
      { partition: 'prediction_logs_p204212', rows: 3 },
    ]);
    // Grades (and the ungraded rows' nulls) move with their rows.
    expect(await contents(db.dataSource)).toEqual(before);
    expect(await rowsOf(db.dataSource, `SELECT count(grade)::int AS n FROM prediction_logs WHERE batch_id = $1`, [inFebruary])).toEqual([
      { n: 25 },
    ]);
    expect(await misplacedRows(db.dataSource)).toBe(0);
    expect(await rowsOf(db.dataSource, `SELECT count(*)::int AS n FROM prediction_logs_default`)).toEqual([{ n: 0 }]);
    const placed = await rowsOf(
      db.dataSource,
      `SELECT batch_id::text AS batch, tableoid::regclass::text AS partition, count(*)::int AS n FROM prediction_logs
       WHERE batch_id = ANY($1::uuid[]) GROUP BY 1, 2 ORDER BY 3 DESC, 2`,
      [[inFebruary, inNovember]],
    );
    expect(placed).toEqual([
      { batch: inFebruary, partition: 'prediction_logs_p204202', n: 25 },
      { batch: inNovember, partition: 'prediction_logs_p204212', n: 3 },
      { batch: inNovember, partition: 'prediction_logs_p204211', n: 1 },
    ]);
    // The default is attached again: a row for a month without a partition still has a place.
    await seedRows(db.dataSource, { n: 1, start: utc('2049-01-01T00:00:00Z'), step: '0' });
    expect(await rowsOf(db.dataSource, `SELECT count(*)::int AS n FROM prediction_logs_default`)).toEqual([{ n: 1 }]);
  });

  it('does nothing while another instance holds the maintenance lock', async () => {
    const other = await sqlClient(db.url);
    try {
      await other.query('SELECT pg_advisory_lock($1)', [LOCK_KEYS.predictionLogPartitions]);
      const partitions = await partitionsOf(db.dataSource);
      expect(await service.maintain(utc('2045-03-01T00:00:00Z'))).toEqual({
        acquired: false,
        created: [],
        moved: [],
        dropped: [],
        retentionCutoff: null,
      });
      expect(await partitionsOf(db.dataSource)).toEqual(partitions);
      await other.query('SELECT pg_advisory_unlock($1)', [LOCK_KEYS.predictionLogPartitions]);
      expect((await service.maintain(utc('2045-03-01T00:00:00Z'))).created).toContain('prediction_logs_p204503');
    } finally {
      await other.end();
    }
  });

  it("the grade column's CHECK (1 to 25) holds in every partition, the DEFAULT and those created later included", async () => {
    await service.maintain(utc('2046-04-01T00:00:00Z'));
    const unchecked = await rowsOf<{ name: string }>(
      db.dataSource,
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'prediction_logs'::regclass
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conname = 'prediction_logs_grade_range')`,
    );
    expect(unchecked).toEqual([]);
    const batch = await seedRows(db.dataSource, { n: 1, start: utc('2046-04-02T00:00:00Z'), step: '0', graded: true });
    for (const [grade, at] of [
      [0, '2046-04-03T00:00:00Z'],
      [26, '2046-04-03T00:00:00Z'],
      [26, '2099-01-01T00:00:00Z'],
    ] as const) {
      await expect(
        db.dataSource.query(
          `INSERT INTO prediction_logs (batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
             num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label, model_version, scored_with,
             created_at, grade)
           VALUES ($1, 1, 'c', 30, 1, 0, 0, 0, 0, 1, 0, 0.5, 'HIGH', 'm', 'artifact', $2, $3)`,
          [batch, at, grade],
        ),
      ).rejects.toThrow(/prediction_logs_grade_range/);
    }
    await db.dataSource.query(`DELETE FROM prediction_logs WHERE batch_id = $1`, [batch]);
  });

  describe('window reads prune to the partitions of their range (EXPLAIN)', () => {
    let plans: Array<{ sql: string; relations: string[] }>;
    let repository: PredictionLogsRepository;
    let recorder: Queryable & { manager: Queryable };
    const modelVersion = unique('pruning-model');

    beforeAll(async () => {
      await service.maintain(utc('2041-01-15T00:00:00Z'));
      await seedRows(db.dataSource, { n: 50, start: utc('2041-01-20T00:00:00Z'), step: '1 day', modelVersion });
      await db.dataSource.query(`ANALYZE prediction_logs`);
      // A DataSource / EntityManager stand-in that plans every statement before running it.
      recorder = {
        query: async (sql: string, params: unknown[] = []) => {
          const [{ 'QUERY PLAN': plan }] = await db.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
          plans.push({ sql, relations: scannedRelations(plan).filter((r) => r.startsWith('prediction_logs')) });
          return db.dataSource.query(sql, params);
        },
        get manager() {
          return recorder;
        },
      };
      const moduleRef = await Test.createTestingModule({
        providers: [{ provide: DataSource, useValue: recorder }, PredictionLogWriter, PredictionLogsRepository],
      }).compile();
      repository = moduleRef.get(PredictionLogsRepository);
    });

    beforeEach(() => {
      plans = [];
    });

    const february = { start: utc('2041-02-01T00:00:00Z'), end: utc('2041-03-01T00:00:00Z') };
    const acrossMonths = { start: utc('2041-02-20T00:00:00Z'), end: utc('2041-03-05T00:00:00Z') };

    it('the window query shape (model_version = $1 AND created_at >= $2 AND created_at < $3) reads one month', async () => {
      await recorder.query(`SELECT count(*) FROM prediction_logs WHERE model_version = $1 AND created_at >= $2 AND created_at < $3`, [
        modelVersion,
        february.start,
        february.end,
      ]);
      await recorder.query(`SELECT count(*) FROM prediction_logs WHERE model_version = $1 AND created_at >= $2 AND created_at < $3`, [
        modelVersion,
        acrossMonths.start,
        acrossMonths.end,
      ]);
      expect(plans.map((p) => p.relations)).toEqual([['prediction_logs_p204102'], ['prediction_logs_p204102', 'prediction_logs_p204103']]);
    });

    it("the repository's time-range reads touch only the range's partitions", async () => {
      const manager = recorder as unknown as EntityManager;
      const range = { modelVersion, ...february };
      const read = [
        () => repository.pushDownBins(manager, { range, columns: [{ name: 'age', source: 'age', kind: 'discrete' }] }),
        () => repository.windowOutcomeSums(manager, range, 0.5),
        () => repository.columnMoments(manager, february.start, february.end, ['age']),
        () =>
          repository.orderStatistics(manager, {
            from: february.start,
            to: february.end,
            count: 1,
            columns: [{ source: 'age', positions: [0] }],
          }),
        () => repository.labelledFeatureRows(february.start, february.end, 1_000),
        () =>
          repository.bucketedScores({
            from: february.start,
            to: february.end,
            bucket: '1 day',
            origin: '2000-01-01T00:00:00Z',
            limit: 1_000,
          }),
      ];
      for (const call of read) await call();
      expect(plans).toHaveLength(read.length);
      for (const plan of plans)
        expect({ sql: plan.sql, relations: plan.relations }).toEqual({ sql: plan.sql, relations: ['prediction_logs_p204102'] });

      plans = [];
      await repository.columnMoments(manager, acrossMonths.start, acrossMonths.end, ['age']);
      expect(plans).toHaveLength(1);
      for (const plan of plans) expect(plan.relations).toEqual(['prediction_logs_p204102', 'prediction_logs_p204103']);
    });
  });
});

describe('retention (PREDICTION_LOG_RETENTION_MONTHS)', () => {
  const db = useMigratedDatabase([
    { provide: AppConfig, useValue: config({ PREDICTION_LOG_PARTITIONS_AHEAD: '3', PREDICTION_LOG_RETENTION_MONTHS: '12' }) },
    PredictionLogPartitionsRepository,
    PredictionLogPartitionsService,
  ]);

  afterEach(() => jest.restoreAllMocks());

  it('drops whole partitions older than the start of (current month − N), never deletes rows, and keeps aggregates', async () => {
    const service = db.get(PredictionLogPartitionsService);
    // January to April 2030 get partitions; the rows are written straight into them.
    await service.maintain(utc('2030-01-10T00:00:00Z'));
    const january = await seedRows(db.dataSource, { n: 30, start: utc('2030-01-05T00:00:00Z'), step: '1 hour' });
    const february = await seedRows(db.dataSource, { n: 20, start: utc('2030-02-28T00:00:00Z'), step: '1 hour' });
    const march = await seedRows(db.dataSource, { n: 10, start: utc('2030-03-01T00:00:00Z'), step: '1 hour' });
    await db.dataSource.query(
      `INSERT INTO drift_reports (kind, batch_id, model_version, status, row_count) VALUES ('BATCH', $1, 'm', 'STABLE', 30)`,
      [january],
    );
    await db.dataSource.query(
      `INSERT INTO drift_reports (kind, model_version, status, row_count, window_kind, window_start, window_end)
       VALUES ('WINDOW', 'm', 'DRIFT', 60, 'DAILY', '2030-01-05', '2030-01-06')`,
    );
    await db.dataSource.query(
      `INSERT INTO performance_metrics (scope, batch_id, model_version, row_count, labelled_count) VALUES ('BATCH', $1, 'm', 30, 10)`,
      [january],
    );
    const aggregates = async () =>
      rowsOf(
        db.dataSource,
        `SELECT (SELECT md5(string_agg(b::text, '|' ORDER BY b.id)) FROM batches b) AS batches,
                (SELECT md5(string_agg(d::text, '|' ORDER BY d.id)) FROM drift_reports d) AS drift_reports,
                (SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM performance_metrics p) AS performance_metrics`,
      );
    const aggregatesBefore = await aggregates();
    // Proof that retention never deletes rows: any DELETE on prediction_logs (any partition) now fails.
    await db.dataSource.query(`
      CREATE FUNCTION refuse_row_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'row-by-row delete on prediction_logs'; END $$`);
    await db.dataSource.query(
      `CREATE TRIGGER refuse_row_deletes BEFORE DELETE ON prediction_logs FOR EACH ROW EXECUTE FUNCTION refuse_row_deletes()`,
    );
    await expect(db.dataSource.query(`DELETE FROM prediction_logs WHERE batch_id = $1`, [march])).rejects.toThrow(/row-by-row delete/);
    const logged = jest.spyOn(Logger.prototype, 'log');

    const result = await service.maintain(utc('2031-03-10T00:00:00Z'));

    // Cutoff: 2031-03 minus 12 months = 2030-03-01; January and February 2030 lie wholly before it.
    expect(result.retentionCutoff).toEqual(utc('2030-03-01T00:00:00Z'));
    const dropped = result.dropped.map((d) => d.name);
    expect(dropped).toEqual(expect.arrayContaining(['prediction_logs_p203001', 'prediction_logs_p203002']));
    expect(dropped).not.toContain('prediction_logs_p203003');
    expect(dropped.every((name) => name < 'prediction_logs_p203003')).toBe(true);
    expect(result.dropped.find((d) => d.name === 'prediction_logs_p203001')).toEqual({
      name: 'prediction_logs_p203001',
      approxRows: expect.any(Number),
      bytes: expect.any(Number),
    });
    expect(result.created).toEqual([
      'prediction_logs_p203103',
      'prediction_logs_p203104',
      'prediction_logs_p203105',
      'prediction_logs_p203106',
    ]);
    const partitions = await partitionsOf(db.dataSource);
    expect(partitions).not.toEqual(expect.arrayContaining(['prediction_logs_p203001']));
    expect(partitions).toEqual(expect.arrayContaining(['prediction_logs_p203003', 'prediction_logs_p203004', 'prediction_logs_default']));

    const counts = await rowsOf(
      db.dataSource,
      `SELECT b.id::text AS batch, count(p.id)::int AS n FROM batches b LEFT JOIN prediction_logs p ON p.batch_id = b.id
       WHERE b.id = ANY($1::uuid[]) GROUP BY 1`,
      [[january, february, march]],
    );
    expect(Object.fromEntries(counts.map((r) => [(r as { batch: string }).batch, (r as { n: number }).n]))).toEqual({
      [january]: 0,
      [february]: 0,
      [march]: 10,
    });
    expect(await aggregates()).toEqual(aggregatesBefore);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: 'prediction_logs partition dropped (retention)',
        partition: 'prediction_logs_p203001',
        retentionMonths: 12,
      }),
    );

    // A second run finds nothing more to drop.
    expect((await service.maintain(utc('2031-03-11T00:00:00Z'))).dropped).toEqual([]);
  });
});

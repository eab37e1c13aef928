import { randomBytes } from 'node:crypto';
import { countGrades } from '../../src/drift-engine/grade-distribution';
import { innerBoundaries, MasterScale } from '../../src/model/master-scale';
import { PredictionGradeCountsRepository } from '../../src/prediction-logs/prediction-grade-counts.repository';
import { mulberry32 } from '../../src/stats/random';
import { useMigratedDatabase } from '../support/medium-database';
import { partitionRecorder } from '../support/query-plans';

/**
 * Medium tier: a window's rows counted per rating grade by PostgreSQL (width_bucket over the
 * master scale's inner boundaries) give exactly what gradeIndexOf gives on the same rows in Node,
 * boundary values and p = 1 included, for the rows the window covers (its model version and
 * [start, end)), reading only the window's month partition. Times are in 2035, far from the
 * month partitions the migration made for the real clock.
 */

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** The shipped model's boundaries (decimal values that are not exact doubles), with any development counts. */
const BOUNDARIES = [0.11, 0.16, 0.2, 0.26, 0.32, 0.41, 0.53];
const SCALE: MasterScale = {
  rule: 'test scale',
  grades: [0, ...BOUNDARIES].map((pdLower, i) => ({
    grade: i + 1,
    pdLower,
    pdUpper: i < BOUNDARIES.length ? BOUNDARIES[i] : 1,
    developmentCount: 100,
  })),
};

describe('PredictionGradeCountsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([PredictionGradeCountsRepository]);
  let repository: PredictionGradeCountsRepository;

  const window = { start: new Date('2035-01-10T00:00:00Z'), end: new Date('2035-01-10T06:00:00Z') };
  const modelVersion = unique('graded-model');

  /** One batch of rows with these probabilities and creation times (plain SQL: no dependence on the writer's columns). */
  async function seed(model: string, probabilities: number[], times: Date[]): Promise<void> {
    const [batch] = await db.dataSource.query(
      `INSERT INTO batches (batch_id, payload_hash, model_version, scored_with, size, data_quality)
       VALUES ($1, 'hash', $2, 'artifact', $3, '{}') RETURNING id`,
      [unique('batch'), model, probabilities.length],
    );
    await db.dataSource.query(
      `INSERT INTO prediction_logs (batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
         num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label, model_version, scored_with, created_at)
       SELECT $1, u.i - 1, 'customer-' || u.i, 40, 50000, 0.3, 0.4, 3, 0, 10000, 5, u.p, 'LOW', $2, 'artifact', u.t
       FROM unnest($3::float8[], $4::timestamptz[]) WITH ORDINALITY AS u(p, t, i)`,
      [batch.id, model, probabilities.map(String), times],
    );
  }

  // In the window: every boundary exactly (a grade's pdLower), its neighbours one ulp-ish below and
  // above, 0 and 1, and 500 random scores; NaN has no grade (not counted on either side).
  const random = mulberry32(20350110);
  const inWindow = [
    0,
    1,
    ...BOUNDARIES,
    ...BOUNDARIES.map((b) => b - 1e-15),
    ...BOUNDARIES.map((b) => b + 1e-15),
    ...Array.from({ length: 500 }, () => random()),
    NaN,
  ];
  const at = (i: number) => new Date(window.start.getTime() + (i % 360) * 60_000);

  beforeAll(async () => {
    repository = db.get(PredictionGradeCountsRepository);
    for (const month of ['2035-01', '2035-02']) {
      const [year, m] = month.split('-').map(Number);
      const from = new Date(Date.UTC(year, m - 1, 1)).toISOString();
      const to = new Date(Date.UTC(year, m, 1)).toISOString();
      await db.dataSource.query(
        `CREATE TABLE prediction_logs_p${year}${String(m).padStart(2, '0')} PARTITION OF prediction_logs FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    }
    await seed(
      modelVersion,
      inWindow,
      inWindow.map((_, i) => at(i)),
    );
    // Not the window's rows: the same model at the window's end (exclusive) and just before its
    // start, and another model inside it.
    await seed(modelVersion, [0.05, 0.5, 0.99], [window.end, new Date(window.start.getTime() - 1), new Date('2035-02-03T00:00:00Z')]);
    await seed(unique('other-model'), [0.05, 0.15, 0.6], [at(1), at(2), at(3)]);
    await db.dataSource.query('ANALYZE prediction_logs');
  });

  it('counts the window’s rows per grade exactly as gradeIndexOf does on the same rows', async () => {
    const counts = await repository.gradeCounts(db.dataSource.manager, { modelVersion, ...window }, innerBoundaries(SCALE));
    expect(counts).toEqual(countGrades(SCALE, inWindow));
    expect(counts.reduce((s, c) => s + c, 0)).toBe(inWindow.length - 1);
  });

  it('a probability exactly at a grade’s pdLower is in that grade; p = 1 is in the last grade; 0 in the first', async () => {
    const boundaryModel = unique('boundary-model');
    const values = [0, ...BOUNDARIES, 1];
    await seed(
      boundaryModel,
      values,
      values.map((_, i) => at(i)),
    );
    const counts = await repository.gradeCounts(db.dataSource.manager, { modelVersion: boundaryModel, ...window }, innerBoundaries(SCALE));
    // 0 and 0.11 in grade 1 and 2, ..., 0.53 and 1 both in grade 8.
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
    expect(counts).toEqual(countGrades(SCALE, values));
  });

  it('an empty window counts zero in every grade', async () => {
    const counts = await repository.gradeCounts(
      db.dataSource.manager,
      { modelVersion, start: new Date('2035-01-20T00:00:00Z'), end: new Date('2035-01-21T00:00:00Z') },
      innerBoundaries(SCALE),
    );
    expect(counts).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('reads only the window’s month partition (EXPLAIN)', async () => {
    const { manager: recorder, plans } = partitionRecorder(db.dataSource);
    await repository.gradeCounts(recorder, { modelVersion, ...window }, innerBoundaries(SCALE));
    expect(plans).toEqual([['prediction_logs_p203501']]);
  });

  it('rejects boundaries that are not strictly increasing', async () => {
    await expect(repository.gradeCounts(db.dataSource.manager, { modelVersion, ...window }, [0.2, 0.1])).rejects.toThrow(RangeError);
  });
});

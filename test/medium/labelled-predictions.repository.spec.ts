import { DataSource } from 'typeorm';
import { generateColumns, loadProfile } from '../../datasets/generator';
import { BatchesRepository } from '../../src/prediction-logs/batches.repository';
import { LabelledPredictionsRepository } from '../../src/prediction-logs/labelled-predictions.repository';
import { PredictionLogWriter } from '../../src/prediction-logs/prediction-log.writer';
import { PredictionLogsRepository } from '../../src/prediction-logs/prediction-logs.repository';
import { useMigratedDatabase } from '../support/medium-database';
import { partitionRecorder } from '../support/query-plans';

/**
 * The (PD, outcome) pairs a validation report tests: exactly the labelled rows of one model
 * version in [start, end), in scoring order, with every PD bit-exact (they travel as float8send
 * bytes), and a plan that reads only the period's monthly partitions.
 */
describe('LabelledPredictionsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([PredictionLogWriter, BatchesRepository, PredictionLogsRepository, LabelledPredictionsRepository]);
  let dataSource: DataSource;
  let labelled: LabelledPredictionsRepository;
  const profile = loadProfile();
  // Awkward doubles on purpose: subnormal, 1 − ε, 0, 1, values with 17 significant digits.
  const awkward = [5e-324, 1 - Number.EPSILON, 0, 1, 0.1 + 0.2, 1 / 3, 2 ** -40, 0.7777777777777777];

  beforeAll(async () => {
    dataSource = db.dataSource;
    labelled = db.get(LabelledPredictionsRepository);
    // A month partition for the test's rows (2003 is far from the months the migration made).
    await dataSource.query(
      `CREATE TABLE prediction_logs_p200302 PARTITION OF prediction_logs FOR VALUES FROM ('2003-02-01') TO ('2003-03-01')`,
    );
  });

  /** Logs n rows for a model at a time; outcome per row: 1, 0 or null (not yet known). */
  async function logRows(
    batchId: string,
    modelVersion: string,
    at: Date,
    probabilities: number[],
    outcomes: Array<0 | 1 | null>,
  ): Promise<void> {
    const n = probabilities.length;
    const generated = generateColumns(profile, n, { seed: n, idPrefix: batchId });
    await dataSource.transaction(async (manager) => {
      const batch = await db.get(BatchesRepository).insertIfAbsent(manager, {
        batchId,
        payloadHash: 'h',
        modelVersion,
        scoredWith: 'artifact',
        size: n,
        metadata: null,
        dataQuality: { rowCount: n, duplicateCustomerIds: 0, duplicateRows: 0, missingValues: 0, invalidValues: 0 },
        warnings: [],
        labelledCount: outcomes.filter((y) => y !== null).length,
      });
      await db.get(PredictionLogsRepository).write(manager, {
        batchUuid: batch!.id,
        records: Array.from({ length: n }, (_, i) => ({
          customerId: `${batchId}-${i}`,
          actualDefault: outcomes[i] === null ? null : outcomes[i] === 1,
        })),
        columns: generated.columns,
        probabilities: Float64Array.from(probabilities),
        riskLabels: Array.from({ length: n }, () => 'LOW'),
        grades: Array.from({ length: n }, () => null),
        modelVersion,
        scoredWith: 'artifact',
      });
      await manager.query(`UPDATE prediction_logs SET created_at = $2 WHERE batch_id = $1`, [batch!.id, at]);
    });
  }

  it('reads exactly the labelled rows of the model and period, in scoring order, bit-exact; counts the rest', async () => {
    const at = new Date('2003-02-10T12:00:00Z');
    const outcomes: Array<0 | 1 | null> = [1, 0, null, 1, 0, null, 1, 0];
    await logRows('lp-in', 'lp-model', at, awkward, outcomes);
    await logRows('lp-other-model', 'lp-elsewhere', at, [0.5, 0.6], [1, 0]);
    await logRows('lp-before', 'lp-model', new Date('2003-02-10T11:59:59.999Z'), [0.9], [1]);
    await logRows('lp-at-end', 'lp-model', new Date('2003-02-10T13:00:00Z'), [0.8], [0]);

    const range = { modelVersion: 'lp-model', start: at, end: new Date('2003-02-10T13:00:00Z') };
    const read = await dataSource.transaction((manager) => labelled.read(manager, range));
    const keep = outcomes.map((y, i) => (y === null ? -1 : i)).filter((i) => i >= 0);
    expect(Array.from(read.probabilities)).toEqual(keep.map((i) => awkward[i]));
    expect(Object.is(read.probabilities[keep.indexOf(0)], 5e-324)).toBe(true);
    expect(Array.from(read.labels)).toEqual(keep.map((i) => outcomes[i]));
    expect(await dataSource.transaction((manager) => labelled.count(manager, range))).toEqual({ labelled: 6, unlabelled: 2 });
  });

  it('an empty period reads as empty arrays', async () => {
    const range = { modelVersion: 'lp-model', start: new Date('1999-01-01T00:00:00Z'), end: new Date('1999-02-01T00:00:00Z') };
    const read = await dataSource.transaction((manager) => labelled.read(manager, range));
    expect(read.probabilities).toHaveLength(0);
    expect(read.labels).toHaveLength(0);
    expect(await dataSource.transaction((manager) => labelled.count(manager, range))).toEqual({ labelled: 0, unlabelled: 0 });
  });

  it('reads only the period’s month partition (EXPLAIN)', async () => {
    const { manager, plans } = partitionRecorder(dataSource);
    const range = { modelVersion: 'lp-model', start: new Date('2003-02-10T00:00:00Z'), end: new Date('2003-02-11T00:00:00Z') };
    await labelled.count(manager, range);
    await labelled.read(manager, range);
    expect(plans).toEqual([['prediction_logs_p200302'], ['prediction_logs_p200302']]);
  });
});

import { DataSource } from 'typeorm';
import { generateColumns, loadProfile } from '../../datasets/generator';
import { profileFromPredictionLogs } from '../../src/baselines/baseline-sources';
import { baselineColumnKinds, baselineColumns } from '../../src/drift-engine/baseline-columns';
import { buildBaselineProfile } from '../../src/drift-engine/profile';
import { NumericColumnProfile } from '../../src/drift-engine/profile-types';
import { BatchesRepository } from '../../src/prediction-logs/batches.repository';
import { PredictionLogWriter } from '../../src/prediction-logs/prediction-log.writer';
import { PredictionLogsRepository } from '../../src/prediction-logs/prediction-logs.repository';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * A baseline from prediction logs is profiled by PostgreSQL (order statistics and grid counts,
 * never the rows in Node): it must be the profile buildBaselineProfile makes from the same rows
 * in memory. 25,000 rows exercise the 20,000-value quantile sample; 1,500 the complete sample.
 */
describe('baseline profiles built in PostgreSQL from prediction logs (real PostgreSQL)', () => {
  const db = useMigratedDatabase([PredictionLogWriter, BatchesRepository, PredictionLogsRepository]);
  let dataSource: DataSource;
  let logs: PredictionLogsRepository;
  const profile = loadProfile();

  beforeAll(() => {
    dataSource = db.dataSource;
    logs = db.get(PredictionLogsRepository);
  });

  async function logRows(n: number, seed: number, at: Date): Promise<Record<string, Float64Array>> {
    const generated = generateColumns(profile, n, { seed, idPrefix: `bl${seed}` });
    const probabilities = Float64Array.from({ length: n }, (_, i) => Math.round(((i * 7919) % 1000) / 10) / 100 + 0.001);
    await dataSource.transaction(async (manager) => {
      const batch = await db.get(BatchesRepository).insertIfAbsent(manager, {
        batchId: `baseline-logs-${seed}`,
        payloadHash: 'h',
        modelVersion: 'baseline-logs-model',
        scoredWith: 'artifact',
        size: n,
        metadata: null,
        dataQuality: { rowCount: n, duplicateCustomerIds: 0, duplicateRows: 0, missingValues: n, invalidValues: 0 },
        warnings: [],
        labelledCount: 0,
      });
      await logs.write(manager, {
        batchUuid: batch!.id,
        records: Array.from({ length: n }, (_, i) => ({ customerId: `c${seed}-${i}` })),
        columns: generated.columns,
        probabilities,
        riskLabels: Array.from({ length: n }, () => 'LOW'),
        grades: Array.from({ length: n }, () => null),
        modelVersion: 'baseline-logs-model',
        scoredWith: 'artifact',
      });
      await manager.query(`UPDATE prediction_logs SET created_at = $2 WHERE batch_id = $1`, [batch!.id, at]);
    });
    return baselineColumns(generated.columns, probabilities);
  }

  it.each([
    [1_500, 31, new Date('2002-03-01T00:00:00Z')],
    [25_000, 32, new Date('2002-06-01T00:00:00Z')],
  ])('%i rows: the same profile as in memory', async (n, seed, at) => {
    const columns = await logRows(n, seed, at);
    const to = new Date(at.getTime() + 3_600_000);
    const fromDatabase = await dataSource.transaction((manager) => profileFromPredictionLogs(logs, manager, at, to));
    const inMemory = buildBaselineProfile(columns, baselineColumnKinds());
    expect(fromDatabase.rowCount).toBe(n);
    expect(fromDatabase.profile.rowCount).toBe(inMemory.rowCount);
    for (const [name, expected] of Object.entries(inMemory.columns)) {
      const got = fromDatabase.profile.columns[name];
      const { mean, sd, histogram, ...exact } = expected as NumericColumnProfile;
      const { mean: gotMean, sd: gotSd, histogram: gotHistogram, ...gotExact } = got as NumericColumnProfile;
      // Order statistics, PSI bins, grid and category counts: identical.
      expect({ name, ...gotExact }).toEqual({ name, ...exact });
      expect(gotMean).toBeCloseTo(mean, 9);
      expect(gotSd).toBeCloseTo(sd, 9);
      if (histogram) {
        expect(gotHistogram.edges).toEqual(histogram.edges);
        // Report-histogram counts come from grid bins: at most the values lying on an edge move.
        expect(gotHistogram.counts.reduce((s, c) => s + c, 0)).toBe(histogram.counts.reduce((s, c) => s + c, 0));
      }
    }
    // The joint-distribution model: fitted on the same rows in the same order, so identical.
    expect(inMemory.multivariate).toBeDefined();
    expect(fromDatabase.profile.multivariate).toEqual(inMemory.multivariate);
  });

  it('refuses an empty range with the field and the rule', async () => {
    const from = new Date('2002-09-01T00:00:00Z');
    await expect(dataSource.transaction((m) => profileFromPredictionLogs(logs, m, from, new Date(from.getTime() + 1_000)))).rejects.toThrow(
      /no prediction logs between/,
    );
  });
});

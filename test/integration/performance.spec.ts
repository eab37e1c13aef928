import { join } from 'node:path';
import { generateRows, loadProfile, ScenarioName } from '../../datasets/generator';
import { rocAuc } from '../../src/stats/classification-metrics';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder } from '../support/generated-data';
import { useServiceFixture } from '../support/service-fixture';

const INGEST = ingestMutation('batchId performanceTracked predictions { probability }');
const SUBMIT = `mutation($input: SubmitOutcomesInput!) { submitOutcomes(input: $input) {
  received matchedRows labelledRows unchangedRows overwrittenRows conflictCount
  conflicts { customerId batchId storedDefault submittedDefault } unknownCount unknown { customerId batchId } batchesRecomputed } }`;
const BATCH_PERFORMANCE = `query($id: String!) { batch(batchId: $id) { labelledCount performance {
  rowCount labelledCount rocAucGap
  realized { rocAuc accuracy precision recall f1 brier logLoss positiveRate labelledShare labelledCount }
  estimated { rocAuc accuracy precision recall f1 positiveRate expectedDefaultRate } } } }`;

interface Realized {
  rocAuc: number | null;
  accuracy: number;
  labelledShare: number;
  labelledCount: number;
}
interface BatchPerformance {
  batch: {
    labelledCount: number;
    performance: {
      rowCount: number;
      labelledCount: number;
      rocAucGap: number | null;
      realized: Realized | null;
      estimated: { rocAuc: number; accuracy: number };
    };
  };
}
interface SubmitResult {
  received: number;
  matchedRows: number;
  labelledRows: number;
  unchangedRows: number;
  overwrittenRows: number;
  conflictCount: number;
  conflicts: Array<{ customerId: string; batchId: string; storedDefault: boolean; submittedDefault: boolean }>;
  unknownCount: number;
  unknown: Array<{ customerId: string; batchId: string | null }>;
  batchesRecomputed: string[];
}

const profile = loadProfile();

function rows(n: number, seed: number, scenario?: ScenarioName) {
  return generateRows(profile, n, { seed, scenario, idPrefix: `p${seed}` });
}

describe('outcomes and performance (real PostgreSQL)', () => {
  const data = generatedCsvFolder(4_000, 301);

  async function ingest(batchId: string, records: Array<Record<string, unknown>>): Promise<number[]> {
    const response = await fixture.service.gql<{ ingestBatch: { predictions: Array<{ probability: number }> } }>(INGEST, {
      input: { batchId, records },
    });
    expect(response.errors).toBeUndefined();
    return response.data!.ingestBatch.predictions.map((p) => p.probability);
  }

  async function submit(outcomes: Array<Record<string, unknown>>, overwrite = false): Promise<SubmitResult> {
    const response = await fixture.service.gql<{ submitOutcomes: SubmitResult }>(SUBMIT, { input: { outcomes, overwrite } });
    expect(response.errors).toBeUndefined();
    return response.data!.submitOutcomes;
  }

  async function performance(batchId: string): Promise<BatchPerformance['batch']> {
    const response = await fixture.service.gql<BatchPerformance>(BATCH_PERFORMANCE, { id: batchId });
    expect(response.errors).toBeUndefined();
    return response.data!.batch;
  }

  const fixture = useServiceFixture({ BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });

  describe('late outcomes', () => {
    const observedAt = () => new Date().toISOString();
    type Row = ReturnType<typeof rows>[number];
    const outcomeOf = (batchId: string) => (r: Row) => ({
      customerId: r.customerId,
      batchId,
      actualDefault: r.actualDefault,
      observedAt: observedAt(),
    });

    /** Each test's own 2,000-row batch without outcomes (own seed, so own customer ids), and its probabilities. */
    async function lateBatch(batchId: string, seed: number): Promise<{ generated: Row[]; probabilities: number[] }> {
      const generated = rows(2_000, seed);
      const probabilities = await ingest(
        batchId,
        generated.map(({ actualDefault: _label, ...record }) => record),
      );
      return { generated, probabilities };
    }

    it('a batch without outcomes has an estimate and no realized metrics', async () => {
      await lateBatch('late-1', 41);
      const batch = await performance('late-1');
      expect(batch.performance.realized).toBeNull();
      expect(batch.performance.rocAucGap).toBeNull();
      expect(batch.performance.rowCount).toBe(2_000);
      expect(batch.performance.estimated.rocAuc).toBeGreaterThan(0.6);
    });

    it('outcomes arriving later join the logged predictions and change realized performance each time', async () => {
      const { generated, probabilities } = await lateBatch('late-2', 43);
      const first = await submit(generated.slice(0, 1_000).map(outcomeOf('late-2')));
      expect(first).toMatchObject({
        received: 1_000,
        matchedRows: 1_000,
        labelledRows: 1_000,
        conflictCount: 0,
        unknownCount: 0,
        batchesRecomputed: ['late-2'],
      });
      const half = await performance('late-2');
      expect(half.labelledCount).toBe(1_000);
      expect(half.performance.realized).toMatchObject({ labelledShare: 0.5, labelledCount: 1_000 });
      const labelsHalf = generated.slice(0, 1_000).map((r) => (r.actualDefault ? 1 : 0));
      expect(half.performance.realized!.rocAuc).toBeCloseTo(rocAuc(labelsHalf, probabilities.slice(0, 1_000)), 10);

      await submit(generated.slice(1_000).map(outcomeOf('late-2')));
      const full = await performance('late-2');
      expect(full.performance.realized!.labelledShare).toBe(1);
      const labelsAll = generated.map((r) => (r.actualDefault ? 1 : 0));
      expect(full.performance.realized!.rocAuc).toBeCloseTo(rocAuc(labelsAll, probabilities), 10);
      expect(full.performance.realized!.rocAuc).not.toBe(half.performance.realized!.rocAuc);
      expect(full.performance.rocAucGap).toBeCloseTo(full.performance.realized!.rocAuc! - full.performance.estimated.rocAuc, 12);
    });

    it('resubmitting the same outcomes changes nothing', async () => {
      const { generated } = await lateBatch('late-3', 44);
      await submit(generated.map(outcomeOf('late-3')));
      const metricsOf = `SELECT m.computed_at FROM performance_metrics m JOIN batches b ON b.id = m.batch_id WHERE m.scope = 'BATCH' AND b.batch_id = 'late-3'`;
      const before = await fixture.sql.query(metricsOf);
      expect(before.rows).toHaveLength(1);
      const again = await submit(generated.slice(0, 500).map(outcomeOf('late-3')));
      expect(again).toMatchObject({
        matchedRows: 500,
        labelledRows: 0,
        unchangedRows: 500,
        overwrittenRows: 0,
        conflictCount: 0,
        batchesRecomputed: [],
      });
      const after = await fixture.sql.query(metricsOf);
      expect(after.rows).toEqual(before.rows);
    });

    it('a conflicting outcome is reported and kept, unless overwrite: true', async () => {
      const { generated } = await lateBatch('late-4', 45);
      await submit(generated.map(outcomeOf('late-4')));
      const target = generated[7];
      const flipped = { ...outcomeOf('late-4')(target), actualDefault: !target.actualDefault };
      const before = await performance('late-4');
      const refused = await submit([flipped]);
      expect(refused).toMatchObject({ labelledRows: 0, overwrittenRows: 0, conflictCount: 1, batchesRecomputed: [] });
      expect(refused.conflicts).toEqual([
        { customerId: target.customerId, batchId: 'late-4', storedDefault: target.actualDefault, submittedDefault: !target.actualDefault },
      ]);
      const stored = await fixture.sql.query(`SELECT actual_default FROM prediction_logs WHERE customer_id = $1`, [target.customerId]);
      expect(stored.rows).toEqual([{ actual_default: target.actualDefault }]);

      const overwritten = await submit([flipped], true);
      expect(overwritten).toMatchObject({ overwrittenRows: 1, conflictCount: 0, batchesRecomputed: ['late-4'] });
      const after = await performance('late-4');
      expect(after.performance.realized!.accuracy).not.toBe(before.performance.realized!.accuracy);
    });

    it('lists outcomes for unknown customers or batches; contradictory outcomes in one request are rejected', async () => {
      const { generated } = await lateBatch('late-5', 46);
      const result = await submit([
        { customerId: 'nobody-1', actualDefault: true, observedAt: observedAt() },
        { customerId: generated[0].customerId, batchId: 'no-such-batch', actualDefault: true, observedAt: observedAt() },
      ]);
      expect(result.unknownCount).toBe(2);
      expect(result.unknown).toEqual([
        { customerId: 'nobody-1', batchId: null },
        { customerId: generated[0].customerId, batchId: 'no-such-batch' },
      ]);

      const contradictory = await fixture.service.gql(SUBMIT, {
        input: {
          outcomes: [
            { customerId: generated[1].customerId, batchId: 'late-5', actualDefault: true, observedAt: observedAt() },
            { customerId: generated[1].customerId, batchId: 'late-5', actualDefault: false, observedAt: observedAt() },
          ],
          overwrite: true,
        },
      });
      expect(contradictory.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });

    it("without batchId an outcome applies to the customer's predictions scored before observedAt", async () => {
      const records = rows(3, 42).map(({ actualDefault: _label, ...record }) => record);
      await ingest('no-batch-id', records);
      const past = await submit([{ customerId: records[0].customerId, actualDefault: true, observedAt: '2001-01-01T00:00:00Z' }]);
      expect(past.unknownCount).toBe(1);
      const now = await submit([{ customerId: records[0].customerId, actualDefault: true, observedAt: observedAt() }]);
      expect(now).toMatchObject({ labelledRows: 1, batchesRecomputed: ['no-batch-id'] });
    });
  });

  describe('label-free estimate versus realized, 5,000-row batches with outcomes in the batch', () => {
    const SEEDS = { stable: [undefined, 51], 'concept-drift': ['concept_drift', 52] } as const;

    /**
     * Ingests the named 5,000-row batch (labels in the batch) and returns |realized − estimated|
     * ROC AUC. Idempotent: the same batchId and payload replays the stored result, so each test
     * asks for the batches it reads, in any order.
     */
    async function gapOf(name: keyof typeof SEEDS): Promise<number> {
      const [scenario, seed] = SEEDS[name];
      const response = await fixture.service.gql<{ ingestBatch: { performanceTracked: boolean } }>(INGEST, {
        input: { batchId: `cbpe-${name}`, records: rows(5_000, seed, scenario) },
      });
      expect(response.errors).toBeUndefined();
      expect(response.data!.ingestBatch.performanceTracked).toBe(true);
      const batch = await performance(`cbpe-${name}`);
      expect(batch.performance.realized!.labelledShare).toBe(1);
      return Math.abs(batch.performance.rocAucGap!);
    }

    it.each([['stable' as const], ['concept-drift' as const]])('%s batch', async (name) => {
      expect(Number.isFinite(await gapOf(name))).toBe(true);
    });

    it('agree within 0.03 ROC AUC without drift; the gap widens under concept drift', async () => {
      const stable = await gapOf('stable');
      const conceptDrift = await gapOf('concept-drift');
      expect(stable).toBeLessThan(0.03);
      expect(conceptDrift).toBeGreaterThan(0.05);
      expect(conceptDrift).toBeGreaterThan(stable + 0.05);
    });

    it('the degraded realized ROC AUC raises a performance alert and a PERFORMANCE retraining signal', async () => {
      await gapOf('concept-drift');
      const alerts = await fixture.service.gql<{ alerts: { edges: Array<{ node: { feature: string; status: string } }> } }>(
        `{ alerts(filter: { kind: PERFORMANCE }) { edges { node { feature status } } } }`,
      );
      expect(alerts.data!.alerts.edges.map((e) => e.node)).toContainEqual({ feature: 'realizedRocAuc', status: 'OPEN' });
      const events = await fixture.service.gql<{
        retrainingEvents: { edges: Array<{ node: { cause: string; status: string; reason: string } }> };
      }>(`{ retrainingEvents { edges { node { cause status reason } } } }`);
      const causes = events.data!.retrainingEvents.edges.map((e) => e.node);
      expect(causes).toHaveLength(1);
      expect(causes[0]).toMatchObject({ cause: 'PERFORMANCE', status: 'OPEN' });
      const model = await fixture.sql.query(`SELECT retrain_required, retrain_reason FROM model_versions WHERE status = 'ACTIVE'`);
      expect(model.rows[0].retrain_required).toBe(true);
      expect(model.rows[0].retrain_reason).toMatch(/^PERFORMANCE: realized ROC AUC/);
    });
  });

  it('performanceHistory buckets realized and estimated performance over time', async () => {
    // Its own batches, moved into an hour no other test writes to: 2,000 labelled rows and 3 more
    // of which 1 is labelled.
    const hour = new Date('2031-03-01T10:00:00Z');
    await ingest('history-labelled', rows(2_000, 61));
    const few = rows(3, 62).map(({ actualDefault, ...record }, i) => (i === 0 ? { ...record, actualDefault } : record));
    await ingest('history-few', few);
    await fixture.sql.query(
      `UPDATE prediction_logs SET created_at = $1::timestamptz + (row_index * interval '1 second')
       WHERE batch_id IN (SELECT id FROM batches WHERE batch_id = ANY($2))`,
      [hour, ['history-labelled', 'history-few']],
    );
    const from = new Date(hour.getTime() - 3_600_000).toISOString();
    const to = new Date(hour.getTime() + 3_600_000).toISOString();
    const response = await fixture.service.gql<{
      performanceHistory: Array<{
        modelVersion: string;
        rowCount: number;
        labelledCount: number;
        realized: Realized | null;
        estimated: { rocAuc: number };
      }>;
    }>(
      `query($from: DateTime!, $to: DateTime!) { performanceHistory(from: $from, to: $to, window: HOUR) {
         windowStart windowEnd modelVersion rowCount labelledCount realized { rocAuc labelledShare } estimated { rocAuc } } }`,
      { from, to },
    );
    expect(response.errors).toBeUndefined();
    const points = response.data!.performanceHistory;
    expect(points.reduce((n, p) => n + p.rowCount, 0)).toBe(2_000 + 3);
    expect(points.reduce((n, p) => n + p.labelledCount, 0)).toBe(2_000 + 1);
    points.forEach((p) => expect(p.estimated.rocAuc).toBeGreaterThan(0.5));

    const backwards = await fixture.service.gql(
      `{ performanceHistory(from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { rowCount } }`,
    );
    expect(backwards.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});

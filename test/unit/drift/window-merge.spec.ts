import { generateBatch, loadBenchContext } from '../../../bench/drift-support';
import { defaultColumnKinds } from '../../../src/drift-engine/columns';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { encodeSketch, sketchColumns } from '../../../src/drift-engine/sketch';
import { checkWindowSketches, mergeSketchPage } from '../../../src/monitoring-jobs/window-check.task';

/** A window's profiles are merged a page at a time (bounded memory): the result must not depend on the paging. */
describe('merging window profiles page by page', () => {
  const context = loadBenchContext();
  const profile = buildBaselineProfile(generateBatch(context, 3_000, 5), defaultColumnKinds());
  const batches = Array.from({ length: 7 }, (_, i) =>
    generateBatch(context, 50 + 40 * i, 600 + i, i % 2 ? 'larger_loans' : undefined, 0.3),
  );
  const encoded = () => batches.map((b) => encodeSketch(sketchColumns(profile, 'b', b, 0.5)));

  it('pages of 1, 3 and all give the same merged sketch and the same verdict as merging everything at once', () => {
    const all = checkWindowSketches({ profile, baselineId: 'b', sketches: encoded(), config: {} });
    for (const size of [1, 3, 7]) {
      const sketches = encoded();
      let accumulator: Uint8Array | null = null;
      for (let from = 0; from < sketches.length; from += size)
        accumulator = mergeSketchPage({ accumulator, sketches: sketches.slice(from, from + size) });
      const paged = checkWindowSketches({ profile, baselineId: 'b', sketches: [accumulator!], config: {} });
      expect(paged.rowCount).toBe(all.rowCount);
      expect(paged.result!.status).toBe(all.result!.status);
      paged.result!.features.forEach((f, i) => {
        const expected = all.result!.features[i];
        expect({ feature: f.feature, drifted: f.drifted, ks: f.ks?.statistic }).toEqual({
          feature: expected.feature,
          drifted: expected.drifted,
          ks: expected.ks?.statistic,
        });
        expect(f.psi ?? 0).toBeCloseTo(expected.psi ?? 0, 12);
      });
    }
  });

  it('refuses an empty merge', () => {
    expect(() => mergeSketchPage({ accumulator: null, sketches: [] })).toThrow(/nothing to merge/);
  });
});

/**
 * Simulation of the Wasserstein materiality gate (src/drift-engine/wasserstein-gate.ts): how
 * often a true location shift meets the gate, over fresh baselines and batches drawn from one
 * marginal (wasserstein-gate.spec.ts); kept fast with the benchmark's W1 that costs O(m log M) for
 * a small sample against a large one (bench/drift-support.ts).
 */
import { prefixSums, shiftedWasserstein } from '../../../../bench/drift-support';
import { buildWassersteinNoiseModel, medianWasserstein, WassersteinNoiseModel } from '../../../../src/drift-engine/wasserstein-gate';
import { deriveSeed, mulberry32, randomNormal, RandomSource } from '../../../../src/stats/random';

export type Marginal = 'normal' | 'lognormal';

/** Normal, or log-normal with log-sd 0.6 (skewness ≈ 2, like incomes and loan amounts). */
export function drawMarginal(marginal: Marginal, random: RandomSource): number {
  return marginal === 'normal' ? randomNormal(random) : Math.exp(0.6 * randomNormal(random));
}

interface SimulatedBaseline {
  sorted: Float64Array;
  prefix: Float64Array;
  sd: number;
  model: WassersteinNoiseModel;
}

function simulatedBaseline(marginal: Marginal, rows: number, random: RandomSource): SimulatedBaseline {
  const sorted = new Float64Array(rows);
  for (let i = 0; i < rows; i++) sorted[i] = drawMarginal(marginal, random);
  sorted.sort();
  let mean = 0;
  for (const v of sorted) mean += v;
  mean /= rows;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) ** 2;
  const sd = Math.sqrt(squares / (rows - 1));
  return { sorted, prefix: prefixSums(sorted), sd, model: buildWassersteinNoiseModel(sorted, sd) };
}

export interface GateStudy {
  marginal: Marginal;
  baselineRows: number;
  batchRows: number;
  /** Fresh baselines; each is judged on `batchesPerBaseline` fresh batches. */
  baselines: number;
  batchesPerBaseline: number;
  /** The gate (baseline SDs). */
  threshold: number;
  seed: number;
}

/**
 * For each true shift (baseline SDs), the share of batches whose gate effect reaches the
 * threshold. The effect reaches it exactly when W1 ≥ the model's median W1 at a threshold-sized
 * shift (wassersteinShiftEstimate is monotone in W1), which is what is compared here.
 */
export function gateHitRates(study: GateStudy, shifts: number[]): number[] {
  const hits = shifts.map(() => 0);
  const batch = new Float64Array(study.batchRows);
  const scratch = new Float64Array(study.batchRows);
  for (let b = 0; b < study.baselines; b++) {
    const random = mulberry32(deriveSeed(study.seed, study.baselineRows, study.batchRows, b));
    const baseline = simulatedBaseline(study.marginal, study.baselineRows, random);
    const gate = medianWasserstein(baseline.model, study.threshold * baseline.sd, study.baselineRows, study.batchRows);
    for (let t = 0; t < study.batchesPerBaseline; t++) {
      for (let i = 0; i < study.batchRows; i++) batch[i] = drawMarginal(study.marginal, random);
      batch.sort();
      shifts.forEach((shift, s) => {
        if (shiftedWasserstein(batch, shift * baseline.sd, baseline.sorted, baseline.prefix, scratch) >= gate) hits[s]++;
      });
    }
  }
  const total = study.baselines * study.batchesPerBaseline;
  return hits.map((h) => h / total);
}

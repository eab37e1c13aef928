/**
 * Worker for binned-check.spec.ts: runs checkDrift and checkDriftBinned on the calibration
 * benchmark's batches outside Jest's module sandbox, where the exact KS lattice p-values (the bulk
 * of the work) run several times faster, and the suite's two cores share the scenarios.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateBatch, loadBenchContext } from '../../../../bench/drift-support';
import { ScenarioName } from '../../../../datasets/generator';
import { checkDrift, checkDriftBinned } from '../../../../src/drift-engine/check';
import { defaultColumnKinds } from '../../../../src/drift-engine/columns';
import { buildBaselineProfile } from '../../../../src/drift-engine/profile';
import { DriftCheckResult } from '../../../../src/drift-engine/result-types';
import { sketchColumns } from '../../../../src/drift-engine/sketch';
import { deriveSeed } from '../../../../src/stats/random';

export interface BinnedPairsJob {
  scenarios: Array<{ index: number; name: 'none' | ScenarioName; strength?: number }>;
  sizes: number[];
  trials: number;
  benchSeed: number;
  baselineRows: number;
  baselineSeed: number;
}

export interface BinnedPair {
  label: string;
  exact: DriftCheckResult;
  binned: DriftCheckResult;
}

const job = workerData as BinnedPairsJob;
const context = loadBenchContext();
const profile = buildBaselineProfile(generateBatch(context, job.baselineRows, job.baselineSeed), defaultColumnKinds());
const pairs: BinnedPair[] = [];
for (const scenario of job.scenarios) {
  for (const size of job.sizes) {
    for (let trial = 0; trial < job.trials; trial++) {
      const seed = deriveSeed(job.benchSeed, scenario.index, size, trial);
      const batch = generateBatch(context, size, seed, scenario.name === 'none' ? undefined : scenario.name, scenario.strength);
      pairs.push({
        label: `${scenario.name} n=${size} trial ${trial}`,
        exact: checkDrift(profile, batch),
        binned: checkDriftBinned(profile, sketchColumns(profile, 'b', batch, context.scorer.threshold)),
      });
    }
  }
}
parentPort!.postMessage(pairs);

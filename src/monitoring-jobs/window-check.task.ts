/**
 * The CPU part of a window check, run in a worker thread (window-check.worker.ts): decode and
 * merge the window's per-batch sketches, then judge the merged sketch against the baseline
 * (checkDriftBinned). Pure: the same input gives the same output, in a worker or not.
 */
import type { TaskProgress } from '../common/workers/worker-task';
import { checkDriftBinned } from '../drift-engine/check';
import { PREDICTION_COLUMN } from '../drift-engine/columns';
import { DriftConfig } from '../drift-engine/config';
import { BaselineProfile } from '../drift-engine/profile-types';
import { DriftCheckResult } from '../drift-engine/result-types';
import { LogOddsWeights } from '../drift-engine/score-shift';
import { DataSketch, decodeSketch, emptySketch, encodeSketch, mergeSketchInto, NumericColumnSketch } from '../drift-engine/sketch';

export const WINDOW_CHECK_TASK = 'window-check';
export const WINDOW_MERGE_TASK = 'window-merge';

export interface WindowMergeInput {
  /** The merged sketch so far (encoded), null for the first page. */
  accumulator: Uint8Array | null;
  /** One page of the window's encoded batch sketches. */
  sketches: Uint8Array[];
}

/**
 * Adds one page of sketches into the running total and returns it encoded: a window of any
 * number of batches is merged page by page, so memory holds one page and one total.
 */
export function mergeSketchPage(input: WindowMergeInput): Uint8Array {
  let merged: DataSketch | null = input.accumulator ? decodeSketch(input.accumulator) : null;
  for (const encoded of input.sketches) {
    const sketch = decodeSketch(encoded);
    merged = merged ? mergeSketchInto(merged, sketch) : sketch;
  }
  if (!merged) throw new RangeError('nothing to merge');
  return encodeSketch(merged);
}

export interface WindowCheckInput {
  /** Null: no active baseline, only the prediction sketch (for performance) is merged. */
  profile: BaselineProfile | null;
  baselineId: string;
  /** Encoded sketches (encodeSketch) of every batch of the window, on `baselineId`'s grid. */
  sketches: Uint8Array[];
  config: Partial<DriftConfig>;
  /** The window's model's log-odds weights: the report then says which features moved the scores. */
  logOddsWeights?: LogOddsWeights;
}

export interface WindowCheckOutput {
  rowCount: number;
  result: DriftCheckResult | null;
  /** The merged prediction column (with score sums) for the window's performance figures. */
  prediction: NumericColumnSketch | null;
}

const PROGRESS_EVERY = 500;

export function checkWindowSketches(
  input: WindowCheckInput,
  progress: (report: TaskProgress) => void = () => undefined,
): WindowCheckOutput {
  const merged = emptySketch(input.baselineId);
  input.sketches.forEach((encoded, index) => {
    mergeSketchInto(merged, decodeSketch(encoded));
    if ((index + 1) % PROGRESS_EVERY === 0) progress({ stage: 'merging batch profiles', merged: index + 1, of: input.sketches.length });
  });
  const result = input.profile ? checkDriftBinned(input.profile, merged, input.config, { logOddsWeights: input.logOddsWeights }) : null;
  const prediction = merged.columns[PREDICTION_COLUMN];
  return {
    rowCount: merged.rowCount,
    result,
    prediction: prediction && prediction.kind === 'numeric' ? prediction : null,
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * ../shared (read-only reference material next to the clone) is optional: tests that compare
 * against it use `describeWithShared`, which skips cleanly when it is absent.
 */
export const SHARED_DIR = resolve(__dirname, '..', '..', '..', 'shared');
export const HAS_SHARED = existsSync(join(SHARED_DIR, 'reference', 'stats-vectors.json'));

const skippedDescribe = describe.skip;

/**
 * `describe` when ../shared is present. Without it the block is reported as one skipped test and
 * its body is never run: jest runs the body of a skipped describe to collect its tests, and a
 * body that reads a reference file (e.g. `it.each(loadStatsVectors().ks_2samp)`) would fail the
 * whole suite.
 */
export function describeWithShared(name: string, body: () => void): void {
  if (HAS_SHARED) describe(name, body);
  else skippedDescribe(name, () => it(`needs ${SHARED_DIR} (reference outputs), absent here`, () => undefined));
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}

export interface StatsVectors {
  ks_2samp: Array<{ a: number[]; b: number[]; statistic: number; pvalue: number; pvalue_asymp: number }>;
  wasserstein_distance: Array<{ a: number[]; b: number[]; value: number }>;
  chi2_contingency: Array<{ table: number[][]; correction: boolean; statistic: number; pvalue: number; dof: number }>;
  jensenshannon_base2: Array<{ p: number[]; q: number[]; distance: number }>;
  roc_auc: Array<{ y_true: number[]; y_score: number[]; value: number }>;
  binary_metrics: Array<{
    y_true: number[];
    y_score: number[];
    threshold: number;
    accuracy: number;
    precision: number;
    recall: number;
    f1: number;
    brier: number;
    log_loss: number;
  }>;
}

export function loadStatsVectors(): StatsVectors {
  return JSON.parse(readFileSync(sharedPath('reference', 'stats-vectors.json'), 'utf8')) as StatsVectors;
}

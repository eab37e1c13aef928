import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Locates files committed in datasets/ both when running from source (datasets/*.ts) and from the
 * build (dist/datasets/*.js, where tsc does not copy JSON or CSV files).
 */
export function datasetFile(name: string): string {
  const candidates = [join(__dirname, name), resolve(__dirname, '..', '..', 'datasets', name)];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

export const PROFILE_FILE = 'credit-g-profile.json';
export const BASELINE_SAMPLE_FILE = 'baseline-sample.csv';

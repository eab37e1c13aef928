/**
 * Shared set-up for the drift benchmarks: synthetic batches from datasets/generator.ts, scored by
 * the model artifact (or the service's fallback scorer when no artifact has been trained yet),
 * turned into the column map the drift engine takes.
 */
import { existsSync } from 'node:fs';
import { DataProfile, generateColumns, loadProfile, ScenarioName } from '../datasets/generator';
import { PREDICTION_COLUMN } from '../src/drift-engine/columns';
import { FeatureColumns } from '../src/model/features';
import { loadScorer, Scorer } from '../src/model/scorer';

export const MODEL_ARTIFACT = 'artifacts/model.json';

export interface BenchContext {
  profile: DataProfile;
  scorer: Scorer;
  describe: string;
}

/** Reads `--name value` from argv. */
export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export function loadBenchContext(): BenchContext {
  const profilePath = argument('profile');
  const profile = loadProfile(profilePath);
  const loaded = loadScorer(MODEL_ARTIFACT);
  if (loaded.warning) process.stderr.write(`note: ${loaded.warning}\n`);
  const describe = `data profile ${profilePath ?? 'datasets/credit-g-profile.json'}; scorer ${loaded.scorer.modelVersion}${
    existsSync(MODEL_ARTIFACT) ? '' : ' (no artifact yet)'
  }`;
  return { profile, scorer: loaded.scorer, describe };
}

/** Features plus the model's predicted probability, as the drift engine expects. */
export function driftColumns(columns: FeatureColumns, scorer: Scorer): Record<string, Float64Array> {
  return { ...columns, [PREDICTION_COLUMN]: scorer.score(columns) };
}

export function generateBatch(
  context: BenchContext,
  n: number,
  seed: number,
  scenario?: ScenarioName,
  strength?: number,
): Record<string, Float64Array> {
  const generated = generateColumns(context.profile, n, { seed, scenario, strength });
  return driftColumns(generated.columns, context.scorer);
}

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function padRight(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

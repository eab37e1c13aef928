import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateColumns, generateRows, loadProfile, ScenarioName } from '../../datasets/generator';
import { featureCsvHeader, featureCsvLines } from '../../src/model/feature-csv-writer';

const profile = loadProfile();

/** Generated applications as GraphQL ApplicationInput objects. */
export function generatedRecords(n: number, seed: number, scenario?: ScenarioName, strength?: number): Array<Record<string, unknown>> {
  return generateRows(profile, n, { seed, scenario, strength, idPrefix: `t${seed}` }).map(({ actualDefault: _label, ...record }) => record);
}

/** A temporary data folder holding one generated CSV; returns the folder and the file name. */
export function generatedCsvFolder(rows: number, seed: number, fileName = 'baseline.csv'): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-data-'));
  chmodSync(dir, 0o755);
  const generated = generateColumns(profile, rows, { seed, idPrefix: 'base' });
  const text = featureCsvHeader(true) + featureCsvLines((i) => `base-${i}`, generated.columns, generated.actualDefault);
  writeFileSync(join(dir, fileName), text);
  return { dir, file: fileName };
}

/**
 * Regenerates the committed samples (npm run datasets:samples). Output is deterministic, so a
 * rerun with an unchanged profile rewrites identical files.
 */
import { writeFileSync } from 'node:fs';
import { featureCsvHeader, featureCsvLines } from '../src/model/feature-csv-writer';
import { CREDIT_G_SAMPLE, creditGSampleArff } from './credit-g-sample';
import { generateColumns, loadProfile, syntheticCustomerId } from './generator';
import { datasetFile } from './paths';
import { ScenarioName } from './scenarios';

export const BASELINE_SAMPLE = { file: 'baseline-sample.csv', rows: 5000, seed: 20240101, idPrefix: 'baseline' };
export const DEMO_SAMPLES: Array<{ file: string; scenario: ScenarioName | undefined; idPrefix: string }> = [
  { file: 'demo-stable.csv', scenario: undefined, idPrefix: 'demo-stable' },
  { file: 'demo-income-drop.csv', scenario: 'income_drop', idPrefix: 'demo-income-drop' },
  { file: 'demo-older-applicants.csv', scenario: 'older_applicants', idPrefix: 'demo-older-applicants' },
  { file: 'demo-higher-utilization.csv', scenario: 'higher_utilization', idPrefix: 'demo-higher-utilization' },
  { file: 'demo-concept-drift.csv', scenario: 'concept_drift', idPrefix: 'demo-concept-drift' },
];
const DEMO_ROWS = 1000;
const DEMO_SEED = 7;

function writeSample(file: string, rows: number, seed: number, idPrefix: string, scenario?: ScenarioName): void {
  const data = generateColumns(loadProfile(), rows, { seed, scenario, idPrefix });
  const text = featureCsvHeader(true) + featureCsvLines((i) => syntheticCustomerId(idPrefix, i), data.columns, data.actualDefault);
  writeFileSync(datasetFile(file), text);
  process.stderr.write(`wrote ${file} (${rows} rows)\n`);
}

if (require.main === module) {
  writeSample(BASELINE_SAMPLE.file, BASELINE_SAMPLE.rows, BASELINE_SAMPLE.seed, BASELINE_SAMPLE.idPrefix);
  for (const demo of DEMO_SAMPLES) writeSample(demo.file, DEMO_ROWS, DEMO_SEED, demo.idPrefix, demo.scenario);
  writeFileSync(datasetFile(CREDIT_G_SAMPLE.file), creditGSampleArff());
  process.stderr.write(`wrote ${CREDIT_G_SAMPLE.file} (${CREDIT_G_SAMPLE.rows} rows)\n`);
}

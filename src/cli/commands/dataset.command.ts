import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { convertCreditG } from '../../../datasets/credit-g-converter';
import { generateChunks, loadProfile, syntheticCustomerId } from '../../../datasets/generator';
import { fitProfile } from '../../../datasets/profile-fit';
import { isScenarioName, SCENARIO_NAMES, ScenarioName, SCENARIOS } from '../../../datasets/scenarios';
import { readFeatureCsvTable } from '../../model/csv';
import { featureCsvHeader, featureCsvLines } from '../../model/feature-csv-writer';
import { FEATURE_NAMES, FeatureColumns } from '../../model/features';
import { CliCommand, CliFailure, CliUsageError } from '../command';
import { printJson, requireReadableFile, sha256File, TextFileWriter, writeOutputFile } from '../files';
import { columns } from '../help';
import { numberOption, requiredString, stringOption } from '../options';

const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'Convert raw OpenML credit-g (ARFF or CSV export) to the service feature CSV',
  options: [
    {
      name: 'input',
      value: '<credit-g.arff|csv>',
      description: 'Raw credit-g file (format detected from an @data section)',
      required: true,
    },
    { name: 'out', value: '<csv>', description: 'Output feature CSV with actual_default', required: true },
  ],
  details: 'Mapping: ../shared/datasets/README.md (also documented in datasets/credit-g-converter.ts).',
  async run(values, io) {
    const input = requiredString(values, 'input');
    requireReadableFile(input, 'input file');
    const out = requiredString(values, 'out');
    const rows = convertCreditG(readFileSync(input, 'utf8'));
    const features = {} as FeatureColumns;
    for (const name of FEATURE_NAMES) features[name] = Float64Array.from(rows, (row) => row[name]);
    const labels = Uint8Array.from(rows, (row) => (row.actualDefault ? 1 : 0));
    writeOutputFile(out, featureCsvHeader(true) + featureCsvLines((i) => rows[i].customerId, features, labels));
    printJson(io.stdout, { rows: rows.length, defaults: labels.reduce((sum, v) => sum + v, 0), out });
  },
};

function scenarioHelp(name: ScenarioName): string {
  return `${SCENARIOS[name].description} (default ${SCENARIOS[name].defaultStrength})`;
}

const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'Generate synthetic labelled applications from the fitted credit-g profile',
  options: [
    { name: 'rows', value: '<N>', description: 'Number of rows', required: true },
    { name: 'out', value: '<csv>', description: 'Output feature CSV (with actual_default)', required: true },
    { name: 'seed', value: '<S>', description: 'Seed; the same seed gives the same rows', default: '1' },
    { name: 'scenario', value: '<name>', description: `Drift scenario: ${SCENARIO_NAMES.join(', ')}` },
    { name: 'strength', value: '<x>', description: "Scenario strength (default: the scenario's own)" },
    { name: 'id-prefix', value: '<text>', description: 'customer_id prefix', default: 'synthetic' },
    { name: 'profile', value: '<json>', description: 'Data profile (default: datasets/credit-g-profile.json)' },
    { name: 'no-labels', description: 'Omit the actual_default column' },
  ],
  details: ['Scenarios (strength meaning, default):', ...columns(SCENARIO_NAMES.map((name) => [name, scenarioHelp(name)]))].join('\n'),
  async run(values, io) {
    const rows = numberOption(values, 'rows', { integer: true, min: 0, max: 100_000_000 }) as number;
    const out = requiredString(values, 'out');
    const seed = numberOption(values, 'seed', { integer: true, min: 0 }) ?? 1;
    const scenarioName = stringOption(values, 'scenario');
    if (scenarioName !== undefined && !isScenarioName(scenarioName)) {
      throw new CliUsageError(`unknown scenario "${scenarioName}" (choose from: ${SCENARIO_NAMES.join(', ')})`);
    }
    const strength = numberOption(values, 'strength');
    if (strength !== undefined && scenarioName === undefined) throw new CliUsageError('--strength needs --scenario');
    const idPrefix = stringOption(values, 'id-prefix') ?? 'synthetic';
    const withLabels = values['no-labels'] !== true;
    const profile = loadProfile(stringOption(values, 'profile'));

    const writer = new TextFileWriter(out);
    try {
      await writer.write(featureCsvHeader(withLabels));
      let written = 0;
      for (const chunk of generateChunks(profile, rows, { seed, scenario: scenarioName, strength, idPrefix }, 50_000)) {
        const id = (i: number): string => syntheticCustomerId(idPrefix, chunk.offset + i);
        await writer.write(featureCsvLines(id, chunk.columns, withLabels ? chunk.actualDefault : null));
        written += chunk.length;
        if (written % 500_000 === 0) io.stderr(`wrote ${written} of ${rows} rows\n`);
      }
    } finally {
      await writer.close();
    }
    printJson(io.stdout, {
      rows,
      out,
      seed,
      scenario: scenarioName ?? null,
      strength: scenarioName ? (strength ?? SCENARIOS[scenarioName].defaultStrength) : null,
    });
  },
};

const profileCommand: CliCommand = {
  name: 'profile',
  summary: 'Fit the generator profile (copula + default model) on a labelled feature CSV',
  options: [
    {
      name: 'data',
      value: '<csv>',
      description: 'Real labelled feature CSV, e.g. ../shared/datasets/credit-g-monitoring.csv',
      required: true,
    },
    { name: 'out', value: '<json>', description: 'Profile JSON to write', default: 'datasets/credit-g-profile.json' },
    { name: 'source', value: '<text>', description: 'Description of the data (default: the file path)' },
  ],
  async run(values, io) {
    const data = requiredString(values, 'data');
    requireReadableFile(data, 'data file');
    const out = requiredString(values, 'out');
    const table = await readFeatureCsvTable(data, { requireLabels: true, requireCustomerId: false });
    if (!table.actualDefault || table.customerIds.length < 50)
      throw new CliFailure(`${data}: at least 50 labelled rows are needed to fit a profile`);
    io.stderr(`fitting profile on ${table.customerIds.length} rows (copula calibration takes a few seconds)\n`);
    const profile = fitProfile(table.columns, table.actualDefault, {
      description: stringOption(values, 'source') ?? relative(process.cwd(), resolve(data)),
      sha256: await sha256File(data),
    });
    writeOutputFile(out, `${JSON.stringify(profile, null, 2)}\n`);
    printJson(io.stdout, { out, rows: profile.source.rows, baseRate: profile.defaultModel.baseRate });
  },
};

export const datasetCommand: CliCommand = {
  name: 'dataset',
  summary: 'Data tools: convert raw credit-g, generate synthetic applications, fit the generator profile',
  subcommands: [convertCommand, generateCommand, profileCommand],
};

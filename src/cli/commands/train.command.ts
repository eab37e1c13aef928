import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { serializeArtifact } from '../../model/artifact';
import { readFeatureCsvTable } from '../../model/csv';
import { METRIC_NAMES } from '../../model/evaluation';
import { DEFAULT_GRADE_COUNT, MasterScaleError, MAX_GRADE_COUNT, MIN_GRADE_COUNT } from '../../model/master-scale';
import { MasterScaleOptions, trainModel } from '../../model/training';
import { CliCommand, CliFailure, CliUsageError, CliValues } from '../command';
import { printJson, requireReadableFile, sha256File, writeOutputFile } from '../files';
import { numberOption, requiredString, stringOption } from '../options';

/**
 * A trained model goes to a new file in the git-ignored out/ folder unless --out says otherwise,
 * so training never replaces the shipped model by accident. Milliseconds keep two runs apart.
 */
function newArtifactPath(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  return `out/model-${stamp}.json`;
}

/**
 * --grades K or --master-scale b1,b2,… (not both); undefined leaves training to its default of
 * DEFAULT_GRADE_COUNT fitted grades. Checked before the data is read, like every other option.
 */
function masterScaleOption(values: CliValues): MasterScaleOptions | undefined {
  const gradeCount = numberOption(values, 'grades', { integer: true, min: MIN_GRADE_COUNT, max: MAX_GRADE_COUNT });
  const text = stringOption(values, 'master-scale');
  if (gradeCount !== undefined && text !== undefined) {
    throw new CliUsageError(
      '--grades and --master-scale are mutually exclusive: --grades fits K grades, --master-scale gives their boundaries',
    );
  }
  if (text === undefined) return gradeCount === undefined ? undefined : { gradeCount };
  const rule = 'comma-separated inner PD boundaries, strictly increasing, each strictly between 0 and 1';
  const boundaries = text.split(',').map((part) => {
    const value = Number(part);
    if (part.trim() === '' || !Number.isFinite(value)) throw new CliUsageError(`--master-scale must be ${rule}; "${part}" is not a number`);
    if (!(value > 0 && value < 1)) throw new CliUsageError(`--master-scale must be ${rule}; ${value} is not between 0 and 1`);
    return value;
  });
  boundaries.forEach((value, i) => {
    if (i > 0 && !(value > boundaries[i - 1])) {
      throw new CliUsageError(`--master-scale must be ${rule}; ${boundaries[i - 1]} then ${value} does not increase`);
    }
  });
  if (boundaries.length + 1 > MAX_GRADE_COUNT) {
    throw new CliUsageError(
      `--master-scale must give at most ${MAX_GRADE_COUNT - 1} boundaries (${MAX_GRADE_COUNT} grades), got ${boundaries.length}`,
    );
  }
  return { boundaries };
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train the logistic credit model on a labelled CSV and write the artifact',
  options: [
    { name: 'data', value: '<csv>', description: 'Labelled feature CSV (customer_id, the 8 features, actual_default)', required: true },
    {
      name: 'out',
      value: '<artifact>',
      description: 'Where to write the model artifact (default: a new out/model-<UTC time>.json; never the shipped artifacts/model.json)',
    },
    { name: 'force', description: 'Overwrite --out if it exists (needed to replace the shipped artifacts/model.json)' },
    { name: 'seed', value: '<N>', description: 'Seed for the holdout split and the folds', default: '42' },
    { name: 'holdout', value: '<fraction>', description: 'Stratified holdout share, 0 to fit on all rows', default: '0.25' },
    { name: 'folds', value: '<k>', description: 'Stratified cross-validation folds, 0 to skip', default: '5' },
    { name: 'repeats', value: '<n>', description: 'Independent shuffles of the folds', default: '10' },
    { name: 'source', value: '<text>', description: 'Description of the data recorded in the artifact (default: the file path)' },
    { name: 'model-version', value: '<id>', description: 'Version id (default: a hash of the fitted model and data)' },
    {
      name: 'grades',
      value: '<K>',
      description: `Master scale: K rating grades at equal counts of the fitting rows' PDs, ${MIN_GRADE_COUNT} to ${MAX_GRADE_COUNT} (default: ${DEFAULT_GRADE_COUNT}; not with --master-scale)`,
    },
    {
      name: 'master-scale',
      value: '<b1,b2,...>',
      description: 'Master scale given instead: the inner PD boundaries, strictly increasing in (0, 1), e.g. 0.05,0.1,0.2,0.4 (5 grades)',
    },
  ],
  details: `
Prints JSON on stdout: { artifact, modelVersion, threshold, holdout: { rocAuc, accuracy, precision,
recall, f1, brier, logLoss, positiveRate }, crossValidation: { folds, repeats, rocAuc: { mean, sd,
min, max }, ... }, masterScale: { rule, grades: [{ grade, pdLower, pdUpper, developmentCount }] } }.
Progress goes to stderr. A probability p is in the grade with pdLower <= p < pdUpper (p = 1 in
the last); development counts are the fitting (non-holdout) rows. The master scale is stored in
the artifact but not hashed into the model version.`,
  async run(values, io) {
    const data = requiredString(values, 'data');
    requireReadableFile(data, 'data file');
    const outOption = stringOption(values, 'out');
    const out = resolve(outOption ?? newArtifactPath());
    const force = values.force === true;
    // Fail before minutes of training, not after; the write below checks again without a race.
    if (!force && existsSync(out)) throw new CliFailure(`${out} exists; pass --force to overwrite it`);
    const seed = numberOption(values, 'seed', { integer: true, min: 0 }) ?? 42;
    const holdout = numberOption(values, 'holdout', { min: 0, max: 0.9 }) ?? 0.25;
    const folds = numberOption(values, 'folds', { integer: true, min: 0, max: 50 }) ?? 5;
    const repeats = numberOption(values, 'repeats', { integer: true, min: 1, max: 100 }) ?? 10;
    if (folds === 1) throw new CliFailure('--folds must be 0 (no cross-validation) or at least 2');
    const masterScale = masterScaleOption(values);

    io.stderr(`reading ${data}\n`);
    const table = await readFeatureCsvTable(data, { requireLabels: true, requireCustomerId: false });
    if (!table.actualDefault || table.customerIds.length === 0) throw new CliFailure(`${data} has no data rows`);
    const sha256 = await sha256File(data);
    const result = train(
      { columns: table.columns, labels: table.actualDefault },
      {
        seed,
        holdout,
        folds,
        repeats,
        masterScale,
        data: { source: stringOption(values, 'source') ?? relative(process.cwd(), resolve(data)), sha256 },
        modelVersion: stringOption(values, 'model-version'),
        onProgress: (message) => io.stderr(`${message}\n`),
      },
    );
    writeOutputFile(out, serializeArtifact(result.artifact), { overwrite: force });
    io.stderr(`wrote ${out}\n`);

    const cv = result.crossValidation;
    printJson(io.stdout, {
      artifact: out,
      modelVersion: result.artifact.modelVersion,
      threshold: result.artifact.threshold,
      holdout: result.holdout,
      crossValidation: cv && {
        folds: cv.folds,
        repeats: cv.repeats,
        ...Object.fromEntries(METRIC_NAMES.map((name) => [name, cv.metrics[name]])),
      },
      masterScale: result.artifact.masterScale,
    });
  },
};

/** A scale the data cannot support (e.g. every fitting row with the same PD) is bad input, not a bug. */
function train(...args: Parameters<typeof trainModel>): ReturnType<typeof trainModel> {
  try {
    return trainModel(...args);
  } catch (error) {
    if (error instanceof MasterScaleError) throw new CliFailure(`master scale: ${error.message}`);
    throw error;
  }
}

import { loadArtifact } from '../../model/artifact';
import { evaluatePredictions } from '../../model/evaluation';
import { artifactScorer } from '../../model/scorer';
import { CliCommand } from '../command';
import { DEFAULT_MODEL_PATH, printJson, requireReadableFile } from '../files';
import { scoreLabelledCsv } from '../labelled-scores';
import { requiredString, stringOption } from '../options';

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'Evaluate a model artifact on a labelled CSV',
  options: [
    { name: 'data', value: '<csv>', description: 'Labelled feature CSV (with actual_default)', required: true },
    { name: 'model', value: '<artifact>', description: 'Model artifact (default: the shipped artifacts/model.json)' },
  ],
  details: `
Prints JSON on stdout: { rows, rocAuc, accuracy, precision, recall, f1, brier, logLoss,
positiveRate, modelVersion, threshold }. Threshold metrics use the artifact's threshold
(predict default when probability >= threshold). rocAuc is null when one class is absent.`,
  async run(values, io) {
    const data = requiredString(values, 'data');
    requireReadableFile(data, 'data file');
    const artifact = loadArtifact(stringOption(values, 'model') ?? DEFAULT_MODEL_PATH);
    const scorer = artifactScorer(artifact);
    const { probabilities, labels } = await scoreLabelledCsv(data, scorer);
    const metrics = evaluatePredictions(labels, probabilities, scorer.threshold);
    printJson(io.stdout, { rows: labels.length, ...metrics, modelVersion: scorer.modelVersion, threshold: scorer.threshold });
  },
};

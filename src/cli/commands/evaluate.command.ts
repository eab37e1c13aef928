import { loadArtifact } from '../../model/artifact';
import { readFeatureCsv } from '../../model/csv';
import { evaluatePredictions } from '../../model/evaluation';
import { artifactScorer } from '../../model/scorer';
import { CliCommand, CliFailure } from '../command';
import { DEFAULT_MODEL_PATH, printJson, requireReadableFile } from '../files';
import { GrowableFloat64, GrowableUint8 } from '../growable-array';
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
    // Rows are streamed; only the probabilities and labels (9 bytes a row) are kept for ROC AUC.
    const probabilities = new GrowableFloat64();
    const labels = new GrowableUint8();
    for await (const chunk of readFeatureCsv(data, { requireLabels: true, requireCustomerId: false })) {
      probabilities.append(scorer.score(chunk.columns));
      labels.append(chunk.actualDefault as Uint8Array);
    }
    if (labels.length === 0) throw new CliFailure(`${data} has no data rows`);
    const metrics = evaluatePredictions(labels.view(), probabilities.view(), scorer.threshold);
    printJson(io.stdout, { rows: labels.length, ...metrics, modelVersion: scorer.modelVersion, threshold: scorer.threshold });
  },
};

import { basename } from 'node:path';
import { loadArtifact } from '../../model/artifact';
import { computeValidationReport } from '../../model/credit-validation';
import { MasterScale } from '../../model/master-scale';
import { artifactScorer } from '../../model/scorer';
import { renderValidationReportHtml } from '../../performance/report/validation-report-html';
import { CliCommand, CliFailure, CliUsageError } from '../command';
import { DEFAULT_MODEL_PATH, printJson, requireReadableFile, writeOutputFile } from '../files';
import { scoreLabelledCsv } from '../labelled-scores';
import { numberOption, requiredString, stringOption } from '../options';

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Credit-risk validation of a model on a labelled CSV: rating grades, PD backtests, discrimination (same code as the service)',
  options: [
    { name: 'data', value: '<csv>', description: 'Labelled feature CSV (with actual_default)', required: true },
    {
      name: 'model',
      value: '<artifact>',
      description: 'Model artifact (default: the shipped artifacts/model.json); its master scale grades the rows',
    },
    {
      name: 'initial-auc',
      value: '<auc>',
      description: "AUC at initial validation for the AUC-decline test (default: the artifact's holdout ROC AUC)",
    },
    { name: 'report', value: '<out.html>', description: 'Also write the self-contained HTML validation report' },
    { name: 'yellow-p', value: '<p>', description: 'Traffic light YELLOW below this Jeffreys p-value', default: '0.05' },
    { name: 'red-p', value: '<p>', description: 'Traffic light RED below this p-value (and the AUC-decline level)', default: '0.01' },
    { name: 'min-grade-obligors', value: '<n>', description: 'Grades with fewer obligors are INSUFFICIENT_DATA unless RED', default: '20' },
    { name: 'json', description: 'Print the report as JSON (the default; accepted for scripts that pass it)' },
  ],
  details: `
Scores every row with the artifact, grades it on the artifact's master scale (a row belongs to the
grade with pdLower <= probability < pdUpper; the last grade includes 1) and prints JSON on stdout:
{ rows, defaults, rocAuc, rocAucStandardError, rocAucCi: [lo, hi], gini, giniCi: [lo, hi],
  ksSeparation, hosmerLemeshow: { statistic, degreesOfFreedom, pValue }, herfindahl,
  aucDeclineTest: { initialAuc, statistic, pValue, significant },
  grades: [{ grade, pdLower, pdUpper, count, defaults, pd, observedDefaultRate, jeffreysPValue,
             binomialPValue, trafficLight, jeffreysInterval, share, developmentShare }],
  portfolio: { ... }, gradePsi, rocCurve, settings, failed, failures, modelVersion, source }
Statistics that cannot be computed (an empty grade, too few defaults for an AUC) are null.
Methodology and sources: docs/credit-validation.md. Exit code 0 whether or not the model passes:
read "failed".`,
  async run(values, io) {
    const data = requiredString(values, 'data');
    requireReadableFile(data, 'data file');
    const modelPath = stringOption(values, 'model') ?? DEFAULT_MODEL_PATH;
    const artifact = loadArtifact(modelPath);
    if (!artifact.masterScale) {
      throw new CliFailure(`${modelPath} has no master scale (trained before rating grades existed): retrain it with "train --grades K"`);
    }
    const masterScale: MasterScale = artifact.masterScale;
    const yellowPValue = numberOption(values, 'yellow-p', { min: 1e-6, max: 0.5 }) ?? 0.05;
    const redPValue = numberOption(values, 'red-p', { min: 1e-6, max: 0.5 }) ?? 0.01;
    if (!(redPValue < yellowPValue)) throw new CliUsageError(`--red-p (${redPValue}) must be below --yellow-p (${yellowPValue})`);
    const minGradeObligors = numberOption(values, 'min-grade-obligors', { min: 1, integer: true }) ?? 20;
    const initialAuc = numberOption(values, 'initial-auc', { min: 0, max: 1 }) ?? artifact.metrics.holdout?.rocAuc ?? null;

    const scorer = artifactScorer(artifact);
    const { probabilities, labels } = await scoreLabelledCsv(data, scorer);
    const report = computeValidationReport(probabilities, labels, masterScale, {
      initialAuc,
      settings: { yellowPValue, redPValue, minGradeObligors },
    });
    const output = { ...report, modelVersion: artifact.modelVersion, source: data };
    const reportPath = stringOption(values, 'report');
    if (reportPath) {
      writeOutputFile(
        reportPath,
        renderValidationReportHtml(report, {
          title: `Credit validation — ${basename(data)}`,
          modelVersion: artifact.modelVersion,
          period: null,
          source: data,
          generatedAt: new Date(),
          masterScaleRule: masterScale.rule,
        }),
      );
      io.stderr(`wrote ${reportPath}\n`);
    }
    printJson(io.stdout, output);
  },
};

import { randomUUID } from 'node:crypto';
import { checkCsv, profileFromCsv } from '../../drift/drift-files';
import { checkedToDriftReport, reportDetails } from '../../drift/drift-report.mapper';
import { renderDriftReportHtml } from '../../drift/report/drift-report.html';
import { DriftCheckResult } from '../../drift-engine/result-types';
import { loadScorer } from '../../model/scorer';
import { CliCommand, CliUsageError } from '../command';
import { DEFAULT_MODEL_PATH, printJson, requireReadableFile, writeOutputFile } from '../files';
import { listOption, requiredString, stringOption } from '../options';

export const driftCommand: CliCommand = {
  name: 'drift',
  summary: 'Compare current CSV files with a reference CSV (same engine as the service)',
  options: [
    { name: 'reference', value: '<csv>', description: 'Reference (baseline) feature CSV', required: true },
    { name: 'current', value: '<csv> [<csv> ...]', description: 'One or more current feature CSVs', required: true, multiple: true },
    { name: 'report', value: '<out.html>', description: 'Write a self-contained HTML report (one per current file: out-1.html, ...)' },
    {
      name: 'model',
      value: '<artifact>',
      description: 'Model artifact for the prediction column (default: the shipped artifacts/model.json)',
    },
    { name: 'json', description: 'Print the full JSON array (default; accepted for scripts that pass it)' },
  ],
  details: `
Prints a JSON array on stdout, one object per current file:
  { file, rows, status, drifted, globalScore, driftedShare,
    features: [{ name, kind, method, statistic, pValue, adjustedPValue, psi, ks: { statistic, pValue },
                 chiSquare, wasserstein, wassersteinNormalized, jensenShannon, effectSize, status, drifted,
                 evaluated, reason }],
    scoreShift: { total, contributions: [{ feature, contribution, share, baselineMean, currentMean }] } | null,
    gradeDistribution: { grades: [{ grade, pdLower, pdUpper, developmentCount, developmentShare, count, share }],
                         rowCount, developmentRowCount, psi, psiExcess, jensenShannon, effectSize,
                         chiSquare: { statistic, degreesOfFreedom, pValue, pValueMethod },
                         alpha, psiThreshold, effectThreshold, status, reason } | null,
    warnings: [caveats about the verdict, e.g. a baseline too small for the batch] }
status is STABLE, DRIFT or INSUFFICIENT_DATA (a column's status also NOT_EVALUATED); "drifted" lists the drifted columns ("prediction" is
the model output, "multivariate" the joint-distribution test of how the features relate).
scoreShift: the change in the mean log-odds, split exactly into one contribution per feature
(largest first; null with the rule-based fallback scorer).
gradeDistribution: the file's rating-grade mix against the model's development sample (PSI and the
two-sample chi-square over the master scale's grades; null when the model has no master scale). It
does not change status: the prediction column already judges the scores. Verdict rules:
docs/drift-methodology.md.`,
  async run(values, io) {
    const reference = requiredString(values, 'reference');
    const currents = listOption(values, 'current');
    if (currents.length === 0) throw new CliUsageError('--current needs at least one file');
    for (const file of [reference, ...currents]) requireReadableFile(file, 'CSV file');
    const { scorer, warning } = loadScorer(stringOption(values, 'model') ?? DEFAULT_MODEL_PATH);
    if (warning) io.stderr(`warning: ${warning}; predictions use the rule-based fallback scorer\n`);

    io.stderr(`profiling reference ${reference}\n`);
    const profile = await profileFromCsv(reference, scorer);
    const results: Array<{ file: string; result: DriftCheckResult }> = [];
    for (const file of currents) {
      io.stderr(`checking ${file}\n`);
      results.push({ file, result: await checkCsv(profile, file, scorer) });
    }

    const report = stringOption(values, 'report');
    if (report) {
      results.forEach(({ file, result }, i) => {
        const path = results.length === 1 ? report : report.replace(/(\.html?)?$/i, `-${i + 1}.html`);
        const view = checkedToDriftReport(
          { id: randomUUID(), createdAt: new Date(), baselineVersion: 0, result },
          'BATCH',
          scorer.modelVersion,
          file,
        );
        writeOutputFile(
          path,
          renderDriftReportHtml({ report: view, details: reportDetails(result, 0), title: `Drift: ${file} vs ${reference}` }),
        );
        io.stderr(`wrote ${path}\n`);
      });
    }
    printJson(
      io.stdout,
      results.map(({ file, result }) => summarize(file, result)),
    );
  },
};

function summarize(file: string, result: DriftCheckResult): Record<string, unknown> {
  return {
    file,
    rows: result.rowCount,
    status: result.status,
    drifted: result.features.filter((f) => f.drifted).map((f) => f.feature),
    globalScore: result.globalScore,
    driftedShare: result.driftedShare,
    features: result.features.map((f) => ({
      name: f.feature,
      kind: f.kind,
      method: f.method,
      statistic: f.statistic,
      pValue: f.pValue,
      adjustedPValue: f.adjustedPValue,
      psi: f.psi,
      ks: f.ks ? { statistic: f.ks.statistic, pValue: f.ks.pValue } : null,
      chiSquare: f.chiSquare,
      wasserstein: f.wasserstein,
      wassersteinNormalized: f.wassersteinNormalized,
      jensenShannon: f.jensenShannon,
      effectSize: f.effectSize,
      status: f.status,
      drifted: f.drifted,
      evaluated: f.evaluated,
      reason: f.reason ?? null,
    })),
    scoreShift: result.scoreShift ?? null,
    gradeDistribution: result.gradeDistribution ?? null,
    warnings: result.warnings,
  };
}

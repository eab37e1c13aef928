/**
 * Benchmark: the credit validation report (src/model/credit-validation.ts) on 10,000 to 5,000,000
 * labelled predictions — the computation the service runs in a worker thread for
 * `validationReport` and each window's VALIDATION_FAILURE rule, and the CLI runs on a CSV.
 * PDs come from the shipped model scoring generated applications; outcomes are drawn from those
 * PDs (seeded), so the PDs are calibrated by construction (the portfolio light is GREEN) while the
 * AUC on generated data sits below the model card's 0.764 (so the AUC-decline test fails at every
 * size). Prints wall time per size (median of 3). The service caps one report at VALIDATION_MAX_ROWS
 * (2,000,000 by default).
 *
 *   npm run bench:validation [-- --max-rows N]
 */
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateChunks, loadProfile } from '../datasets/generator';
import { loadArtifact } from '../src/model/artifact';
import { computeValidationReport } from '../src/model/credit-validation';
import { artifactScorer } from '../src/model/scorer';
import { mulberry32 } from '../src/stats/random';

const ROOT = resolve(__dirname, '..');
const SIZES = [10_000, 100_000, 1_000_000, 2_000_000, 5_000_000];

function maxRows(): number {
  const at = process.argv.indexOf('--max-rows');
  return at >= 0 ? Number(process.argv[at + 1]) : Number.POSITIVE_INFINITY;
}

function main(): void {
  const artifact = loadArtifact(join(ROOT, 'artifacts', 'model.json'));
  const scorer = artifactScorer(artifact);
  const sizes = SIZES.filter((n) => n <= maxRows());
  const largest = sizes[sizes.length - 1];
  const probabilities = new Float64Array(largest);
  for (const chunk of generateChunks(loadProfile(), largest, { seed: 14, idPrefix: 'bench' }, 250_000)) {
    probabilities.set(scorer.score(chunk.columns), chunk.offset);
    process.stderr.write(`scored ${chunk.offset + chunk.length} / ${largest} generated applications\n`);
  }
  const random = mulberry32(1414);
  const labels = Uint8Array.from(probabilities, (p) => (random() < p ? 1 : 0));

  console.log('| labelled predictions | report (median of 3) | per million | ROC AUC (initial 0.764) | failed | portfolio light |');
  console.log('| ---: | ---: | ---: | ---: | :---: | :---: |');
  for (const n of sizes) {
    const p = probabilities.subarray(0, n);
    const y = labels.subarray(0, n);
    const times: number[] = [];
    let report = computeValidationReport(p, y, artifact.masterScale!, { initialAuc: artifact.metrics.holdout!.rocAuc });
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      report = computeValidationReport(p, y, artifact.masterScale!, { initialAuc: artifact.metrics.holdout!.rocAuc });
      times.push(performance.now() - started);
    }
    const median = times.sort((a, b) => a - b)[1];
    console.log(
      `| ${n.toLocaleString('en-US')} | ${median.toFixed(0)} ms | ${((median * 1e6) / n).toFixed(0)} ms | ${report.rocAuc?.toFixed(4) ?? 'n/a'} | ${report.failed ? 'yes' : 'no'} | ${report.portfolio.trafficLight} |`,
    );
    process.stderr.write(`done ${n} rows\n`);
  }
}

main();

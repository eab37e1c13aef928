/**
 * Calibration of the drift verdict on synthetic data (npm run bench:drift-calibration).
 *
 * Baseline: 5,000 generated rows (seed 1) profiled like the service does. For each batch size
 * (50, 200, 1,000, 5,000) and each scenario, fresh seeded batches are checked and the share of
 * DRIFT verdicts is tabulated:
 * - 'none' (batches from the baseline distribution): DRIFT must stay ≤ 5% at every size;
 * - the target shifts: DRIFT must reach ≥ 90% from 200 rows up (50 rows: as high as possible);
 * - informational rows (younger applicants; concept drift, which changes outcomes only and is
 *   invisible to data drift by design) are reported without a target.
 *
 * Options: --trials N (default 200), --trials-large N (5,000-row batches, default 100),
 * --sizes 50,200 --scenarios none,income_drop --profile path/to/profile.json
 *
 * After the verdict table, three studies (reportStudies):
 * - minimum detectable shift of the Wasserstein gate per numeric column and batch size (the true
 *   location shift, in baseline SDs, met in half of the batches, over fresh baselines), now and
 *   under the previous rule; --mds-batches N (batches at 50 rows, fewer at larger sizes; default
 *   4,000; 0 skips), --mds-baselines N (default 40);
 * - cost of the discrete columns' permutation chi-square (baseline 5,000 rows, K ≤ 20);
 * - per-baseline false alarms: the distribution over baselines of each baseline's false-alarm rate
 *   on no-drift batches (full verdict, and significance alone); --baselines N per baseline size
 *   (default 200; 0 skips), --baseline-sizes 5000,500,200 (default: the shipped baseline's size,
 *   datasets/baseline-sample.csv, 500, and 200, below the warning floor of baseline-size.ts),
 *   --study-sizes 1000,5000 (window sizes, e.g. 20000,100000, on request), --study-batches 40.
 *
 * Default run: about 7 minutes on the 2-core container (--baselines 0 --mds-batches 0: about 1).
 */
import { ScenarioName } from '../datasets/generator';
import { checkDrift } from '../src/drift-engine/check';
import { defaultColumnKinds } from '../src/drift-engine/columns';
import { DEFAULT_DRIFT_CONFIG } from '../src/drift-engine/config';
import { buildBaselineProfile } from '../src/drift-engine/profile';
import { DriftStatus } from '../src/drift-engine/result-types';
import { deriveSeed } from '../src/stats/random';
import { argument, formatPercent, generateBatch, loadBenchContext, padLeft, padRight } from './drift-support';
import { BenchContext, minimumDetectableShifts, perBaselineFalseAlarms, permutationTestCosts, rateDistribution } from './drift-support';

interface ScenarioSpec {
  name: 'none' | ScenarioName;
  strength?: number;
  label: string;
  target: 'no-drift' | 'detect' | 'info';
}

const SCENARIOS: ScenarioSpec[] = [
  { name: 'none', label: 'none (baseline distribution)', target: 'no-drift' },
  { name: 'income_drop', strength: 0.2, label: 'income −20%', target: 'detect' },
  { name: 'older_applicants', strength: 5, label: 'age +5 years', target: 'detect' },
  { name: 'higher_utilization', strength: 0.1, label: 'utilization +0.1', target: 'detect' },
  { name: 'larger_loans', strength: 0.5, label: 'loan amount +50%', target: 'detect' },
  { name: 'higher_dti', strength: 0.3, label: 'debt-to-income +30%', target: 'detect' },
  { name: 'more_delinquencies', strength: 0.3, label: '30% → 3 delinquencies', target: 'detect' },
  { name: 'segment_mix', strength: 1, label: 'only applicants < 30', target: 'detect' },
  { name: 'loan_income_decoupled', strength: 1, label: 'income–loan amount link broken', target: 'detect' },
  { name: 'dti_income_decoupled', strength: 1, label: 'income–debt-to-income link broken', target: 'detect' },
  { name: 'employment_age_decoupled', strength: 1, label: 'age–employment years link broken', target: 'detect' },
  { name: 'younger_applicants', strength: 5, label: 'age −5 years', target: 'info' },
  { name: 'concept_drift', strength: 0.5, label: 'concept drift (labels only)', target: 'info' },
];

const BASELINE_ROWS = 5000;
const BASELINE_SEED = 1;
const FALSE_ALARM_LIMIT = 0.05;
const DETECTION_TARGET = 0.9;
const DETECTION_FROM_SIZE = 200;

function main(): void {
  const sizes = (argument('sizes') ?? '50,200,1000,5000').split(',').map(Number);
  const trials = Number(argument('trials') ?? 200);
  const trialsLarge = Number(argument('trials-large') ?? 100);
  const only = argument('scenarios')?.split(',');
  const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;

  const context = loadBenchContext();
  const baseline = generateBatch(context, BASELINE_ROWS, BASELINE_SEED);
  const profile = buildBaselineProfile(baseline, defaultColumnKinds());
  process.stderr.write(`baseline: ${BASELINE_ROWS} rows (seed ${BASELINE_SEED}); ${context.describe}\n`);

  const driftRate = new Map<string, number>();
  const insufficientRate = new Map<string, number>();
  const flaggedColumns = new Map<string, Map<string, number>>();
  const started = Date.now();
  scenarios.forEach((scenario, scenarioIndex) => {
    for (const size of sizes) {
      const count = size >= 5000 ? trialsLarge : trials;
      const statuses: Record<DriftStatus, number> = { STABLE: 0, DRIFT: 0, INSUFFICIENT_DATA: 0 };
      const flagged = new Map<string, number>();
      for (let trial = 0; trial < count; trial++) {
        const seed = deriveSeed(20240601, scenarioIndex, size, trial);
        const batch = generateBatch(context, size, seed, scenario.name === 'none' ? undefined : scenario.name, scenario.strength);
        const result = checkDrift(profile, batch);
        statuses[result.status]++;
        for (const feature of result.features) if (feature.drifted) flagged.set(feature.feature, (flagged.get(feature.feature) ?? 0) + 1);
      }
      const key = `${scenario.name}@${size}`;
      driftRate.set(key, statuses.DRIFT / count);
      insufficientRate.set(key, statuses.INSUFFICIENT_DATA / count);
      flaggedColumns.set(key, flagged);
      process.stderr.write(
        `  ${padRight(scenario.label, 30)} n=${padLeft(String(size), 5)}: DRIFT ${formatPercent(statuses.DRIFT / count)} ` +
          `(${count} trials, ${((Date.now() - started) / 1000).toFixed(0)} s elapsed)\n`,
      );
    }
  });

  const header = `${padRight('scenario', 32)}${sizes.map((s) => padLeft(`n=${s}`, 10)).join('')}   target`;
  console.log('\nDRIFT verdict rate per scenario and batch size');
  console.log(header);
  console.log('-'.repeat(header.length + 10));
  const failures: string[] = [];
  for (const scenario of scenarios) {
    const cells = sizes.map((size) => {
      const rate = driftRate.get(`${scenario.name}@${size}`) as number;
      let ok = true;
      if (scenario.target === 'no-drift' && rate > FALSE_ALARM_LIMIT) ok = false;
      if (scenario.target === 'detect' && size >= DETECTION_FROM_SIZE && rate < DETECTION_TARGET) ok = false;
      if (!ok) failures.push(`${scenario.label} at n=${size}: ${formatPercent(rate)}`);
      return padLeft(formatPercent(rate) + (ok ? ' ' : '!'), 10);
    });
    const target =
      scenario.target === 'no-drift'
        ? '≤ 5% (false alarms)'
        : scenario.target === 'detect'
          ? `≥ 90% from n=${DETECTION_FROM_SIZE}`
          : 'informational';
    console.log(`${padRight(scenario.label, 32)}${cells.join('')}   ${target}`);
  }

  console.log('\nINSUFFICIENT_DATA rate');
  for (const scenario of scenarios) {
    const cells = sizes.map((size) => padLeft(formatPercent(insufficientRate.get(`${scenario.name}@${size}`) as number), 10));
    console.log(`${padRight(scenario.label, 32)}${cells.join('')}`);
  }

  console.log('\nColumns flagged (share of batches), per scenario and size');
  for (const scenario of scenarios) {
    for (const size of sizes) {
      const key = `${scenario.name}@${size}`;
      const count = size >= 5000 ? trialsLarge : trials;
      const flagged = Array.from((flaggedColumns.get(key) as Map<string, number>).entries())
        .sort((a, b) => b[1] - a[1])
        .map(([column, hits]) => `${column} ${formatPercent(hits / count)}`)
        .join(', ');
      console.log(`  ${padRight(scenario.label, 30)} n=${padLeft(String(size), 5)}: ${flagged || '—'}`);
    }
  }

  console.log(
    `\n${failures.length === 0 ? 'PASS' : 'FAIL'}: false alarms ≤ 5% at every size; target shifts ≥ 90% from n=${DETECTION_FROM_SIZE}`,
  );
  for (const failure of failures) console.log(`  FAIL ${failure}`);
  process.exitCode = failures.length === 0 ? 0 : 1;

  reportStudies(context, sizes);
}

/** A per-baseline false-alarm rate above this counts as a persistently alarming baseline. */
const PER_BASELINE_LIMIT = 0.1;
/** At most this share of baselines may be persistently alarming. */
const PERSISTENT_SHARE_LIMIT = 0.05;

function reportStudies(context: BenchContext, sizes: number[]): void {
  const started = Date.now();
  const mdsBatches = Number(argument('mds-batches') ?? 4000);
  if (mdsBatches > 0) {
    const threshold = DEFAULT_DRIFT_CONFIG.wassersteinThreshold;
    const mdsBaselines = Number(argument('mds-baselines') ?? 40);
    const shifts = minimumDetectableShifts(context, sizes, {
      baselineRows: BASELINE_ROWS,
      baselines: mdsBaselines,
      batchesAt50: mdsBatches,
      threshold,
      seed: 20240602,
    });
    console.log(
      `\nMinimum detectable shift of the Wasserstein gate (gate ${threshold} SD): the true location shift, in baseline SDs, ` +
        `met in 50% of no-drift batches moved by it (${mdsBaselines} fresh ${BASELINE_ROWS}-row baselines; batches per size: ` +
        `${sizes.map((s) => shifts.find((r) => r.batchRows === s)?.batches ?? 0).join(' / ')}); previous rule in brackets`,
    );
    console.log(`${padRight('column', 20)}${sizes.map((s) => padLeft(`n=${s}`, 18)).join('')}`);
    for (const column of Array.from(new Set(shifts.map((r) => r.column)))) {
      const cells = sizes.map((size) => {
        const row = shifts.find((r) => r.column === column && r.batchRows === size);
        return padLeft(row ? `${row.current.toFixed(3)} (${row.previous.toFixed(3)})` : '—', 18);
      });
      console.log(`${padRight(column, 20)}${cells.join('')}`);
    }
  }

  console.log('\nPermutation chi-square cost per discrete column (baseline 5,000 rows, one category at 0.06%)');
  console.log(
    `${padRight('K', 4)}${padLeft('batch rows', 12)}${padLeft('case', 10)}${padLeft('p-value', 14)}${padLeft('draws', 8)}${padLeft('ms', 9)}`,
  );
  for (const row of permutationTestCosts([2, 5, 20], [30, 130, 1000, 5000])) {
    console.log(
      `${padRight(String(row.categories), 4)}${padLeft(String(row.batchRows), 12)}${padLeft(row.case, 10)}` +
        `${padLeft(row.method, 14)}${padLeft(row.draws === null ? '—' : String(row.draws), 8)}${padLeft(row.milliseconds.toFixed(3), 9)}`,
    );
  }

  const baselines = Number(argument('baselines') ?? 200);
  if (baselines > 0) {
    const baselineSizes = (argument('baseline-sizes') ?? `${BASELINE_ROWS},500,200`).split(',').map(Number);
    const studySizes = (argument('study-sizes') ?? '1000,5000').split(',').map(Number);
    const batchesPerBaseline = Number(argument('study-batches') ?? 40);
    console.log(
      `\nPer-baseline false alarms: ${baselines} baselines per size, each judged on ${batchesPerBaseline} no-drift batches per batch size; ` +
        `distribution over baselines of the share of a baseline's batches that alarmed`,
    );
    const columns = ['median', 'p90', 'p95', `>${PER_BASELINE_LIMIT * 100}%`, 'mean', 'max'];
    console.log(`${padRight('baseline', 10)}${padLeft('batch', 8)}  ${padRight('gate', 14)}${columns.map((h) => padLeft(h, 9)).join('')}`);
    for (const baselineRows of baselineSizes) {
      const rates = perBaselineFalseAlarms(
        context,
        { baselineRows, baselines, batchRows: studySizes, batchesPerBaseline, seed: 20240603 },
        (done) => {
          if (done % 50 === 0) process.stderr.write(`  per-baseline study: ${baselineRows}-row baselines ${done}/${baselines}\n`);
        },
      );
      for (const batchRows of studySizes) {
        const { drift, significant } = rates.get(batchRows) as { drift: number[]; significant: number[] };
        for (const [gate, values] of [
          ['full verdict', drift],
          ['significance', significant],
        ] as const) {
          const d = rateDistribution(values, PER_BASELINE_LIMIT);
          const flag = gate === 'full verdict' ? (d.shareAbove <= PERSISTENT_SHARE_LIMIT ? ' ' : '!') : ' ';
          console.log(
            `${padRight(String(baselineRows), 10)}${padLeft(String(batchRows), 8)}  ${padRight(gate, 14)}` +
              [d.median, d.p90, d.p95, d.shareAbove, d.mean, d.max].map((v) => padLeft(formatPercent(v), 9)).join('') +
              flag,
          );
        }
      }
    }
    console.log(
      `  ! = more than ${PERSISTENT_SHARE_LIMIT * 100}% of baselines alarm on more than ${PER_BASELINE_LIMIT * 100}% of ` +
        `same-distribution batches (the baseline is too small for batches of that size)`,
    );
  }
  process.stderr.write(`studies: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main();

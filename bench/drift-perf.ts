/**
 * Drift-check performance (npm run bench:drift): 8 features, prediction and the multivariate column, a 100,000-row baseline
 * profile, current windows of 10,000, 100,000 and 1,000,000 rows. Reports the time per check
 * (sorting and binning included: the check starts from unsorted columns, as the service has them)
 * and the process's peak resident memory. Target: 1,000,000 rows in under 1.5 s.
 *
 * Options: --repeats N (default 3; the median is reported), --profile path/to/profile.json
 */
import { checkDrift } from '../src/drift-engine/check';
import { defaultColumnKinds } from '../src/drift-engine/columns';
import { buildBaselineProfile } from '../src/drift-engine/profile';
import { argument, generateBatch, loadBenchContext, padLeft, padRight } from './drift-support';

const BASELINE_ROWS = 100_000;
const WINDOWS = [10_000, 100_000, 1_000_000];
const TARGET_MS_AT_1M = 1500;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function main(): void {
  const repeats = Number(argument('repeats') ?? 3);
  const context = loadBenchContext();
  const kinds = defaultColumnKinds();

  const profileStart = process.hrtime.bigint();
  const baseline = generateBatch(context, BASELINE_ROWS, 1);
  const profile = buildBaselineProfile(baseline, kinds);
  const profileMs = Number(process.hrtime.bigint() - profileStart) / 1e6;
  // Through JSON, as the service reads it back from JSONB.
  const stored = JSON.parse(JSON.stringify(profile)) as typeof profile;
  process.stderr.write(
    `baseline profile: ${BASELINE_ROWS} rows (generate + score + profile ${profileMs.toFixed(0)} ms), ` +
      `${(JSON.stringify(profile).length / 1024 / 1024).toFixed(1)} MB as JSON; ${context.describe}\n`,
  );

  const rows: string[] = [];
  let pass = true;
  for (const size of WINDOWS) {
    process.stderr.write(`generating ${size} rows...\n`);
    const batch = generateBatch(context, size, 2, 'income_drop', 0.05);
    const timings: number[] = [];
    let status = '';
    for (let r = 0; r < repeats; r++) {
      const start = process.hrtime.bigint();
      const result = checkDrift(stored, batch);
      timings.push(Number(process.hrtime.bigint() - start) / 1e6);
      status = `${result.status} (${
        result.features
          .filter((f) => f.drifted)
          .map((f) => f.feature)
          .join(', ') || 'none'
      })`;
    }
    const ms = median(timings);
    if (size === 1_000_000 && ms > TARGET_MS_AT_1M) pass = false;
    rows.push(
      `${padLeft(size.toLocaleString('en-US'), 10)}  ${padLeft(ms.toFixed(0) + ' ms', 9)}  ${padLeft(
        (((size / ms) * 1000) / 1e6).toFixed(2) + ' M rows/s',
        15,
      )}  ${padLeft(megabytes(process.memoryUsage().rss), 8)}  ${padLeft(megabytes(process.resourceUsage().maxRSS * 1024), 8)}  ${status}`,
    );
  }
  console.log(
    `\nDrift check, ${Object.keys(profile.columns).length} columns (8 features, prediction, multivariate), baseline ${BASELINE_ROWS.toLocaleString('en-US')} rows, median of ${repeats}`,
  );
  console.log(
    `${padRight('rows', 10)}  ${padLeft('time', 9)}  ${padLeft('throughput', 15)}  ${padLeft('RSS', 8)}  ${padLeft('peak RSS', 8)}  verdict (income −5%)`,
  );
  for (const row of rows) console.log(row);
  console.log(`\n${pass ? 'PASS' : 'FAIL'}: 1,000,000 rows ${pass ? 'within' : 'over'} ${TARGET_MS_AT_1M} ms`);
  process.exitCode = pass ? 0 : 1;
}

main();

/**
 * Benchmark: `score` on 1,000,000 generated applications must finish in under 5 seconds with
 * bounded memory. Generates the CSV (not timed), runs the real CLI as a child process exactly as a
 * user would (`node -r ts-node/register/transpile-only src/cli/main.ts score ...`, so TypeScript
 * start-up is included), and prints wall time, throughput and peak RSS of the child.
 *
 *   npm run bench:score [-- --rows N --keep]
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateChunks, loadProfile, syntheticCustomerId } from '../datasets/generator';
import { featureCsvHeader, featureCsvLines } from '../src/model/feature-csv-writer';

const LIMIT_SECONDS = 5;
const ROOT = resolve(__dirname, '..');

async function writeSample(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const write = (text: string): Promise<void> =>
    new Promise((resolveWrite) => (out.write(text) ? resolveWrite() : out.once('drain', () => resolveWrite())));
  await write(featureCsvHeader(false));
  for (const chunk of generateChunks(loadProfile(), rows, { seed: 2024, idPrefix: 'bench' }, 100_000)) {
    await write(featureCsvLines((i) => syntheticCustomerId('bench', chunk.offset + i), chunk.columns, null));
    process.stderr.write(`generated ${chunk.offset + chunk.length} / ${rows} rows\n`);
  }
  await new Promise<void>((resolveEnd) => out.end(() => resolveEnd()));
}

function runScore(data: string, out: string): Promise<{ seconds: number; peakRssKb: number; code: number | null; stdout: string }> {
  const args = [
    '-r',
    'ts-node/register/transpile-only',
    '-r',
    './bench/score-peak-rss.ts',
    'src/cli/main.ts',
    'score',
    '--data',
    data,
    '--out',
    out,
  ];
  return new Promise((resolveRun, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const match = /peak-rss-kb (\d+)/.exec(stderr);
      if (code !== 0) process.stderr.write(stderr);
      resolveRun({ seconds, peakRssKb: match ? Number(match[1]) : Number.NaN, code, stdout });
    });
  });
}

async function main(): Promise<void> {
  const rowsFlag = process.argv.indexOf('--rows');
  const rows = rowsFlag > 0 ? Number(process.argv[rowsFlag + 1]) : 1_000_000;
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(join(tmpdir(), 'bench-score-'));
  const data = join(dir, 'applications.csv');
  const out = join(dir, 'scores.csv');
  try {
    process.stderr.write(`writing ${rows} generated rows to ${data}\n`);
    await writeSample(data, rows);
    const inputMb = statSync(data).size / 1e6;
    process.stderr.write(`scoring with the CLI (child process)\n`);
    const result = await runScore(data, out);
    if (result.code !== 0) throw new Error(`score exited with code ${result.code}`);
    const scored = (JSON.parse(result.stdout) as { rows: number }).rows;
    const pass = scored === rows && result.seconds < LIMIT_SECONDS;
    const report = {
      rows: scored,
      inputMb: Number(inputMb.toFixed(1)),
      seconds: Number(result.seconds.toFixed(3)),
      rowsPerSecond: Math.round(scored / result.seconds),
      peakRssMb: Number((result.peakRssKb / 1024).toFixed(1)),
      limitSeconds: LIMIT_SECONDS,
      result: pass ? 'PASS' : 'FAIL',
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      `score: ${scored} rows in ${report.seconds} s (${report.rowsPerSecond} rows/s), peak RSS ${report.peakRssMb} MB — ${report.result} (< ${LIMIT_SECONDS} s)\n`,
    );
    if (!pass) process.exitCode = 1;
  } finally {
    if (keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

void main();

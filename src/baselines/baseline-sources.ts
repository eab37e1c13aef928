import { constants, existsSync, realpathSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { EntityManager } from 'typeorm';
import { baselineColumnKinds } from '../drift-engine/baseline-columns';
import { multivariateSplit } from '../drift-engine/multivariate';
import { orderStatisticPositions, OrderStatistics, profileFromOrderStatistics, withMultivariateModel } from '../drift-engine/profile';
import { BaselineProfile } from '../drift-engine/profile-types';
import { sketchFromBinAggregates } from '../drift-engine/sketch';
import { CsvError, CUSTOMER_ID_COLUMN, LABEL_COLUMN, parseFeatureCsv } from '../model/csv';
import { FEATURE_CSV_COLUMNS, FEATURE_NAMES, FeatureColumns } from '../model/features';
import { loggedColumnOf } from '../prediction-logs/prediction-log-columns';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { mulberry32 } from '../stats/random';
import { BaselinePathForbiddenError, BaselineSourceError } from './baselines.errors';

export interface LoadedRows {
  features: FeatureColumns;
  /** Model outputs when the source has them (prediction logs); null for CSV files. */
  predictions: Float64Array | null;
  rowCount: number;
}

/**
 * Largest baseline file read. MAX_BASELINE_ROWS (1,000,000) rows of a feature CSV take about
 * 90 MB, so this admits every legitimate baseline while bounding what one mutation reads.
 */
export const MAX_BASELINE_FILE_BYTES = 128 * 1024 * 1024;

const MAX_PATH_LENGTH = 512;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Resolves a user-supplied CSV path and refuses anything outside the allowed data folder (after
 * resolving symlinks and "..", so neither can escape it), anything not named *.csv, and anything
 * that is not a regular file (directories, FIFOs, devices, sockets).
 *
 * Error messages name the path only as the caller gave it (relative): never the data folder, a
 * resolved path or anything else about the server's file system.
 */
export function resolveAllowedPath(path: string, allowedDir: string): string {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH || CONTROL_CHARACTERS.test(path)) {
    throw new BaselineSourceError('path', `must be a relative file path of 1 to ${MAX_PATH_LENGTH} printable characters`);
  }
  if (isAbsolute(path)) {
    throw new BaselinePathForbiddenError(
      'absolute paths are not accepted: give a path relative to the baseline data folder (BASELINE_DATA_DIR)',
    );
  }
  const root = realpathSync(resolve(allowedDir));
  const real = realpathOfDeepestExisting(resolve(root, path));
  const rel = relative(root, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new BaselinePathForbiddenError(`'${path}' is outside the baseline data folder (BASELINE_DATA_DIR)`);
  }
  if (!hasCsvExtension(path)) throw new BaselineSourceError('path', `'${path}' is not a CSV file (expected a .csv extension)`);
  if (!existsSync(real)) throw new BaselineSourceError('path', `file '${path}' does not exist in the baseline data folder`);
  if (!statSync(real).isFile()) throw new BaselineSourceError('path', `'${path}' is not a regular file`);
  // A symlink named *.csv must also lead to a CSV file.
  if (!hasCsvExtension(real)) throw new BaselineSourceError('path', `'${path}' is not a CSV file (expected a .csv extension)`);
  return real;
}

function hasCsvExtension(path: string): boolean {
  return extname(path).toLowerCase() === '.csv';
}

/**
 * realpath of `path`, or for a path that does not exist (yet), the realpath of its deepest
 * existing ancestor joined with the rest: a missing file below a symlinked folder is judged by
 * where that folder really is.
 */
function realpathOfDeepestExisting(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) return path;
    rest.unshift(basename(existing));
    existing = parent;
  }
  return join(realpathSync(existing), ...rest);
}

export type CsvSelection = { mode: 'ALL' } | { mode: 'FIRST'; rows: number } | { mode: 'RANDOM'; rows: number; seed: number };

/**
 * Reads a feature CSV in chunks, keeping all rows, the first N, or a uniform random N
 * (reservoir sampling with a seeded generator, so the same seed picks the same rows).
 *
 * `displayName` is how errors refer to the file (the path as the caller gave it). The file is opened
 * without following a final symlink and without blocking (a FIFO swapped in after
 * resolveAllowedPath is refused, not waited on), then checked again through the open descriptor.
 */
export async function readCsvRows(path: string, selection: CsvSelection, displayName = basename(path)): Promise<LoadedRows> {
  const limit = selection.mode === 'ALL' ? Number.POSITIVE_INFINITY : selection.rows;
  const kept: number[][] = FEATURE_NAMES.map(() => []);
  const random = selection.mode === 'RANDOM' ? mulberry32(selection.seed) : null;
  let seen = 0;
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => {
    throw new BaselineSourceError('path', `'${displayName}' cannot be opened`);
  });
  try {
    const stat = await file.stat();
    if (!stat.isFile()) throw new BaselineSourceError('path', `'${displayName}' is not a regular file`);
    if (stat.size > MAX_BASELINE_FILE_BYTES) throw tooLarge(displayName);
    const text = decodeUtf8(file.createReadStream({ highWaterMark: 1 << 20, autoClose: false }), displayName);
    for await (const chunk of parseFeatureCsv(text, { requireCustomerId: false, sourceName: displayName })) {
      for (let i = 0; i < chunk.length; i++, seen++) {
        let slot = -1;
        if (seen < limit) slot = seen;
        else if (random) {
          const j = Math.floor(random() * (seen + 1));
          if (j < limit) slot = j;
        } else break;
        if (slot < 0) continue;
        FEATURE_NAMES.forEach((name, f) => (kept[f][slot] = chunk.columns[name][i]));
      }
      if (!random && seen >= limit) break;
    }
  } catch (error) {
    if (error instanceof CsvError) throw new BaselineSourceError('path', describeCsvError(displayName, error));
    throw error;
  } finally {
    await file.close();
  }
  const rowCount = kept[0].length;
  if (rowCount === 0) throw new BaselineSourceError('path', `'${displayName}' has no data rows`);
  const features = {} as FeatureColumns;
  FEATURE_NAMES.forEach((name, f) => (features[name] = Float64Array.from(kept[f])));
  return { features, predictions: null, rowCount };
}

function tooLarge(name: string): BaselineSourceError {
  return new BaselineSourceError('path', `'${name}' is larger than ${MAX_BASELINE_FILE_BYTES / (1024 * 1024)} MiB`);
}

/**
 * Decodes a byte stream as UTF-8 without splitting characters across chunks, and stops at the
 * size cap even when the file grows after it was checked.
 */
async function* decodeUtf8(bytes: AsyncIterable<Buffer>, name: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let total = 0;
  for await (const piece of bytes) {
    total += piece.length;
    if (total > MAX_BASELINE_FILE_BYTES) throw tooLarge(name);
    yield decoder.write(piece);
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

/** Column names the reader knows; any other header text is file content and is never quoted. */
const KNOWN_COLUMNS: ReadonlySet<string> = new Set([...Object.values(FEATURE_CSV_COLUMNS), CUSTOMER_ID_COLUMN, LABEL_COLUMN]);

/**
 * CsvError messages quote file contents (the offending value, the header found) and the source
 * path. Callers see only the line, a known column name and the broken rule: each rule the reader
 * can report is matched here and restated without the quoted text; anything else is "malformed".
 */
const CSV_RULES: Array<[RegExp, (match: RegExpMatchArray) => string]> = [
  [/^empty header line: expected column names$/, (m) => m[0]],
  [/^empty file: expected a header row with columns [a-z_,]+$/, (m) => m[0]],
  [/^column appears twice in the header$/, (m) => m[0]],
  [
    /^missing column "([a-z_]+)" in the header/,
    (m) => (KNOWN_COLUMNS.has(m[1]) ? `missing column "${m[1]}" in the header` : 'missing a required column in the header'),
  ],
  [/^expected \d+ fields as in the header, found (?:more|\d+)$/, (m) => m[0]],
  [/^empty value, expected a number$/, (m) => m[0]],
  [/ is not a finite number$/, () => 'not a finite number'],
  [/ is not a label \(expected true\/false\/1\/0\)$/, () => 'not a label (expected true/false/1/0)'],
  [/^unterminated quoted field \(quoted line breaks are not supported\)$/, (m) => m[0]],
  [/^unexpected text after a closing quote at character \d+$/, (m) => m[0]],
];

export function describeCsvError(name: string, error: CsvError): string {
  let rule = 'malformed CSV';
  for (const [pattern, restate] of CSV_RULES) {
    const match = error.problem.match(pattern);
    if (match) {
      rule = restate(match);
      break;
    }
  }
  const column = error.column !== null && KNOWN_COLUMNS.has(error.column) ? `, column "${error.column}"` : '';
  const line = Number.isInteger(error.line) ? error.line : 0;
  return `'${name}' line ${line}${column}: ${rule}`;
}

/**
 * The baseline profile of every application logged in [from, to), built in PostgreSQL: column
 * moments, then the order statistics the profile needs (one sort per column, only those values
 * come back), then the counts on the new grid. Memory in Node stays about 21,000 values per
 * column whatever the number of rows, and every row counts (profileFromOrderStatistics).
 */
export async function profileFromPredictionLogs(
  logs: PredictionLogsRepository,
  manager: EntityManager,
  from: Date,
  to: Date,
): Promise<{ profile: BaselineProfile; rowCount: number }> {
  const kinds = baselineColumnKinds();
  const names = Object.keys(kinds);
  const sources = names.map(loggedColumnOf);
  const moments = await logs.columnMoments(manager, from, to, sources);
  if (moments.count === 0) {
    throw new BaselineSourceError('from', `no prediction logs between ${from.toISOString()} and ${to.toISOString()}`);
  }
  const count = moments.count;
  const positions = names.map((name) => orderStatisticPositions(count, kinds[name]));
  const values = await logs.orderStatistics(manager, {
    from,
    to,
    count,
    columns: names.map((name, i) => ({ source: sources[i], positions: positions[i] })),
  });
  const statistics: Record<string, OrderStatistics> = {};
  names.forEach((name, i) => (statistics[name] = { kind: kinds[name], count, ...moments.columns[i], values: values[i] }));
  const built = profileFromOrderStatistics(statistics);
  const bins = await logs.pushDownBins(manager, {
    from,
    to,
    columns: built.specs.map((spec) => ({ ...spec, source: loggedColumnOf(spec.name) })),
  });
  const profile = built.complete(sketchFromBinAggregates('new baseline', built.specs, bins));
  // The multivariate model reads only the rows multivariateSplit picks (at most 20,000), in the
  // order buildBaselineProfile would see them: the same model as from the rows themselves.
  const split = multivariateSplit(count);
  const pairs = split.fit.flatMap((first, k) => [first, split.reference[k]]);
  const sampled = await logs.featureRowsAt(manager, from, to, pairs);
  return { profile: withMultivariateModel(profile, sampled), rowCount: count };
}

import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { EntityManager } from 'typeorm';
import { featureColumnsFromRows, PREDICTION_LOG_FEATURE_SELECT } from '../database/prediction-log-columns';
import { FEATURE_NAMES, FeatureColumns } from '../model/features';
import { readFeatureCsv, CsvError } from '../model/csv';
import { mulberry32 } from '../stats/random';
import { BaselinePathForbiddenError, BaselineSourceError } from './baselines.errors';

export interface LoadedRows {
  features: FeatureColumns;
  /** Model outputs when the source has them (prediction logs); null for CSV files. */
  predictions: Float64Array | null;
  rowCount: number;
}

/**
 * Resolves a user-supplied CSV path and refuses anything outside the allowed data folder
 * (after resolving symlinks and "..", so neither can escape it).
 */
export function resolveAllowedPath(path: string, allowedDir: string): string {
  const root = realpathSync(resolve(allowedDir));
  const candidate = resolve(root, path);
  const real = existsSync(candidate) ? realpathSync(candidate) : candidate;
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new BaselinePathForbiddenError(path, allowedDir);
  if (!existsSync(real)) throw new BaselineSourceError('path', `file '${path}' does not exist in '${allowedDir}'`);
  return real;
}

export type CsvSelection = { mode: 'ALL' } | { mode: 'FIRST'; rows: number } | { mode: 'RANDOM'; rows: number; seed: number };

/**
 * Reads a feature CSV in chunks, keeping all rows, the first N, or a uniform random N
 * (reservoir sampling with a seeded generator, so the same seed picks the same rows).
 */
export async function readCsvRows(path: string, selection: CsvSelection): Promise<LoadedRows> {
  const limit = selection.mode === 'ALL' ? Number.POSITIVE_INFINITY : selection.rows;
  const kept: number[][] = FEATURE_NAMES.map(() => []);
  const random = selection.mode === 'RANDOM' ? mulberry32(selection.seed) : null;
  let seen = 0;
  try {
    for await (const chunk of readFeatureCsv(path, { requireCustomerId: false })) {
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
    if (error instanceof CsvError) throw new BaselineSourceError('path', error.message);
    throw error;
  }
  const rowCount = kept[0].length;
  if (rowCount === 0) throw new BaselineSourceError('path', 'the file has no data rows');
  const features = {} as FeatureColumns;
  FEATURE_NAMES.forEach((name, f) => (features[name] = Float64Array.from(kept[f])));
  return { features, predictions: null, rowCount };
}

/** Logged applications and their predictions from a time window [from, to). */
export async function readPredictionLogRows(manager: EntityManager, from: Date, to: Date, maxRows: number): Promise<LoadedRows> {
  const rows: Array<Record<string, number>> = await manager.query(
    `SELECT ${PREDICTION_LOG_FEATURE_SELECT}, probability
     FROM prediction_logs WHERE created_at >= $1 AND created_at < $2 ORDER BY id LIMIT $3`,
    [from, to, maxRows],
  );
  if (rows.length === 0) {
    throw new BaselineSourceError('from', `no prediction logs between ${from.toISOString()} and ${to.toISOString()}`);
  }
  return { features: featureColumnsFromRows(rows), predictions: Float64Array.from(rows, (row) => row.probability), rowCount: rows.length };
}

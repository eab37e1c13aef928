import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { WindowRange } from './prediction-logs.repository';

export interface LabelledPredictionCounts {
  /** Rows with a joined outcome. */
  labelled: number;
  /** Rows scored in the range whose outcome has not arrived (yet). */
  unlabelled: number;
}

export interface LabelledPredictions {
  probabilities: Float64Array;
  /** 1 = defaulted. */
  labels: Uint8Array;
}

/**
 * The (PD, outcome) pairs a credit validation report tests: every prediction one model version
 * made in a period whose outcome is known. Counted first, so a caller can refuse a period too
 * large for one report before anything is loaded; read as two arrays in one row (no per-row
 * objects: a million pairs arrive as two arrays, not a million records).
 */
@Injectable()
export class LabelledPredictionsRepository {
  async count(manager: EntityManager, range: WindowRange): Promise<LabelledPredictionCounts> {
    const [row]: Array<{ labelled: string; unlabelled: string }> = await manager.query(
      `SELECT count(*) FILTER (WHERE actual_default IS NOT NULL) AS labelled, count(*) FILTER (WHERE actual_default IS NULL) AS unlabelled
       FROM prediction_logs WHERE model_version = $1 AND created_at >= $2 AND created_at < $3`,
      [range.modelVersion, range.start, range.end],
    );
    return { labelled: Number(row.labelled), unlabelled: Number(row.unlabelled) };
  }

  /** In id order (scoring order), so the same period always gives bit-identical sums. */
  async read(manager: EntityManager, range: WindowRange): Promise<LabelledPredictions> {
    const [row]: Array<{ probabilities: number[] | null; labels: number[] | null }> = await manager.query(
      `SELECT array_agg(probability ORDER BY id) AS probabilities, array_agg(actual_default::int ORDER BY id) AS labels
       FROM prediction_logs
       WHERE model_version = $1 AND created_at >= $2 AND created_at < $3 AND actual_default IS NOT NULL`,
      [range.modelVersion, range.start, range.end],
    );
    return { probabilities: Float64Array.from(row.probabilities ?? []), labels: Uint8Array.from(row.labels ?? []) };
  }
}

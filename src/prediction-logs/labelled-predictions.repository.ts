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
 * large for one report before anything is loaded; read as two byte strings in one row (no per-row
 * objects: a million pairs arrive as two buffers, not a million records).
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

  /**
   * In id order (scoring order), so the same period always gives bit-identical sums. Sent as two
   * bytea values — the PDs as big-endian IEEE doubles (float8send), the outcomes one byte each —
   * instead of float8[] text: a million PDs then cost one hex decode, not a million number parses
   * on the event loop, and arrive bit-exact.
   */
  async read(manager: EntityManager, range: WindowRange): Promise<LabelledPredictions> {
    const [row]: Array<{ probabilities: Buffer | null; labels: Buffer | null }> = await manager.query(
      `SELECT string_agg(float8send(probability), ''::bytea ORDER BY id) AS probabilities,
              string_agg(CASE WHEN actual_default THEN '\\x01'::bytea ELSE '\\x00'::bytea END, ''::bytea ORDER BY id) AS labels
       FROM prediction_logs
       WHERE model_version = $1 AND created_at >= $2 AND created_at < $3 AND actual_default IS NOT NULL`,
      [range.modelVersion, range.start, range.end],
    );
    return { probabilities: decodeFloat8(row.probabilities), labels: Uint8Array.from(row.labels ?? []) };
  }
}

function decodeFloat8(bytes: Buffer | null): Float64Array {
  if (!bytes) return new Float64Array(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8); // big-endian, as float8send writes
  return out;
}

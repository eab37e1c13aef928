import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FeatureColumns } from '../model/features';
import { PredictionLogWriter, PredictionRows } from './prediction-log.writer';
import { featureColumnsFromRows, PREDICTION_LOG_FEATURE_SELECT } from './prediction-log-columns';

/** One stored prediction as ingestion answers it (request order is `rowIndex`). */
export interface StoredPrediction {
  rowIndex: number;
  customerId: string;
  probability: number;
  riskLabel: string;
}

/** Logged applications with their model outputs and the outcomes known so far. */
export interface WindowRows {
  columns: FeatureColumns;
  probabilities: Float64Array;
  /** Outcomes known at the time of the read (null: not yet). */
  labels: Array<boolean | null>;
}

/** Logged applications with the model's output for each (a baseline from production data). */
export interface ScoredFeatureRows {
  columns: FeatureColumns;
  probabilities: Float64Array;
  rowCount: number;
}

/** Labelled logged applications: the outcome as 1 (default) or 0. */
export interface LabelledFeatureRows {
  columns: FeatureColumns;
  labels: Uint8Array;
}

/** One score of a batch with its outcome, for recomputing the batch's realized metrics. */
export interface BatchScoreRow {
  batchUuid: string;
  modelVersion: string;
  probability: number;
  actualDefault: boolean | null;
}

/** One score in a time bucket (`date_bin` of created_at). */
export interface BucketedScoreRow {
  bucket: Date;
  modelVersion: string;
  probability: number;
  actualDefault: boolean | null;
}

/** A submitted outcome to match: by the caller's batch key, or else any row scored by `observedAt`. */
export interface OutcomeLookup {
  customerId: string;
  batchKey: string | null;
  observedAt: Date;
}

/** A logged prediction one submitted outcome matched (`ord`: the outcome's index). */
export interface MatchedPrediction {
  ord: number;
  id: string;
  batchUuid: string;
  batchKey: string;
  customerId: string;
  storedDefault: boolean | null;
  storedObservedAt: Date | null;
}

export interface OutcomeUpdate {
  id: string;
  value: boolean;
  observedAt: Date;
}

const STORED_PREDICTION_SELECT = `row_index AS "rowIndex", customer_id AS "customerId", probability, risk_label AS "riskLabel"`;

/**
 * The only code that runs SQL on prediction_logs: the COPY write (through PredictionLogWriter),
 * the window and training reads, and the outcome joins. Methods that take a manager run in the
 * caller's transaction; the others read outside any transaction.
 */
@Injectable()
export class PredictionLogsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: PredictionLogWriter,
  ) {}

  /** Bulk write of a batch's scored rows, in the caller's (open) transaction. */
  write(manager: EntityManager, rows: PredictionRows): Promise<void> {
    return this.writer.write(manager, rows);
  }

  /** Every prediction of a batch, in request order. */
  predictionsOf(batchUuid: string): Promise<StoredPrediction[]> {
    return this.dataSource.query(`SELECT ${STORED_PREDICTION_SELECT} FROM prediction_logs WHERE batch_id = $1 ORDER BY row_index`, [
      batchUuid,
    ]);
  }

  /** One keyset page of a batch's predictions: rows after `afterIndex` in request order. */
  predictionsPage(batchUuid: string, afterIndex: number, limit: number): Promise<StoredPrediction[]> {
    return this.dataSource.query(
      `SELECT ${STORED_PREDICTION_SELECT} FROM prediction_logs
       WHERE batch_id = $1 AND row_index > $2 ORDER BY row_index LIMIT $3`,
      [batchUuid, afterIndex, limit],
    );
  }

  /** Model versions that scored rows in [start, end). */
  async modelVersionsIn(manager: EntityManager, start: Date, end: Date): Promise<string[]> {
    const rows: Array<{ model_version: string }> = await manager.query(
      `SELECT DISTINCT model_version FROM prediction_logs WHERE created_at >= $1 AND created_at < $2 ORDER BY model_version`,
      [start, end],
    );
    return rows.map((r) => r.model_version);
  }

  /**
   * All rows one model version scored in [start, end), pooled across batches: that pooling is what
   * gives a stream of small batches its statistical power. Beyond maxRows the newest are kept.
   */
  async windowRows(manager: EntityManager, modelVersion: string, start: Date, end: Date, maxRows: number): Promise<WindowRows> {
    const rows: Array<Record<string, number | boolean | null>> = await manager.query(
      `SELECT ${PREDICTION_LOG_FEATURE_SELECT}, probability, actual_default
       FROM prediction_logs
       WHERE model_version = $1 AND created_at >= $2 AND created_at < $3
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [modelVersion, start, end, maxRows],
    );
    return {
      columns: featureColumnsFromRows(rows),
      probabilities: Float64Array.from(rows, (row) => Number(row.probability)),
      labels: rows.map((row) => row.actual_default as boolean | null),
    };
  }

  /** Logged applications and their predictions from [from, to), oldest first, at most maxRows. */
  async scoredFeatureRows(from: Date, to: Date, maxRows: number): Promise<ScoredFeatureRows> {
    const rows: Array<Record<string, number>> = await this.dataSource.query(
      `SELECT ${PREDICTION_LOG_FEATURE_SELECT}, probability
       FROM prediction_logs WHERE created_at >= $1 AND created_at < $2 ORDER BY id LIMIT $3`,
      [from, to, maxRows],
    );
    return {
      columns: featureColumnsFromRows(rows),
      probabilities: Float64Array.from(rows, (row) => row.probability),
      rowCount: rows.length,
    };
  }

  /**
   * Labelled rows scored in [from, to), whatever model version scored them; beyond maxRows the
   * newest are kept, returned in insertion order.
   */
  async labelledFeatureRows(from: Date, to: Date, maxRows: number): Promise<LabelledFeatureRows> {
    const rows: Array<Record<string, number | boolean>> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT id, ${PREDICTION_LOG_FEATURE_SELECT}, actual_default
         FROM prediction_logs
         WHERE actual_default IS NOT NULL AND created_at >= $1 AND created_at < $2
         ORDER BY created_at DESC, id DESC LIMIT $3) newest
       ORDER BY id`,
      [from, to, maxRows],
    );
    return { columns: featureColumnsFromRows(rows), labels: Uint8Array.from(rows, (row) => (row.actual_default ? 1 : 0)) };
  }

  /** Every score and outcome of the given batches, grouped by batch in request order. */
  batchScores(manager: EntityManager, batchUuids: ReadonlyArray<string>): Promise<BatchScoreRow[]> {
    return manager.query(
      `SELECT p.batch_id AS "batchUuid", b.model_version AS "modelVersion", p.probability, p.actual_default AS "actualDefault"
       FROM prediction_logs p JOIN batches b ON b.id = p.batch_id
       WHERE p.batch_id = ANY($1::uuid[]) ORDER BY p.batch_id, p.row_index`,
      [batchUuids],
    );
  }

  /**
   * Scores in [from, to) binned by `date_bin(bucket, created_at, origin)`, ordered by bucket and
   * model version; at most `limit` rows.
   */
  bucketedScores(range: { from: Date; to: Date; bucket: string; origin: string; limit: number }): Promise<BucketedScoreRow[]> {
    return this.dataSource.query(
      `SELECT date_bin($3::interval, created_at, $4::timestamptz) AS bucket, model_version AS "modelVersion", probability,
              actual_default AS "actualDefault"
       FROM prediction_logs WHERE created_at >= $1 AND created_at < $2
       ORDER BY bucket, model_version LIMIT $5`,
      [range.from, range.to, range.bucket, range.origin, range.limit],
    );
  }

  /**
   * The logged predictions each outcome names, locked until the caller's COMMIT in id order (so
   * concurrent submissions cannot deadlock, and two submissions for one row are decided one after
   * the other). An outcome with a batch key matches that batch's rows for the customer; one
   * without matches every row scored for the customer by its observation time.
   */
  lockMatchingPredictions(manager: EntityManager, lookups: ReadonlyArray<OutcomeLookup>): Promise<MatchedPrediction[]> {
    return manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) AS i(ord, customer_id, batch_key, observed_at))
       SELECT i.ord, p.id, p.batch_id AS "batchUuid", b.batch_id AS "batchKey", p.customer_id AS "customerId",
              p.actual_default AS "storedDefault", p.outcome_observed_at AS "storedObservedAt"
       FROM input i
       JOIN prediction_logs p ON p.customer_id = i.customer_id
       JOIN batches b ON b.id = p.batch_id
       WHERE CASE WHEN i.batch_key IS NULL THEN p.created_at <= i.observed_at ELSE b.batch_id = i.batch_key END
       ORDER BY p.id
       FOR UPDATE OF p`,
      [lookups.map((_, i) => i), lookups.map((o) => o.customerId), lookups.map((o) => o.batchKey), lookups.map((o) => o.observedAt)],
    );
  }

  /** Stores outcomes on logged predictions (by prediction id), in the caller's transaction. */
  async setOutcomes(manager: EntityManager, updates: ReadonlyArray<OutcomeUpdate>): Promise<void> {
    if (!updates.length) return;
    await manager.query(
      `UPDATE prediction_logs p SET actual_default = u.value, outcome_observed_at = u.observed_at
       FROM unnest($1::bigint[], $2::boolean[], $3::timestamptz[]) AS u(id, value, observed_at) WHERE p.id = u.id`,
      [updates.map((u) => u.id), updates.map((u) => u.value), updates.map((u) => u.observedAt)],
    );
  }
}

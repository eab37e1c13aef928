import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { BinAggregate } from '../drift-engine/sketch';
import { FeatureColumns } from '../model/features';
import { LOG_LOSS_EPSILON } from '../stats/classification-metrics';
import { PredictionLogWriter, PredictionRows } from './prediction-log.writer';
import { featureColumnsFromRows, PREDICTION_LOG_FEATURE_SELECT } from './prediction-log-columns';

/** One stored prediction as ingestion answers it (request order is `rowIndex`). */
export interface StoredPrediction {
  rowIndex: number;
  customerId: string;
  probability: number;
  riskLabel: string;
  /** Rating grade on the scoring model's master scale; null when it had none. */
  grade: number | null;
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

/** One column to bin in PostgreSQL: a logged column, discrete (group by value) or on `edges`. */
export interface PushDownColumn {
  name: string;
  /** A prediction_logs column (a feature's CSV name or `probability`); null for a derived column. */
  source: string | null;
  kind: 'numeric' | 'discrete';
  /** Interior edges ascending; bins are right-closed (edges[i−1], edges[i]] as in the engine. */
  edges?: number[];
  /** A value computed per row (the multivariate reconstruction error) instead of a logged column. */
  derived?: DerivedQuadraticColumn;
}

/**
 * Σ_k (Σ_j loadings[k][j]·(score_j − center_j))², score_j from feature j's step table (right-closed
 * bins on `edges`): multivariate.ts multivariateErrors, which fixes the order of operations.
 */
export interface DerivedQuadraticColumn {
  features: Array<{ source: string; edges: number[]; scores: number[] }>;
  center: number[];
  loadings: number[][];
}

/** Per column and bin (discrete: per value) what one pass over the rows aggregated: the engine's BinAggregate. */
export type PushDownBinRow = BinAggregate;

/** Outcome sums over the labelled rows of a window, for exact realized performance. */
export interface OutcomeSums {
  labelled: number;
  positives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  squaredError: number;
  logLossSum: number;
  /** 2 × Σ over tie groups of positives × (negatives strictly below + ½ negatives in the group). */
  rankPairsTwice: number;
  /** Positives × negatives (the AUC's denominator). */
  pairs: number;
}

export interface WindowRange {
  modelVersion: string;
  start: Date;
  end: Date;
}

const LOGGED_COLUMN = /^[a-z_]+$/;

const STORED_PREDICTION_SELECT = `row_index AS "rowIndex", customer_id AS "customerId", probability, risk_label AS "riskLabel", grade`;

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

  /**
   * Bins the window's rows of the given batches in one pass, in PostgreSQL: per column and bin the
   * count, sums and extremes (and for `scoreThreshold`, the sums the label-free performance
   * estimate needs). Used for batches without a usable stored profile and for baselines built from
   * logs: memory in Node stays a few thousand rows whatever the number of logged rows.
   * `width_bucket` bins are left-closed, so values and edges are negated to get the engine's
   * right-closed bins: bin = edges − width_bucket(−x, −reversed edges).
   */
  async pushDownBins(
    manager: EntityManager,
    query: {
      range?: WindowRange;
      from?: Date;
      to?: Date;
      batchUuids?: ReadonlyArray<string>;
      columns: ReadonlyArray<PushDownColumn>;
      scoreThreshold?: number;
    },
  ): Promise<PushDownBinRow[]> {
    const params: unknown[] = [];
    const add = (value: unknown): string => `$${params.push(value)}`;
    // Right-closed bin index 0..edges.length, as gridBin: width_bucket on negated, reversed edges.
    const binOf = (value: string, edges: ReadonlyArray<number>): string =>
      `${edges.length} - width_bucket(-${value}, ${add(edges.map((e) => -e).reverse())}::float8[])`;
    const laterals: string[] = [];
    const valueOf = (column: PushDownColumn, index: number): string => {
      if (!column.derived) {
        if (column.source === null || !LOGGED_COLUMN.test(column.source)) throw new RangeError(`not a logged column: ${column.source}`);
        return `p.${column.source}::float8`;
      }
      const { features, center, loadings } = column.derived;
      const centered = features.map((feature, j) => {
        if (!LOGGED_COLUMN.test(feature.source)) throw new RangeError(`not a logged column: ${feature.source}`);
        const x = `p.${feature.source}::float8`;
        return `(${add(feature.scores)}::float8[])[${binOf(x, feature.edges)} + 1] - ${add(center[j])}::float8 AS c${j}`;
      });
      const projections = loadings.map((row, k) => `${row.map((w, j) => `${add(w)}::float8 * d${index}c.c${j}`).join(' + ')} AS k${k}`);
      const error = loadings.map((_, k) => `d${index}k.k${k} * d${index}k.k${k}`).join(' + ');
      // OFFSET 0 keeps each step a subquery evaluated once per row: flattened, PostgreSQL would
      // inline every reference and recompute each score per component (10× slower, measured).
      laterals.push(
        `CROSS JOIN LATERAL (SELECT ${centered.join(', ')} OFFSET 0) AS d${index}c`,
        `CROSS JOIN LATERAL (SELECT ${projections.join(', ')} OFFSET 0) AS d${index}k`,
        `CROSS JOIN LATERAL (SELECT ${error} AS v OFFSET 0) AS d${index}`,
      );
      return `d${index}.v`;
    };
    const entries = query.columns.map((column, index) => {
      const value = valueOf(column, index);
      if (column.kind === 'discrete') return `(${index}, ${value}, ${value}, 0)`;
      const edges = column.edges ?? [];
      const bin = binOf(value, edges);
      // 1 when the value sits exactly on its bin's upper edge (the last bin has none: NULL → 0).
      // Evaluated per row, never carried: an array in the aggregated rows would be copied into each.
      const onEdge = `coalesce((${value} = (${add(edges)}::float8[])[${bin} + 1])::int, 0)`;
      return `(${index}, ${bin}, ${value}, ${onEdge})`;
    });
    const where: string[] = [];
    if (query.range) {
      where.push(
        `p.model_version = ${add(query.range.modelVersion)}`,
        `p.created_at >= ${add(query.range.start)}`,
        `p.created_at < ${add(query.range.end)}`,
      );
    }
    if (query.from) where.push(`p.created_at >= ${add(query.from)}`);
    if (query.to) where.push(`p.created_at < ${add(query.to)}`);
    if (query.batchUuids) where.push(`p.batch_id = ANY(${add(query.batchUuids)}::uuid[])`);
    const threshold = add(query.scoreThreshold ?? null);
    const scoreColumn = query.columns.findIndex((c) => c.source === 'probability');
    const clipped = `greatest(least(x.v, 1 - ${LOG_LOSS_EPSILON}::float8), ${LOG_LOSS_EPSILON}::float8)`;
    const rows: Array<Record<string, string | number | null>> = await manager.query(
      `SELECT x.c AS column, x.b AS bin, count(*)::float8 AS count, sum(x.v) AS sum, sum(x.v * x.v) AS "sumSquares",
              min(x.v) AS min, max(x.v) AS max,
              count(*) FILTER (WHERE x.v >= ${threshold})::float8 AS "countAtOrAbove",
              coalesce(sum(x.v) FILTER (WHERE x.v >= ${threshold}), 0) AS "sumAtOrAbove",
              sum(CASE WHEN x.c = ${scoreColumn} THEN -(x.v * ln(${clipped}) + (1 - x.v) * ln(1 - ${clipped})) END) AS "entropySum",
              sum(x.e)::float8 AS "atUpperEdge"
       FROM prediction_logs p ${laterals.join(' ')} CROSS JOIN LATERAL (VALUES ${entries.join(', ')}) AS x(c, b, v, e)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY x.c, x.b ORDER BY x.c, x.b`,
      params,
    );
    return rows.map((r) => ({
      column: Number(r.column),
      bin: Number(r.bin),
      count: Number(r.count),
      sum: Number(r.sum),
      sumSquares: Number(r.sumSquares),
      min: Number(r.min),
      max: Number(r.max),
      countAtOrAbove: Number(r.countAtOrAbove),
      sumAtOrAbove: Number(r.sumAtOrAbove),
      entropySum: r.entropySum === null ? null : Number(r.entropySum),
      atUpperEdge: Number(r.atUpperEdge),
    }));
  }

  /** Rows scored in [from, to) and, per logged column, its mean and sample standard deviation. */
  async columnMoments(
    manager: EntityManager,
    from: Date,
    to: Date,
    sources: ReadonlyArray<string>,
  ): Promise<{ count: number; columns: Array<{ mean: number; sd: number }> }> {
    for (const source of sources) if (!LOGGED_COLUMN.test(source)) throw new RangeError(`not a logged column: ${source}`);
    const select = sources.map((s, i) => `avg(${s}::float8) AS m${i}, coalesce(stddev_samp(${s}::float8), 0) AS s${i}`).join(', ');
    const [row] = await manager.query(
      `SELECT count(*)::float8 AS n, ${select} FROM prediction_logs WHERE created_at >= $1 AND created_at < $2`,
      [from, to],
    );
    return { count: Number(row.n), columns: sources.map((_, i) => ({ mean: Number(row[`m${i}`]), sd: Number(row[`s${i}`]) })) };
  }

  /**
   * The logged feature columns of the rows at given 0-based positions among the rows scored in
   * [from, to) ordered by (created_at, id), in that order: how a baseline from logs picks the rows
   * its multivariate model is fitted on (multivariateSplit) without reading the others.
   */
  async featureRowsAt(manager: EntityManager, from: Date, to: Date, positions: ReadonlyArray<number>): Promise<FeatureColumns> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT ${PREDICTION_LOG_FEATURE_SELECT} FROM (
         SELECT ${PREDICTION_LOG_FEATURE_SELECT}, row_number() OVER (ORDER BY created_at, id) - 1 AS position
         FROM prediction_logs WHERE created_at >= $1 AND created_at < $2) ranked
       WHERE position = ANY($3::bigint[]) ORDER BY position`,
      [from, to, positions],
    );
    return featureColumnsFromRows(rows);
  }

  /**
   * Values at given ascending positions of each column's sorted values over [from, to): PostgreSQL
   * sorts (spilling to disk beyond work_mem), only the requested values come back.
   * percentile_disc(f) is the value at position ceil(f·n) − 1, so position k is asked as
   * f = (k + ½) / n, which no rounding can move off k.
   */
  async orderStatistics(
    manager: EntityManager,
    query: { from: Date; to: Date; count: number; columns: ReadonlyArray<{ source: string; positions: ReadonlyArray<number> }> },
  ): Promise<Array<Map<number, number>>> {
    const params: unknown[] = [query.from, query.to];
    const select = query.columns.map((column, i) => {
      if (!LOGGED_COLUMN.test(column.source)) throw new RangeError(`not a logged column: ${column.source}`);
      params.push(column.positions.map((k) => (k + 0.5) / query.count));
      return `percentile_disc($${params.length}::float8[]) WITHIN GROUP (ORDER BY ${column.source}::float8) AS c${i}`;
    });
    const [row] = await manager.query(
      `SELECT ${select.join(', ')} FROM prediction_logs WHERE created_at >= $1 AND created_at < $2`,
      params,
    );
    return query.columns.map((column, i) => {
      const values = (row[`c${i}`] as number[]).map(Number);
      return new Map(column.positions.map((k, j) => [k, values[j]]));
    });
  }

  /**
   * Exact realized-performance sums over the window's labelled rows (the partial index on
   * labelled rows keeps this to the rows with outcomes): confusion counts at `threshold`, squared
   * error, log loss, and the ROC AUC's Mann–Whitney pair count over tie groups of equal scores.
   */
  async windowOutcomeSums(manager: EntityManager, range: WindowRange, threshold: number): Promise<OutcomeSums> {
    const [row] = await manager.query(
      `WITH labelled AS (
         SELECT probability AS p, actual_default AS y FROM prediction_logs
         WHERE model_version = $1 AND created_at >= $2 AND created_at < $3 AND actual_default IS NOT NULL),
       groups AS (
         SELECT p, count(*) FILTER (WHERE y)::float8 AS pos, count(*) FILTER (WHERE NOT y)::float8 AS neg FROM labelled GROUP BY p),
       ranked AS (
         SELECT pos, neg, coalesce(sum(neg) OVER (ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below FROM groups),
       totals AS (
         SELECT count(*)::float8 AS labelled, count(*) FILTER (WHERE y)::float8 AS positives,
                count(*) FILTER (WHERE y AND p >= $4)::float8 AS "truePositives",
                count(*) FILTER (WHERE NOT y AND p >= $4)::float8 AS "falsePositives",
                count(*) FILTER (WHERE y AND p < $4)::float8 AS "falseNegatives",
                count(*) FILTER (WHERE NOT y AND p < $4)::float8 AS "trueNegatives",
                coalesce(sum((p - y::int) ^ 2), 0) AS "squaredError",
                coalesce(sum(-ln(CASE WHEN y THEN greatest(least(p, 1 - ${LOG_LOSS_EPSILON}::float8), ${LOG_LOSS_EPSILON}::float8)
                                      ELSE 1 - greatest(least(p, 1 - ${LOG_LOSS_EPSILON}::float8), ${LOG_LOSS_EPSILON}::float8) END)), 0) AS "logLossSum"
         FROM labelled)
       SELECT totals.*,
              (SELECT coalesce(sum(2 * pos * below + pos * neg), 0) FROM ranked) AS "rankPairsTwice",
              totals.positives * (totals.labelled - totals.positives) AS pairs
       FROM totals`,
      [range.modelVersion, range.start, range.end, threshold],
    );
    const out = {} as OutcomeSums;
    for (const [key, value] of Object.entries(row as Record<string, unknown>))
      (out as unknown as Record<string, number>)[key] = Number(value);
    return out;
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

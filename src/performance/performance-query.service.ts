import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bucketedHistoryCost, bucketedRangeProblem, HISTORY_BUCKET_ORIGIN, MAX_HISTORY_BUCKETS } from '../common/graphql/history-cost';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { ModelVersionsRepository } from '../scoring/model-versions.repository';
import { finiteOrNull } from '../stats/finite';
import { rocAucStandardError } from './auc-standard-error';
import { Performance, PerformancePoint, PerformanceWindow, RealizedPerformance } from './models/performance.model';
import { HistoryRangeTooLargeError, PerformanceInputError } from './performance.errors';
import { computePerformance, OutcomeLabel, StoredEstimate, StoredRealized } from './performance-metrics';
import { PerformanceMetricsRepository } from './performance-metrics.repository';

const WINDOW_MS: Record<PerformanceWindow, number> = {
  [PerformanceWindow.HOUR]: 3_600_000,
  [PerformanceWindow.DAY]: 86_400_000,
  [PerformanceWindow.WEEK]: 7 * 86_400_000,
};
const INTERVAL: Record<PerformanceWindow, string> = {
  [PerformanceWindow.HOUR]: '1 hour',
  [PerformanceWindow.DAY]: '1 day',
  [PerformanceWindow.WEEK]: '7 days',
};
const MAX_HISTORY_ROWS = 1_000_000;

/**
 * Query cost of performanceHistory (graphql-query-complexity): it may scan up to a million
 * prediction rows, so it starts at 10,000 (ten of them fill the default budget of 100,000) and
 * adds its buckets times the fields selected per point. A thousand aliased copies are refused
 * before any SQL runs.
 */
export const performanceHistoryCost = bucketedHistoryCost({
  base: 10_000,
  maxBuckets: MAX_HISTORY_BUCKETS,
  bucketMs: (args) => WINDOW_MS[(args.window as PerformanceWindow | undefined) ?? PerformanceWindow.DAY],
});

/** Read side: a batch's stored performance and the performance history over time buckets. */
@Injectable()
export class PerformanceQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly modelVersions: ModelVersionsRepository,
    private readonly metrics: PerformanceMetricsRepository,
    private readonly predictionLogs: PredictionLogsRepository,
  ) {}

  async forBatch(batchUuid: string): Promise<Performance | null> {
    const row = await this.metrics.findForBatch(batchUuid);
    return row ? toPerformance(row.row_count, row.labelled_count, row.realized, row.estimated, row.computed_at) : null;
  }

  /**
   * Realized and estimated performance per model version and time bucket, computed from the
   * prediction logs at query time, so late outcomes show up immediately.
   */
  async history(from: Date, to: Date, window: PerformanceWindow): Promise<PerformancePoint[]> {
    const problem = bucketedRangeProblem(from, to, {
      bucketMs: WINDOW_MS[window],
      maxBuckets: MAX_HISTORY_BUCKETS,
      bucketField: 'window',
      bucketName: window,
    });
    if (problem) throw new PerformanceInputError(problem.field, problem.rule);
    const rows = await this.predictionLogs.bucketedScores({
      from,
      to,
      bucket: INTERVAL[window],
      origin: HISTORY_BUCKET_ORIGIN,
      limit: MAX_HISTORY_ROWS + 1,
    });
    if (rows.length > MAX_HISTORY_ROWS) throw new HistoryRangeTooLargeError(rows.length, MAX_HISTORY_ROWS);
    const facts = await this.modelVersions.modelFacts(this.dataSource.manager, [...new Set(rows.map((r) => r.modelVersion))]);
    const points: PerformancePoint[] = [];
    const now = new Date();
    let start = 0;
    while (start < rows.length) {
      let end = start;
      const key = rows[start];
      while (end < rows.length && rows[end].bucket.getTime() === key.bucket.getTime() && rows[end].modelVersion === key.modelVersion) end++;
      const slice = rows.slice(start, end);
      const labels: OutcomeLabel[] = slice.map((r) => r.actualDefault);
      const figures = computePerformance(
        slice.map((r) => r.probability),
        labels,
        facts.get(key.modelVersion)!.threshold,
      );
      points.push({
        ...toPerformance(figures.rowCount, figures.labelledCount, figures.realized, figures.estimated, now),
        windowStart: key.bucket,
        windowEnd: new Date(key.bucket.getTime() + WINDOW_MS[window]),
        modelVersion: key.modelVersion,
      });
      start = end;
    }
    return points;
  }
}

export function toPerformance(
  rowCount: number,
  labelledCount: number,
  realized: StoredRealized | null,
  estimated: StoredEstimate,
  computedAt: Date,
): Performance {
  const gap =
    realized?.rocAuc !== null && realized?.rocAuc !== undefined && estimated.rocAuc !== null ? realized.rocAuc - estimated.rocAuc : null;
  return { rowCount, labelledCount, realized: realized && toRealizedPerformance(realized), estimated, rocAucGap: gap, computedAt };
}

/** z for a two-sided 95% normal interval. */
const Z_95 = 1.959964;

/**
 * Realized metrics with the sampling uncertainty of their ROC AUC: the same Hanley–McNeil
 * standard error the retraining signal uses, so the band a chart draws is the noise the signal
 * ignores. Computed on read (stored rows hold the counts it needs), never stored.
 */
export function toRealizedPerformance(realized: StoredRealized): RealizedPerformance {
  const positives = Math.round(realized.defaultRate * realized.labelledCount);
  const se =
    realized.rocAuc === null ? null : finiteOrNull(rocAucStandardError(realized.rocAuc, positives, realized.labelledCount - positives));
  return {
    ...realized,
    rocAucStandardError: se,
    rocAucLower: se === null ? null : Math.max(0, realized.rocAuc! - Z_95 * se),
    rocAucUpper: se === null ? null : Math.min(1, realized.rocAuc! + Z_95 * se),
  };
}

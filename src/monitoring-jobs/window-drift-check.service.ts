import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ActiveBaseline, BaselinesService } from '../baselines/baselines.service';
import { WorkerPoolClosedError, WorkerQueueFullError } from '../common/workers/worker.errors';
import { AppConfig, DriftWindowConfig } from '../config/app-config';
import { tryNamedLockForTransaction } from '../database/advisory-locks';
import { setAggregationTimeout } from '../database/aggregation-timeout';
import { DriftService } from '../drift/drift.service';
import { DriftQueryService } from '../drift/drift-query.service';
import { PREDICTION_COLUMN } from '../drift-engine/columns';
import { encodeSketch, SketchColumnSpec, sketchColumnSpecs, sketchFromBinAggregates } from '../drift-engine/sketch';
import { MetricsService } from '../metrics/metrics.service';
import { innerBoundaries } from '../model/master-scale';
import { PerformanceService } from '../performance/performance.service';
import { BatchProfilesRepository, WindowBatch } from '../prediction-logs/batch-profiles.repository';
import { PredictionGradeCountsRepository } from '../prediction-logs/prediction-grade-counts.repository';
import { pushDownColumnsFor } from '../prediction-logs/prediction-log-columns';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { DriftCheckRun } from './models/drift-check-run.model';
import { UnknownWindowError } from './monitoring-jobs.errors';
import { RetrainingReconciliationService } from './retraining-reconciliation.service';
import { WindowCheckPool } from './window-check.pool';
import { WindowCheckOutput } from './window-check.task';
import { alignWindowEnd, WindowBounds, windowBounds } from './window-clock';

interface RunOutcome {
  acquired: boolean;
  checked: string[];
  already: string[];
  reportIds: string[];
}

/**
 * The windowed drift re-check: pools every row scored in the window (per model version) through
 * mergeable per-batch profiles (checkModelVersion), writes
 * a WINDOW drift report and WINDOW performance, feeds the alert rules (including their
 * clear-check bookkeeping for auto-resolve) and reconciles retraining signals — all in one
 * transaction. Runs once per (window kind, window end) across instances: a transaction-level
 * advisory lock keeps concurrent runs apart and the unique (model, window kind, window end)
 * indexes make a repeated run change nothing.
 */
@Injectable()
export class WindowDriftCheckService {
  private readonly logger = new Logger('WindowDriftCheck');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drift: DriftService,
    private readonly driftQueries: DriftQueryService,
    private readonly performance: PerformanceService,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly batchProfiles: BatchProfilesRepository,
    private readonly gradeCounts: PredictionGradeCountsRepository,
    private readonly baselines: BaselinesService,
    private readonly pool: WindowCheckPool,
    private readonly reconciliation: RetrainingReconciliationService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  windowConfig(kind: string): DriftWindowConfig {
    const window = this.config.monitoringJobs.driftWindows.find((w) => w.kind === kind);
    if (!window)
      throw new UnknownWindowError(
        kind,
        this.config.monitoringJobs.driftWindows.map((w) => w.kind),
      );
    return window;
  }

  /**
   * @param windowEnd explicit end (tests, backfills); default: `at` floored to the alignment.
   * @param caller who asked (runDriftCheck); scheduled runs have none and are not audited.
   */
  async run(kind: string, windowEnd?: Date | null, at: Date = new Date(), caller?: Caller): Promise<DriftCheckRun> {
    const window = this.windowConfig(kind);
    const bounds = windowBounds(windowEnd ?? alignWindowEnd(at, window.alignMinutes), window.lengthMinutes);
    const started = performance.now();
    let outcome: RunOutcome;
    try {
      outcome = await this.dataSource.transaction(async (manager) => {
        const result = await this.runLocked(manager, window, bounds);
        if (caller) {
          await this.audit.record(manager, caller, {
            action: 'Mutation.runDriftCheck',
            target: { window: kind, windowEnd: bounds.end.toISOString(), reportIds: result.reportIds },
            summary: { acquired: result.acquired, checked: result.checked.length, alreadyChecked: result.already.length },
          });
        }
        return result;
      });
    } catch (error) {
      this.metrics.recordWindowCheck(kind, 'error', (performance.now() - started) / 1000);
      throw error;
    }
    // Timed up to COMMIT; `skipped`: another instance held this window's lock.
    this.metrics.recordWindowCheck(kind, outcome.acquired ? 'success' : 'skipped', (performance.now() - started) / 1000);
    if (outcome.reportIds.length) {
      this.logger.log({ msg: 'window drift check', window: kind, windowEnd: bounds.end.toISOString(), reports: outcome.reportIds.length });
    }
    return {
      window: kind,
      windowStart: bounds.start,
      windowEnd: bounds.end,
      acquired: outcome.acquired,
      checkedModelVersions: outcome.checked,
      alreadyCheckedModelVersions: outcome.already,
      reports: await Promise.all(outcome.reportIds.map((id) => this.driftQueries.report(id))),
    };
  }

  private async runLocked(manager: EntityManager, window: DriftWindowConfig, bounds: WindowBounds): Promise<RunOutcome> {
    const outcome: RunOutcome = { acquired: false, checked: [], already: [], reportIds: [] };
    if (!(await tryNamedLockForTransaction(manager, `monitoring:drift-window:${window.kind}`))) return outcome;
    outcome.acquired = true;
    await setAggregationTimeout(manager, this.config);
    const baseline = await this.baselines.active(manager);
    // The window's batches by commit time, with their profiles: no pass over the rows.
    const byModel = new Map<string, WindowBatch[]>();
    for (const batch of await this.batchProfiles.windowBatches(manager, bounds.start, bounds.end, baseline?.id ?? null)) {
      const list = byModel.get(batch.modelVersion);
      if (list) list.push(batch);
      else byModel.set(batch.modelVersion, [batch]);
    }
    for (const [modelVersion, batches] of byModel) {
      if (await this.driftQueries.windowAlreadyChecked(manager, modelVersion, window.kind, bounds.end)) {
        outcome.already.push(modelVersion);
        continue;
      }
      const target = { modelVersion, windowKind: window.kind, windowStart: bounds.start, windowEnd: bounds.end };
      const output = await this.checkModelVersion(manager, target, baseline, batches);
      if (baseline && output.result) {
        const checked = await this.drift.recordWindow(manager, target, baseline, output.result);
        if (checked) outcome.reportIds.push(checked.id);
      }
      if (output.prediction) await this.performance.recordWindow(manager, { ...target, prediction: output.prediction });
      await this.reconciliation.reconcile(manager, modelVersion, window.kind);
      outcome.checked.push(modelVersion);
    }
    return outcome;
  }

  /**
   * Adds one page of stored profiles to the running total. A profile that cannot be read or
   * merged (corrupted, or written by an incompatible version) must not sink the whole window:
   * the page is then merged one profile at a time, and the batches whose profile fails are binned
   * from their rows instead (appended to `rebin`), with a warning naming them.
   */
  private async mergePage(
    manager: EntityManager,
    accumulator: Uint8Array | null,
    uuids: string[],
    rebin: string[],
  ): Promise<Uint8Array | null> {
    // The merge moves its buffers to the worker: keep a copy of the total in case it fails. Reads
    // stay outside the fallback: a database error (a timeout aborts the transaction) must fail the
    // run, not pass for unreadable profiles.
    const before = accumulator ? accumulator.slice() : null;
    const page = await this.batchProfiles.sketchesOf(manager, uuids);
    try {
      return await this.pool.merge({ accumulator, sketches: page });
    } catch (pageError) {
      // A busy or closing pool says nothing about the profiles: the run fails and is retried.
      if (pageError instanceof WorkerQueueFullError || pageError instanceof WorkerPoolClosedError) throw pageError;
      this.logger.warn({ msg: 'batch profile page failed to merge: merging its profiles one by one', error: String(pageError) });
      let total: Uint8Array | null = before;
      let unreadable = 0;
      for (const uuid of uuids) {
        const kept = total ? total.slice() : null;
        const sketches = await this.batchProfiles.sketchesOf(manager, [uuid]);
        try {
          total = await this.pool.merge({ accumulator: total, sketches });
        } catch (error) {
          if (error instanceof WorkerQueueFullError || error instanceof WorkerPoolClosedError) throw error;
          total = kept;
          unreadable++;
          rebin.push(uuid);
          this.logger.warn({
            msg: 'unreadable batch profile: binning the batch from its rows instead',
            batch: uuid,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (unreadable === 0) this.logger.warn({ msg: 'every profile of the failed page merged alone', batches: uuids.length });
      return total;
    }
  }

  /**
   * Every row of the window counts, and none is loaded into Node: a batch with a profile on the
   * active baseline's grid contributes that profile (at most about 55 KB, whatever its size); the rows
   * of every other batch (written under another baseline, without one, or before profiles
   * existed) are binned by PostgreSQL in one pass over just those rows. Merging and judging run
   * in a worker thread.
   */
  private async checkModelVersion(
    manager: EntityManager,
    target: { modelVersion: string; windowKind: string; windowStart: Date; windowEnd: Date },
    baseline: ActiveBaseline | null,
    batches: WindowBatch[],
  ): Promise<WindowCheckOutput> {
    const started = performance.now();
    const range = { modelVersion: target.modelVersion, start: target.windowStart, end: target.windowEnd };
    const { threshold, logOddsWeights, masterScale } = await this.performance.modelFactsOf(manager, target.modelVersion);
    const baselineId = baseline?.id ?? NO_BASELINE;
    const specs = baseline ? sketchColumnSpecs(baseline.profile) : [SCORE_ONLY_SPEC];
    const profiled = batches.filter((b) => b.profiled).map((b) => b.batchUuid);
    const rebin = batches.filter((b) => !b.profiled).map((b) => b.batchUuid);
    // Profiles are read and merged a page at a time: memory holds one page and the running total.
    let accumulator: Uint8Array | null = null;
    for (let from = 0; from < profiled.length; from += PROFILE_PAGE) {
      const uuids = profiled.slice(from, from + PROFILE_PAGE);
      accumulator = await this.mergePage(manager, accumulator, uuids, rebin);
      if (profiled.length > PROFILE_PAGE) {
        this.logger.log({
          msg: 'window drift check progress',
          stage: 'merging batch profiles',
          window: target.windowKind,
          modelVersion: target.modelVersion,
          merged: Math.min(profiled.length, from + PROFILE_PAGE),
          of: profiled.length,
        });
      }
    }
    const sketches: Uint8Array[] = accumulator ? [accumulator] : [];
    if (rebin.length) {
      const rows = await this.predictionLogs.pushDownBins(manager, {
        range,
        batchUuids: rebin,
        columns: pushDownColumnsFor(specs, baseline?.profile ?? null),
        scoreThreshold: threshold,
      });
      sketches.push(encodeSketch(sketchFromBinAggregates(baselineId, specs, rows, threshold)));
    }
    this.logger.log({
      msg: 'window drift check progress',
      stage: 'profiles read',
      window: target.windowKind,
      modelVersion: target.modelVersion,
      batches: batches.length,
      fromStoredProfiles: profiled.length,
      rebinnedInDatabase: rebin.length,
      elapsedMs: Math.round(performance.now() - started),
    });
    const output = await this.pool.check({
      profile: baseline?.profile ?? null,
      baselineId,
      sketches,
      config: baseline ? this.drift.configFor(baseline, target.modelVersion) : {},
      logOddsWeights: logOddsWeights ?? undefined,
    });
    this.logger.log({
      msg: 'window drift check progress',
      stage: 'judged',
      window: target.windowKind,
      modelVersion: target.modelVersion,
      rows: output.rowCount,
      elapsedMs: Math.round(performance.now() - started),
    });
    // The grade mix vs development goes into the window's report, so only a window with a report
    // (one with an active baseline) is counted; without a master scale there is nothing to grade.
    if (!baseline || !output.result) return output;
    const counts = masterScale ? await this.gradeCounts.gradeCounts(manager, range, innerBoundaries(masterScale)) : [];
    const gradeDistribution = this.drift.gradeDistributionOf(baseline, target.modelVersion, masterScale, counts);
    return { ...output, result: { ...output.result, gradeDistribution } };
  }
}

/** Batch profiles read and merged at once (about 55 KB each at most: a page is a few MB). */
const PROFILE_PAGE = 100;

/** Stands in for the baseline id when there is no baseline (only the score sketch is merged). */
const NO_BASELINE = 'none';

/** Without a baseline grid, window performance bins scores on 1,000 equal-width bins of [0, 1]. */
const SCORE_ONLY_SPEC: SketchColumnSpec = {
  name: PREDICTION_COLUMN,
  kind: 'numeric',
  edges: Array.from({ length: 999 }, (_, i) => (i + 1) / 1000),
};

import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LOCK_KEYS, lockForTransaction } from '../database/advisory-locks';
import { setAggregationTimeout } from '../database/aggregation-timeout';
import { baselineColumns } from '../drift-engine/baseline-columns';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { ScoringService } from '../scoring/scoring.service';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { LoadedRows, profileFromPredictionLogs, readCsvRows, resolveAllowedPath } from './baseline-sources';
import { BaselineSourceError } from './baselines.errors';
import { BaselineSummary } from './baselines.repository';
import { BaselinesService } from './baselines.service';
import { BaselineSource, ReinitializeBaselineInput } from './dto/reinitialize-baseline.input';

const MAX_BASELINE_ROWS = 1_000_000;

/** Creating baselines from their sources, including baseline v1 on a fresh database. */
@Injectable()
export class BaselineReinitializationService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Baselines');

  constructor(
    private readonly config: AppConfig,
    private readonly baselines: BaselinesService,
    private readonly scoring: ScoringService,
    private readonly predictionLogs: PredictionLogsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async reinitialize(input: ReinitializeBaselineInput, caller: Caller): Promise<BaselineSummary> {
    if (input.source === BaselineSource.PREDICTION_LOGS) return this.fromPredictionLogs(input, caller);
    const { rows, source } = await this.load(input);
    return this.dataSource.transaction(async (manager) => {
      const scorer = await this.scoring.activeScorer(manager);
      // CSV rows carry no model outputs: score them with the active model so the baseline also
      // profiles predictions (prediction drift compares like with like).
      const predictions = rows.predictions ?? scorer.score(rows.features);
      const created = await this.baselines.createVersion(
        baselineColumns(rows.features, predictions),
        { name: input.name ?? `${input.source.toLowerCase()} baseline`, source, modelVersion: scorer.modelVersion },
        manager,
      );
      await this.audit.record(manager, caller, {
        action: 'Mutation.reinitializeBaseline',
        target: { baselineId: created.id, version: created.version },
        summary: { source, rows: rows.rowCount, modelVersion: scorer.modelVersion },
      });
      return created;
    });
  }

  /**
   * Baseline v1 from the shipped sample on a fresh database. Runs after every module is ready (the
   * active model is registered) and under an advisory lock, so instances starting together create
   * exactly one.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // The baseline lock (re-entrant within this transaction, so createVersion takes it again).
      await lockForTransaction(manager, LOCK_KEYS.baselines);
      if ((await this.baselines.count(manager)) > 0) return;
      if (!existsSync(this.config.baselineSeedPath)) {
        this.logger.warn({
          msg: 'no baseline yet and the seed file is missing: drift checks wait for reinitializeBaseline',
          path: this.config.baselineSeedPath,
        });
        return;
      }
      // Resolved here because readCsvRows does not follow a final symlink (the seed may be one).
      const rows = await readCsvRows(realpathSync(this.config.baselineSeedPath), { mode: 'ALL' }, basename(this.config.baselineSeedPath));
      const scorer = await this.scoring.activeScorer(manager);
      const created = await this.baselines.createVersion(
        baselineColumns(rows.features, scorer.score(rows.features)),
        { name: 'shipped sample', source: `csv:${basename(this.config.baselineSeedPath)}`, modelVersion: scorer.modelVersion },
        manager,
      );
      this.logger.log({ msg: 'baseline v1 created from the shipped sample', rows: created.rowCount });
    });
  }

  /**
   * A baseline from every application logged in [from, to), profiled by PostgreSQL (any number of
   * rows; see profileFromPredictionLogs), in one transaction with its audit entry. The logged
   * probabilities are the prediction column: whatever model scored them.
   */
  private async fromPredictionLogs(input: ReinitializeBaselineInput, caller: Caller): Promise<BaselineSummary> {
    const { from, to } = input;
    if (!from || !to) throw new BaselineSourceError('from', 'from and to are required for PREDICTION_LOGS');
    if (from >= to) throw new BaselineSourceError('to', 'must be after from');
    const source = `prediction_logs:${from.toISOString()}..${to.toISOString()}`;
    // One snapshot for the three reads (moments, order statistics, counts): rows committing
    // meanwhile must not shift the positions between them.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await setAggregationTimeout(manager, this.config);
      const started = performance.now();
      const { profile, rowCount } = await profileFromPredictionLogs(this.predictionLogs, manager, from, to);
      this.logger.log({
        msg: 'baseline profiled in the database',
        source,
        rows: rowCount,
        elapsedMs: Math.round(performance.now() - started),
      });
      const scorer = await this.scoring.activeScorer(manager);
      const created = await this.baselines.createVersionFromProfile(
        profile,
        { name: input.name ?? `${input.source.toLowerCase()} baseline`, source, modelVersion: scorer.modelVersion },
        manager,
      );
      await this.audit.record(manager, caller, {
        action: 'Mutation.reinitializeBaseline',
        target: { baselineId: created.id, version: created.version },
        summary: { source, rows: rowCount, modelVersion: scorer.modelVersion },
      });
      return created;
    });
  }

  private async load(input: ReinitializeBaselineInput): Promise<{ rows: LoadedRows; source: string }> {
    if (!input.path) throw new BaselineSourceError('path', `is required for ${input.source}`);
    const path = resolveAllowedPath(input.path, this.config.baselineDataDir);
    if (input.source === BaselineSource.CSV)
      return { rows: await readCsvRows(path, { mode: 'ALL' }, input.path), source: `csv:${input.path}` };
    const count = input.rows ?? 0;
    if (!Number.isInteger(count) || count < 1 || count > MAX_BASELINE_ROWS) {
      throw new BaselineSourceError('rows', `must be an integer from 1 to ${MAX_BASELINE_ROWS}`);
    }
    if (input.source === BaselineSource.CSV_FIRST_ROWS) {
      return { rows: await readCsvRows(path, { mode: 'FIRST', rows: count }, input.path), source: `csv:${input.path}:first:${count}` };
    }
    const seed = input.seed ?? 1;
    return {
      rows: await readCsvRows(path, { mode: 'RANDOM', rows: count, seed }, input.path),
      source: `csv:${input.path}:random:${count}:seed:${seed}`,
    };
  }
}

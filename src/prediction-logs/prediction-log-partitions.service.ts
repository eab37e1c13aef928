import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LOCK_KEYS, tryLockForSession, unlockForSession } from '../database/advisory-locks';
import { addMonths, monthStart, nameableMonth, partitionName } from './partition-months';
import { DroppedPartition, PredictionLogPartitionsRepository } from './prediction-log-partitions.repository';

export interface PartitionMaintenanceResult {
  /** False when another instance held the maintenance lock (it does the work; nothing was done here). */
  acquired: boolean;
  /** Partitions created, oldest month first. */
  created: string[];
  /** Rows moved out of the DEFAULT partition into a partition created for their month. */
  moved: Array<{ partition: string; rows: number }>;
  /** Partitions dropped by retention. */
  dropped: DroppedPartition[];
  /** Partitions wholly before this instant are dropped; null without PREDICTION_LOG_RETENTION_MONTHS. */
  retentionCutoff: Date | null;
}

/**
 * Keeps prediction_logs' monthly partitions in shape; run at start-up and daily by
 * monitoring-jobs (MonitoringSchedulerService):
 * - the current month and PREDICTION_LOG_PARTITIONS_AHEAD months after it have a partition, so
 *   rows never land in the DEFAULT partition in normal operation;
 * - the DEFAULT partition is emptied: every month it holds rows of gets its own partition and
 *   the rows move there (so retention can later drop them with their month);
 * - with PREDICTION_LOG_RETENTION_MONTHS = N, partitions whose whole month lies before the start
 *   of (current month - N) are dropped: whole partitions, never row-by-row deletes. Aggregates
 *   (batches, drift reports, performance metrics, batch profiles) live in other tables and stay.
 * One run at a time across instances (a session advisory lock); each step is its own short
 * transaction, so ingestion waits at most one step for the table lock.
 */
@Injectable()
export class PredictionLogPartitionsService {
  private readonly logger = new Logger('PredictionLogPartitions');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partitions: PredictionLogPartitionsRepository,
  ) {}

  async maintain(now: Date = new Date()): Promise<PartitionMaintenanceResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (!(await tryLockForSession(runner.manager, LOCK_KEYS.predictionLogPartitions))) {
        this.logger.debug({ msg: 'partition maintenance skipped: another instance is running it' });
        return { acquired: false, created: [], moved: [], dropped: [], retentionCutoff: null };
      }
      try {
        return await this.run(runner, now);
      } finally {
        await unlockForSession(runner.manager, LOCK_KEYS.predictionLogPartitions);
      }
    } finally {
      await runner.release();
    }
  }

  private async run(runner: QueryRunner, now: Date): Promise<PartitionMaintenanceResult> {
    const { partitionsAhead, retentionMonths } = this.config.predictionLogs;
    const current = monthStart(now);
    const layout = await this.partitions.layout(runner.manager);
    const existing = new Map(layout.months.map((p) => [p.name, p]));
    const result: PartitionMaintenanceResult = {
      acquired: true,
      created: [],
      moved: [],
      dropped: [],
      retentionCutoff: retentionMonths === null ? null : addMonths(current, -retentionMonths),
    };

    const wanted = new Map<string, Date>();
    for (let n = 0; n <= partitionsAhead; n++) wanted.set(partitionName(addMonths(current, n)), addMonths(current, n));
    if (layout.hasDefault) {
      for (const month of await this.partitions.monthsInDefault(runner.manager)) {
        if (nameableMonth(month)) wanted.set(partitionName(month), month);
      }
    }
    const missing = [...wanted.entries()].filter(([name]) => !existing.has(name)).sort(([, a], [, b]) => a.getTime() - b.getTime());
    for (const [name, month] of missing) {
      const rows = await this.inTransaction(runner, (manager) => this.partitions.createMonth(manager, month, layout.hasDefault));
      existing.set(name, { name, month });
      result.created.push(name);
      if (rows > 0) result.moved.push({ partition: name, rows });
      this.logger.log({ msg: 'prediction_logs partition created', partition: name, movedFromDefault: rows });
    }

    if (result.retentionCutoff) {
      const cutoff = result.retentionCutoff.getTime();
      const expired = [...existing.values()]
        .filter((p) => addMonths(p.month, 1).getTime() <= cutoff)
        .sort((a, b) => a.month.getTime() - b.month.getTime());
      for (const partition of expired) {
        const dropped = await this.inTransaction(runner, (manager) => this.partitions.dropMonth(manager, partition));
        result.dropped.push(dropped);
        this.logger.log({
          msg: 'prediction_logs partition dropped (retention)',
          partition: dropped.name,
          approxRows: dropped.approxRows,
          bytes: dropped.bytes,
          retentionMonths,
          cutoff: result.retentionCutoff.toISOString(),
        });
      }
    }
    if (layout.others.length) this.logger.debug({ msg: 'partitions left alone (not monthly)', partitions: layout.others });
    return result;
  }

  private async inTransaction<T>(runner: QueryRunner, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    await runner.startTransaction();
    try {
      const value = await work(runner.manager);
      await runner.commitTransaction();
      return value;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }
}

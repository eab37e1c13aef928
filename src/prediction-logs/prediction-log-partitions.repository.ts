import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addMonths, DEFAULT_PARTITION, monthOfPartition, partitionName } from './partition-months';
import { PREDICTION_LOG_WRITTEN_COLUMNS } from './prediction-log-columns';

/** One monthly partition of prediction_logs. */
export interface MonthPartition {
  name: string;
  /** First instant of its month (UTC); the partition holds created_at in [month, month + 1 month). */
  month: Date;
}

export interface PartitionLayout {
  months: MonthPartition[];
  hasDefault: boolean;
  /** Partitions that follow neither naming rule (made by hand): maintenance leaves them alone. */
  others: string[];
}

/** A dropped partition, with what it held (from the planner's statistics, not a count: no scan before a drop). */
export interface DroppedPartition {
  name: string;
  approxRows: number;
  bytes: number;
}

/**
 * Waiting longer than this for a lock on prediction_logs gives up (the next run retries): DDL on a
 * partitioned table queues behind a long read, and every ingest would queue behind the DDL.
 */
const LOCK_TIMEOUT = '10s';

/** Every column of a row, as it moves from DEFAULT into its month (ids and times kept). */
const COLUMNS = `id, ${PREDICTION_LOG_WRITTEN_COLUMNS}, created_at`;

/**
 * The partition DDL of prediction_logs (the table's shape belongs to its owner, src/prediction-logs).
 * Every method runs in the caller's transaction. Partition names and bounds are built from
 * dates here, never from input, since DDL takes no bind parameters.
 */
@Injectable()
export class PredictionLogPartitionsRepository {
  /** The partitions prediction_logs has now. */
  async layout(manager: EntityManager): Promise<PartitionLayout> {
    const rows: Array<{ name: string; isDefault: boolean }> = await manager.query(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS "isDefault"
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'prediction_logs'::regclass ORDER BY c.relname`,
    );
    const layout: PartitionLayout = { months: [], hasDefault: false, others: [] };
    for (const row of rows) {
      const month = monthOfPartition(row.name);
      if (row.isDefault && row.name === DEFAULT_PARTITION) layout.hasDefault = true;
      else if (month && !row.isDefault) layout.months.push({ name: row.name, month });
      else layout.others.push(row.name);
    }
    return layout;
  }

  /**
   * The months (UTC) that have rows in the DEFAULT partition: one probe of its created_at index
   * per month, so an empty or small default costs next to nothing.
   */
  async monthsInDefault(manager: EntityManager): Promise<Date[]> {
    const rows: Array<{ month: Date }> = await manager.query(`
      WITH RECURSIVE months(month) AS (
        SELECT date_trunc('month', min(created_at), 'UTC') FROM ${DEFAULT_PARTITION}
        UNION ALL
        SELECT (SELECT date_trunc('month', min(d.created_at), 'UTC') FROM ${DEFAULT_PARTITION} d
                WHERE d.created_at >= ((m.month AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC')
        FROM months m WHERE m.month IS NOT NULL)
      SELECT month FROM months WHERE month IS NOT NULL`);
    return rows.map((r) => r.month);
  }

  /**
   * Creates the partition of `month`. PostgreSQL refuses to create a partition while the DEFAULT
   * partition holds rows of its range, so when it does, the default is detached, the partition
   * created, those rows moved into it, and the default attached again, all in the caller's
   * transaction (nobody sees the table without its default). Returns the rows moved.
   */
  async createMonth(manager: EntityManager, month: Date, hasDefault: boolean): Promise<number> {
    await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const name = partitionName(month);
    const from = month.toISOString();
    const to = addMonths(month, 1).toISOString();
    const create = `CREATE TABLE ${name} PARTITION OF prediction_logs FOR VALUES FROM ('${from}') TO ('${to}')`;
    if (!hasDefault) {
      await manager.query(create);
      return 0;
    }
    const [{ n }]: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM ${DEFAULT_PARTITION} WHERE created_at >= $1 AND created_at < $2`,
      [from, to],
    );
    if (n === 0) {
      await manager.query(create);
      return 0;
    }
    await manager.query(`ALTER TABLE prediction_logs DETACH PARTITION ${DEFAULT_PARTITION}`);
    await manager.query(create);
    await manager.query(
      `INSERT INTO ${name} (${COLUMNS}) SELECT ${COLUMNS} FROM ${DEFAULT_PARTITION} WHERE created_at >= $1 AND created_at < $2`,
      [from, to],
    );
    await manager.query(`DELETE FROM ${DEFAULT_PARTITION} WHERE created_at >= $1 AND created_at < $2`, [from, to]);
    await manager.query(`ALTER TABLE prediction_logs ATTACH PARTITION ${DEFAULT_PARTITION} DEFAULT`);
    return n;
  }

  /** Drops a month partition with its rows (retention): one catalog change, no row deletes, no vacuum debt. */
  async dropMonth(manager: EntityManager, partition: MonthPartition): Promise<DroppedPartition> {
    await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const name = partitionName(partition.month);
    const [size]: Array<{ approxRows: number; bytes: string }> = await manager.query(
      `SELECT greatest(c.reltuples, 0)::bigint::float8 AS "approxRows", pg_total_relation_size(c.oid)::text AS bytes
       FROM pg_class c WHERE c.oid = $1::regclass`,
      [name],
    );
    await manager.query(`DROP TABLE ${name}`);
    return { name, approxRows: size.approxRows, bytes: Number(size.bytes) };
  }
}

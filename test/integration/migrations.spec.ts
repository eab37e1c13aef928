import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrationsWithLock } from '../../src/database/migration-runner';
import { createTestDatabase } from '../support/database';

const TABLES = [
  'alert_events',
  'alert_notifications',
  'alerts',
  'api_keys',
  'audit_log',
  'baselines',
  'batch_profiles',
  'batches',
  'drift_reports',
  'feature_drift_metrics',
  'model_versions',
  'performance_metrics',
  'prediction_logs',
  'retraining_events',
];

describe('migrations', () => {
  it('apply on an empty database, revert one by one through every down(), and apply again', async () => {
    const db = await createTestDatabase();
    const dataSource = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
    // Partitions (prediction_logs' months and its DEFAULT) are part of their parent, not tables of the schema.
    const tables = async (): Promise<string[]> =>
      (
        await dataSource.query(
          `SELECT t.tablename FROM pg_tables t JOIN pg_class c ON c.oid = format('%I.%I', t.schemaname, t.tablename)::regclass
           WHERE t.schemaname = 'public' AND t.tablename <> 'typeorm_migrations' AND NOT c.relispartition ORDER BY 1`,
        )
      ).map((r: { tablename: string }) => r.tablename);
    /** Every table left in the schema, partitions included: after the last down() there must be none. */
    const allTables = async (): Promise<number> =>
      (
        await dataSource.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations'`)
      )[0].n;
    const predictionLogsPartitioned = async (): Promise<boolean> =>
      (await dataSource.query(`SELECT relkind FROM pg_class WHERE oid = 'prediction_logs'::regclass`))[0].relkind === 'p';
    try {
      expect(await runMigrationsWithLock(dataSource)).toHaveLength(MIGRATIONS.length);
      expect(await tables()).toEqual(TABLES);
      expect(await predictionLogsPartitioned()).toBe(true);
      expect(await runMigrationsWithLock(dataSource)).toEqual([]);

      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual([]);
      expect(await allTables()).toBe(0);

      expect(await runMigrationsWithLock(dataSource)).toHaveLength(MIGRATIONS.length);
      expect(await tables()).toEqual(TABLES);
      expect(await predictionLogsPartitioned()).toBe(true);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});

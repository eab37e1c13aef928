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
    const tables = async (): Promise<string[]> =>
      (
        await dataSource.query(
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations' ORDER BY 1`,
        )
      ).map((r: { tablename: string }) => r.tablename);
    try {
      expect(await runMigrationsWithLock(dataSource)).toHaveLength(MIGRATIONS.length);
      expect(await tables()).toEqual(TABLES);
      expect(await runMigrationsWithLock(dataSource)).toEqual([]);

      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual([]);

      expect(await runMigrationsWithLock(dataSource)).toHaveLength(MIGRATIONS.length);
      expect(await tables()).toEqual(TABLES);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});

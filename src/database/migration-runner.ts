import { DataSource } from 'typeorm';
import { LOCK_KEYS } from './advisory-locks';

/**
 * Runs pending migrations under a session-level advisory lock, so several instances starting at
 * once on an empty database apply each migration exactly once: the first holds the lock and
 * migrates, the others wait, then find nothing pending.
 */
export async function runMigrationsWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [LOCK_KEYS.migrations]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [LOCK_KEYS.migrations]);
    }
  } finally {
    await runner.release();
  }
}

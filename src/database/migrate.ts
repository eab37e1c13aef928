import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';
import { startEmbeddedPostgres } from './embedded-postgres';
import { runMigrationsWithLock } from './migration-runner';

/**
 * `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded
 * PostgreSQL when it is unset, under the same advisory lock the service takes on start.
 */
async function migrate(): Promise<void> {
  const config = loadAppConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, 2)).initialize();
  try {
    const applied = await runMigrationsWithLock(dataSource);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});

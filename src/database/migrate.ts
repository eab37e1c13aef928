import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { onTerminationSignal, signalExitCode, untilAborted } from '../common/process/termination';
import { loadAppConfig } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';
import { startEmbeddedPostgres } from './embedded-postgres';
import { runMigrationsWithLock } from './migration-runner';

/**
 * `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded
 * PostgreSQL when it is unset, under the same advisory lock the service takes on start. A
 * SIGINT/SIGTERM stops waiting (for the embedded start or another instance's migration lock),
 * closes the connections (an unfinished migration's transaction is rolled back with them), stops
 * an embedded PostgreSQL it started and exits 128 + the signal's number; a second signal exits at once.
 */
async function migrate(): Promise<void> {
  const config = loadAppConfig();
  const interrupt = new AbortController();
  onTerminationSignal((signal) => {
    if (interrupt.signal.aborted) process.exit(signalExitCode(signal));
    interrupt.abort(Object.assign(new Error(`interrupted by ${signal}`), { exitCode: signalExitCode(signal) }));
  });
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, { signal: interrupt.signal });
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, 2));
  const initializing = dataSource.initialize();
  try {
    await untilAborted(initializing, interrupt.signal);
    const applied = await untilAborted(runMigrationsWithLock(dataSource), interrupt.signal);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
  } finally {
    await initializing.catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit((error as { exitCode?: number }).exitCode ?? 1);
});

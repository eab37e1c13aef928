import { DataSource } from 'typeorm';
import { untilAborted } from '../common/process/termination';
import { loadAppConfig } from '../config/config.module';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { runMigrationsWithLock } from '../database/migration-runner';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuditService } from './audit.service';
import { AuditLogRepository } from './audit-log.repository';

export interface SecurityStore {
  keys: ApiKeysService;
  repository: ApiKeysRepository;
  close(): Promise<void>;
}

/**
 * Key management outside the service (the `keys` CLI, tests that start service processes): the
 * database DATABASE_URL names, or the embedded default (reused when the service runs on it),
 * migrated under the same advisory lock the service takes. Aborting `signal` (the CLI's Ctrl-C)
 * while it opens closes what it opened, an embedded PostgreSQL it started included, and rejects
 * with signal.reason; after it returned, close() does that.
 */
export async function openSecurityStore(overrides: Record<string, string> = {}, signal?: AbortSignal): Promise<SecurityStore> {
  const config = loadAppConfig(overrides);
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, { signal });
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, 2));
  let initializing: Promise<unknown> | null = null;
  const close = async (): Promise<void> => {
    // An interrupted initialize still ends (its connect timeout bounds it); its pool is closed
    // then. Connections first: the embedded server stops once their sessions have ended.
    await initializing?.catch(() => undefined);
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  };
  try {
    initializing = dataSource.initialize();
    await untilAborted(initializing, signal);
    // Waiting for the migration lock may take long (another instance migrating): interruptible.
    await untilAborted(runMigrationsWithLock(dataSource), signal);
  } catch (error) {
    await close();
    throw error;
  }
  const repository = new ApiKeysRepository(dataSource);
  return {
    keys: new ApiKeysService(dataSource, repository, new AuditService(dataSource, new AuditLogRepository(dataSource))),
    repository,
    close,
  };
}

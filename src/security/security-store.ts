import { DataSource } from 'typeorm';
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
 * migrated under the same advisory lock the service takes.
 */
export async function openSecurityStore(overrides: Record<string, string> = {}): Promise<SecurityStore> {
  const config = loadAppConfig(overrides);
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, 2)).initialize();
  try {
    await runMigrationsWithLock(dataSource);
  } catch (error) {
    await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  const repository = new ApiKeysRepository(dataSource);
  return {
    keys: new ApiKeysService(dataSource, repository, new AuditService(dataSource, new AuditLogRepository(dataSource))),
    repository,
    close: async () => {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/config/config.module';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * DataSource for the TypeORM migration CLI (`npm run migration:run`, `migration:revert`).
 * It needs DATABASE_URL; the service itself also migrates on start (under an advisory lock).
 */
const config = loadAppConfig();
if (!config.databaseUrl) {
  throw new Error('DATABASE_URL is required for the migration CLI (the service migrates embedded PostgreSQL itself on start)');
}
export default new DataSource(dataSourceOptions(config.databaseUrl));

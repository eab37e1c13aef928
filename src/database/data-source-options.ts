import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/** One definition for the service, the migration CLI (ormconfig.ts) and tests. Never synchronize. */
export function dataSourceOptions(
  url: string,
  poolSize = 10,
  timeouts: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number } | null = null,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // Entities come from each owning module (TypeOrmModule.forFeature + autoLoadEntities), so the
    // database layer imports no feature; scripts outside Nest run plain SQL.
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: poolSize,
      // Keep idle connections from being cut mid-batch by a server restart: pg evicts broken
      // clients from the pool on error, and the pool 'error' handler below keeps the process up.
      connectionTimeoutMillis: 10_000,
      // Bounds what one request can hold: a runaway statement or a transaction left idle (a
      // client that vanished mid-request) is ended by PostgreSQL instead of holding a connection.
      ...(timeouts
        ? { statement_timeout: timeouts.statementTimeoutMs, idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs }
        : {}),
    },
  };
}

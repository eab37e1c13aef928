import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { dataSourceOptions } from './data-source-options';
import { DatabaseMetrics, QueryErrorCountingLogger } from './database-metrics';
import { runMigrationsWithLock } from './migration-runner';

/**
 * TypeORM on PostgreSQL. The URL comes from AppConfig (main.ts fills it with the embedded
 * server's when DATABASE_URL is unset). Pending migrations run at start under an advisory lock.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, MetricsService],
      useFactory: (config: AppConfig, metrics: MetricsService): TypeOrmModuleOptions => {
        if (!config.databaseUrl) throw new Error('DATABASE_URL is not set and no embedded PostgreSQL was started');
        // Each owning module registers its entities (TypeOrmModule.forFeature).
        const options = dataSourceOptions(config.databaseUrl, config.dbPoolSize, config.database);
        return {
          ...options,
          // Counts failed queries for /metrics (credit_monitor_db_query_errors_total).
          logger: new QueryErrorCountingLogger(metrics, options.logging),
          autoLoadEntities: true,
        } as TypeOrmModuleOptions;
      },
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const logger = new Logger('Database');
        const dataSource = await new DataSource(options!).initialize();
        // An idle client dropped by a PostgreSQL restart emits 'error' on the pool; without a
        // listener that would crash the process. The pool replaces the client on next use.
        const driver = dataSource.driver as unknown as { master?: { on(event: string, cb: (e: Error) => void): void } };
        driver.master?.on('error', (error) => logger.warn({ msg: 'idle database connection lost', error: error.message }));
        // Migrations run on a short-lived connection without the pool's statement timeout: waiting
        // for another instance's migration lock, or rewriting a large table, may take longer.
        // Two connections: one holds the advisory lock while TypeORM migrates on the other.
        const migrator = await new DataSource({ ...options!, extra: { max: 2 } } as DataSourceOptions).initialize();
        try {
          const applied = await runMigrationsWithLock(migrator);
          if (applied.length) logger.log({ msg: 'migrations applied', migrations: applied });
        } finally {
          await migrator.destroy();
        }
        return dataSource;
      },
    }),
  ],
  providers: [DatabaseMetrics],
})
export class DatabaseModule {}

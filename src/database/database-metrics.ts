import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AdvancedConsoleLogger, DataSource, LoggerOptions, QueryRunner } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';

/** The pg Pool TypeORM's PostgresDriver keeps as `master` (the only pool: no replication here). */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max: number };
  on(event: 'error', listener: (error: Error) => void): void;
}

/**
 * TypeORM's default logger (same output, same LOGGING levels), plus a count of failed queries:
 * PostgresQueryRunner reports every failed statement here once, whatever the logging options, so
 * this counts statement errors (constraint violations, timeouts, lost connections mid-query)
 * without wrapping any query.
 */
export class QueryErrorCountingLogger extends AdvancedConsoleLogger {
  constructor(
    private readonly metrics: MetricsService,
    options?: LoggerOptions,
  ) {
    super(options);
  }

  override logQueryError(error: string, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.metrics.recordQueryError();
    super.logQueryError(error, query, parameters, queryRunner);
  }
}

/**
 * Tells the metrics module about the pool behind the DataSource: its counts are read from memory
 * at scrape time (no query), and each idle connection it loses ('error' event) is counted.
 */
@Injectable()
export class DatabaseMetrics implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const pool = () => (this.dataSource.driver as unknown as { master?: PgPool }).master;
    pool()?.on('error', () => this.metrics.recordConnectionError());
    this.metrics.setPoolSource(() => {
      const current = pool();
      // Undefined once the DataSource is destroyed (shutdown): no pool, no series.
      if (!current) return null;
      return { total: current.totalCount, idle: current.idleCount, waiting: current.waitingCount, max: current.options.max };
    });
  }
}

import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';

/**
 * Raises statement_timeout and idle_in_transaction_session_timeout for the rest of the caller's
 * transaction to AGGREGATION_STATEMENT_TIMEOUT_MS: window checks and baselines built from
 * prediction logs scan millions of rows on purpose, and a window check's transaction waits while
 * a worker thread merges its profiles; every request keeps the pool's timeouts.
 */
export async function setAggregationTimeout(manager: EntityManager, config: AppConfig): Promise<void> {
  // A validated integer from configuration; SET takes no bind parameters.
  const ms = Math.trunc(config.database.aggregationStatementTimeoutMs);
  await manager.query(`SET LOCAL statement_timeout = ${ms}`);
  await manager.query(`SET LOCAL idle_in_transaction_session_timeout = ${ms}`);
}

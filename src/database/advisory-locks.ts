import { EntityManager } from 'typeorm';

/**
 * Every PostgreSQL advisory lock the service takes, in one registry so two features can never
 * share a key by accident (and serialise each other). Fixed keys use the single-bigint key space;
 * named job locks use the two-integer space (NAMED_LOCK_CLASS, hashtext(name)), which PostgreSQL
 * keeps separate, so a name's hash cannot collide with a fixed key.
 */
export const LOCK_KEYS = {
  /** Session lock around the migration run (migration-runner.ts). */
  migrations: 7_243_001,
  /** Every transaction that appends alert events (alert event ids become visible in order). */
  alertEvents: 7_243_002,
  /** Baseline version numbering, activation and the first-start seed. */
  baselines: 7_243_004,
  /**
   * Session lock around one prediction_logs partition maintenance run (creating months ahead,
   * emptying the DEFAULT partition, retention), which spans several short transactions.
   */
  predictionLogPartitions: 7_243_005,
} as const;

const NAMED_LOCK_CLASS = 7_243;

/** Waits for a transaction-scoped lock; released at COMMIT or ROLLBACK. */
export async function lockForTransaction(manager: EntityManager, key: number): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [key]);
}

/** Takes a named transaction-scoped lock if it is free (scheduled jobs: one runner per tick). */
export async function tryNamedLockForTransaction(manager: EntityManager, name: string): Promise<boolean> {
  const [{ locked }]: Array<{ locked: boolean }> = await manager.query(`SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked`, [
    NAMED_LOCK_CLASS,
    name,
  ]);
  return locked;
}

/**
 * Takes a session-level lock if it is free, on the connection `manager` is bound to (a
 * QueryRunner's manager): for work made of several transactions that must not interleave with
 * another instance's. Release it with unlockForSession on the same connection.
 */
export async function tryLockForSession(manager: EntityManager, key: number): Promise<boolean> {
  const [{ locked }]: Array<{ locked: boolean }> = await manager.query(`SELECT pg_try_advisory_lock($1) AS locked`, [key]);
  return locked;
}

export async function unlockForSession(manager: EntityManager, key: number): Promise<void> {
  await manager.query(`SELECT pg_advisory_unlock($1)`, [key]);
}

import {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

/** Work waiting for the transaction it was registered in, with the savepoint depth it was registered at. */
interface PendingWork {
  depth: number;
  run: () => void;
}

const PENDING = 'afterCommit:pending';

/**
 * Runs each transaction's after-commit work once its outermost COMMIT succeeded, and drops it on
 * ROLLBACK (of the whole transaction, or of the savepoint it was registered in). TypeORM
 * broadcasts both events to every subscriber of the DataSource after the statement ran.
 */
class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return; // a RELEASE SAVEPOINT: the outer transaction may still roll back
    for (const work of take(runner, () => true)) work.run();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    take(runner, (work) => work.depth > depthOf(runner));
  }
}

const subscribed = new WeakSet<DataSource>();

/**
 * Runs `work` after the transaction `manager` belongs to commits (never when it rolls back), or
 * at once when `manager` is in no transaction. For effects outside PostgreSQL that must describe
 * only committed state, such as metrics. `work` must not throw: it runs inside TypeORM's commit.
 */
export function afterCommit(manager: EntityManager, work: () => void): void {
  const runner = manager.queryRunner;
  if (!runner || !runner.isTransactionActive) {
    work();
    return;
  }
  const dataSource = manager.connection;
  // Registered on first use, so every DataSource that runs transactions (the service's, a test's) has it.
  if (!subscribed.has(dataSource)) {
    dataSource.subscribers.push(new AfterCommitSubscriber());
    subscribed.add(dataSource);
  }
  const pending = (runner.data[PENDING] ??= []) as PendingWork[];
  pending.push({ depth: depthOf(runner), run: work });
}

/** Savepoint nesting: 1 in a plain transaction (TypeORM keeps the counter protected). */
function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth: number }).transactionDepth;
}

/** Removes and returns the pending work that `select` picks. */
function take(runner: QueryRunner, select: (work: PendingWork) => boolean): PendingWork[] {
  const pending = (runner.data[PENDING] ?? []) as PendingWork[];
  const taken = pending.filter(select);
  runner.data[PENDING] = pending.filter((work) => !select(work));
  return taken;
}

import { DomainError } from '../errors/domain-error';

/**
 * The pool's queue is full: the work was refused before it started, nothing was done, and the
 * same request can be retried later. API code SERVICE_BUSY (HTTP 503 on REST routes).
 */
export class WorkerQueueFullError extends DomainError {
  constructor(pool: string, running: number, queued: number, limit: number) {
    super(
      'SERVICE_BUSY',
      `The ${pool} worker pool is busy (${running} running, ${queued} queued, queue limit ${limit}); nothing was done, retry later`,
      { pool, running, queued, queueLimit: limit, retryable: true },
    );
  }
}

/** The worker running a task crashed or exited; the task's result is lost (the pool starts a new worker). */
export class WorkerCrashedError extends Error {
  constructor(
    readonly pool: string,
    readonly task: string,
    why: string,
  ) {
    super(`worker pool "${pool}": the worker running task "${task}" ${why}`);
    this.name = 'WorkerCrashedError';
  }
}

/** close() was called: queued and running tasks are refused. */
export class WorkerPoolClosedError extends Error {
  constructor(
    readonly pool: string,
    readonly task: string,
  ) {
    super(`worker pool "${pool}" is closed; task "${task}" was not completed`);
    this.name = 'WorkerPoolClosedError';
  }
}

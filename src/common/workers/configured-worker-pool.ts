import { Logger, OnModuleDestroy } from '@nestjs/common';
import { extname, join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { WorkerPool } from './worker-pool';

/**
 * The base of each module's worker pool: a WorkerPool of WORKER_THREADS threads with at most
 * WORKER_QUEUE_LIMIT tasks waiting, closed with the application. Subclasses add the typed task
 * methods (and what moves to the worker) for their own tasks.
 */
export abstract class ConfiguredWorkerPool implements OnModuleDestroy {
  protected readonly pool: WorkerPool;

  /**
   * `workerFile`: the worker's file name without extension, next to `callerFile` (the subclass's
   * __filename): the .ts source under ts-jest/ts-node, the compiled .js under dist.
   */
  protected constructor(config: AppConfig, options: { name: string; callerFile: string; workerFile: string; logger: Logger }) {
    this.pool = new WorkerPool({
      name: options.name,
      script: join(options.callerFile, '..', options.workerFile + extname(options.callerFile)),
      size: config.workers.threads,
      maxQueued: config.workers.queueLimit,
      logger: options.logger,
    });
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.close();
  }
}

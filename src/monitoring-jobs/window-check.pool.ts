import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { extname, join } from 'node:path';
import { WorkerPool } from '../common/workers/worker-pool';
import { transferListOf } from '../common/workers/worker-task';
import { AppConfig } from '../config/app-config';
import { WINDOW_CHECK_TASK, WINDOW_MERGE_TASK, WindowCheckInput, WindowCheckOutput, WindowMergeInput } from './window-check.task';

/**
 * The worker threads that merge and judge window sketches (WORKER_THREADS of them, at most
 * WORKER_QUEUE_LIMIT checks waiting), so a window of any size never computes on the event loop.
 */
@Injectable()
export class WindowCheckPool implements OnModuleDestroy {
  private readonly pool: WorkerPool;

  constructor(config: AppConfig) {
    this.pool = new WorkerPool({
      name: 'window-check',
      script: join(__dirname, 'window-check.worker' + extname(__filename)),
      size: config.workers.threads,
      maxQueued: config.workers.queueLimit,
      logger: new Logger('WindowDriftCheck'),
    });
  }

  /** Adds a page of sketches to the running total; the buffers move to the worker. */
  merge(input: WindowMergeInput): Promise<Uint8Array> {
    return this.pool.run<WindowMergeInput, Uint8Array>(WINDOW_MERGE_TASK, input, {
      transfer: transferListOf([...input.sketches, input.accumulator]),
    });
  }

  /** The sketches' buffers are moved to the worker (detached here once called). */
  check(input: WindowCheckInput): Promise<WindowCheckOutput> {
    return this.pool.run<WindowCheckInput, WindowCheckOutput>(WINDOW_CHECK_TASK, input, { transfer: transferListOf(input.sketches) });
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.close();
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { ConfiguredWorkerPool } from '../common/workers/configured-worker-pool';
import { transferListOf } from '../common/workers/worker-task';
import { AppConfig } from '../config/app-config';
import { WINDOW_CHECK_TASK, WINDOW_MERGE_TASK, WindowCheckInput, WindowCheckOutput, WindowMergeInput } from './window-check.task';

/**
 * The worker threads that merge and judge window sketches (WORKER_THREADS of them, at most
 * WORKER_QUEUE_LIMIT checks waiting), so a window of any size never computes on the event loop.
 */
@Injectable()
export class WindowCheckPool extends ConfiguredWorkerPool {
  constructor(config: AppConfig) {
    super(config, {
      name: 'window-check',
      callerFile: __filename,
      workerFile: 'window-check.worker',
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
}

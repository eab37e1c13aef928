import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { extname, join } from 'node:path';
import { WorkerPool } from '../common/workers/worker-pool';
import { TaskProgress, transferListOf } from '../common/workers/worker-task';
import { AppConfig } from '../config/app-config';
import { FEATURE_NAMES } from '../model/features';
import { ChallengerTrainingInput, ChallengerTrainingOutput, TRAIN_CHALLENGER_TASK } from './challenger-training.task';
import { LabelledRows } from './retraining-data';

/**
 * The worker threads that train challengers (WORKER_THREADS of them, WORKER_QUEUE_LIMIT requests
 * waiting at most; beyond that retrainModel answers SERVICE_BUSY). Workers start with the first
 * retrainModel and are terminated when the application closes.
 */
@Injectable()
export class ChallengerTrainingPool implements OnModuleDestroy {
  private readonly pool: WorkerPool;

  constructor(config: AppConfig) {
    this.pool = new WorkerPool({
      name: 'challenger-training',
      // The .ts source under ts-jest/ts-node, the compiled .js under dist.
      script: join(__dirname, 'challenger-training.worker' + extname(__filename)),
      size: config.workers.threads,
      maxQueued: config.workers.queueLimit,
      logger: new Logger('Retraining'),
    });
  }

  /** Throws WorkerQueueFullError (SERVICE_BUSY) when a train() now would be refused. */
  assertCapacity(): void {
    this.pool.assertCapacity();
  }

  /** Moves the input's columns to the worker: they are detached here once this is called. */
  train(input: ChallengerTrainingInput, onProgress?: (progress: TaskProgress) => void): Promise<ChallengerTrainingOutput> {
    const transfer = transferListOf([...views(input.logs), ...(input.extra ? views(input.extra.rows) : [])]);
    return this.pool.run<ChallengerTrainingInput, ChallengerTrainingOutput>(TRAIN_CHALLENGER_TASK, input, { transfer, onProgress });
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.close();
  }
}

function views(rows: LabelledRows): ArrayBufferView[] {
  return [...FEATURE_NAMES.map((name) => rows.columns[name]), rows.labels];
}

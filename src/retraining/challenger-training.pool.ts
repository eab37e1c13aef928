import { Injectable, Logger } from '@nestjs/common';
import { ConfiguredWorkerPool } from '../common/workers/configured-worker-pool';
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
export class ChallengerTrainingPool extends ConfiguredWorkerPool {
  constructor(config: AppConfig) {
    super(config, {
      name: 'challenger-training',
      callerFile: __filename,
      workerFile: 'challenger-training.worker',
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
}

function views(rows: LabelledRows): ArrayBufferView[] {
  return [...FEATURE_NAMES.map((name) => rows.columns[name]), rows.labels];
}

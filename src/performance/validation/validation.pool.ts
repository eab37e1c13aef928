import { Injectable, Logger } from '@nestjs/common';
import { ConfiguredWorkerPool } from '../../common/workers/configured-worker-pool';
import { transferListOf } from '../../common/workers/worker-task';
import { AppConfig } from '../../config/app-config';
import type { ValidationReport } from '../../model/validation-report-types';
import { VALIDATION_REPORT_TASK, ValidationTaskInput } from './validation.task';

/**
 * Worker threads for validation reports: a period can hold millions of labelled PDs, and the
 * DeLong AUC sorts them all, so the report is computed off the serving event loop
 * (WORKER_THREADS threads, WORKER_QUEUE_LIMIT waiting; more are refused with SERVICE_BUSY).
 */
@Injectable()
export class ValidationPool extends ConfiguredWorkerPool {
  constructor(config: AppConfig) {
    super(config, { name: 'validation', callerFile: __filename, workerFile: 'validation.worker', logger: new Logger('Validation') });
  }

  /** The PD and label arrays move to the worker (detached here once called). */
  report(input: ValidationTaskInput): Promise<ValidationReport> {
    return this.pool.run<ValidationTaskInput, ValidationReport>(VALIDATION_REPORT_TASK, input, {
      transfer: transferListOf([input.probabilities, input.labels]),
    });
  }
}

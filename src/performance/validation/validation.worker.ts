import { serveTasks } from '../../common/workers/worker-task';
import { VALIDATION_REPORT_TASK, validationReportTask, ValidationTaskInput } from './validation.task';

/** Worker thread of the validation pool (ValidationPool): sorting and testing a period's PDs off the event loop. */
serveTasks({
  [VALIDATION_REPORT_TASK]: (input: ValidationTaskInput) => validationReportTask(input),
});

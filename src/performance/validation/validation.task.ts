import { computeValidationReport } from '../../model/credit-validation';
import type { MasterScale } from '../../model/master-scale';
import type { ValidationReport, ValidationSettings } from '../../model/validation-report-types';

export const VALIDATION_REPORT_TASK = 'validation-report';

export interface ValidationTaskInput {
  probabilities: Float64Array;
  labels: Uint8Array;
  masterScale: MasterScale;
  initialAuc: number | null;
  settings: Partial<ValidationSettings>;
}

/** The worker's task: the same pure function the CLI calls on a labelled CSV. */
export function validationReportTask(input: ValidationTaskInput): ValidationReport {
  return computeValidationReport(input.probabilities, input.labels, input.masterScale, {
    initialAuc: input.initialAuc,
    settings: input.settings,
  });
}

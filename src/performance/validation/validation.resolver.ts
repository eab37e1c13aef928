import { Args, Float, Query, Resolver } from '@nestjs/graphql';
import { ValidationReportModel } from '../models/validation-report.model';
import { ValidationService } from './validation.service';

/**
 * A validation report may read up to VALIDATION_MAX_ROWS labelled predictions and sort them in a
 * worker, so it costs a tenth of the default budget of 100,000: at most ten per request (and the
 * validation workers queue at most WORKER_QUEUE_LIMIT of them, refusing more with SERVICE_BUSY).
 */
export const VALIDATION_REPORT_COST = 10_000;

@Resolver()
export class ValidationResolver {
  constructor(private readonly validation: ValidationService) {}

  @Query(() => ValidationReportModel, {
    description:
      'Credit-risk validation of one model version over [from, to) from the stored outcomes: per rating grade and portfolio Jeffreys and binomial tests with traffic lights, Hosmer–Lemeshow, ROC AUC with DeLong SE and CI, Gini, KS, the AUC-decline test, Herfindahl and grade PSI (docs/credit-validation.md)',
    complexity: VALIDATION_REPORT_COST,
  })
  validationReport(
    @Args('modelVersion') modelVersion: string,
    @Args('from', { type: () => Date, description: 'Predictions scored at or after this time' }) from: Date,
    @Args('to', { type: () => Date, description: 'Predictions scored before this time' }) to: Date,
    @Args('initialAuc', {
      type: () => Float,
      nullable: true,
      description: "The AUC at initial validation for the AUC-decline test; default: the model card's holdout ROC AUC",
    })
    initialAuc?: number | null,
  ): Promise<ValidationReportModel> {
    return this.validation.report({ modelVersion, from, to, initialAuc }) as Promise<ValidationReportModel>;
  }
}

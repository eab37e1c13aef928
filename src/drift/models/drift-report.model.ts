import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GradeDistributionModel } from './grade-distribution.model';

export enum DriftStatusValue {
  STABLE = 'STABLE',
  DRIFT = 'DRIFT',
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
}
registerEnumType(DriftStatusValue, { name: 'DriftStatus' });

/** The stored drift_reports.kind values (DriftReportKind in the entity), as a GraphQL enum. */
export enum DriftReportKindValue {
  BATCH = 'BATCH',
  WINDOW = 'WINDOW',
}
registerEnumType(DriftReportKindValue, {
  name: 'DriftReportKind',
  description: 'BATCH: one ingested batch; WINDOW: a scheduled (or requested) re-check over a time window',
});

export enum ColumnDriftStatusValue {
  DRIFT = 'DRIFT',
  STABLE = 'STABLE',
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
  NOT_EVALUATED = 'NOT_EVALUATED',
}
registerEnumType(ColumnDriftStatusValue, {
  name: 'ColumnDriftStatus',
  description:
    'One column’s outcome: DRIFT or STABLE when tested; INSUFFICIENT_DATA when too few rows (or no valid p-value) — never an all-clear; NOT_EVALUATED when disabled, missing or holding non-finite values',
});

@ObjectType()
export class TestResult {
  @Field(() => Float)
  statistic: number;

  @Field(() => Float, { nullable: true })
  pValue: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Chi-square only: how the p-value was computed (asymptotic, exact or monte_carlo permutation on the unmerged table)',
  })
  pValueMethod?: string | null;
}

@ObjectType('BinningErrorBounds', {
  description:
    'Error bounds of statistics computed on the baseline grid: |D − D_exact| ≤ ksErrorBound (D ≤ D_exact), |W − W_exact| ≤ wassersteinErrorBound',
})
export class BinningErrorBoundsModel {
  @Field(() => Int)
  bins: number;

  @Field(() => Float)
  ksErrorBound: number;

  @Field(() => Float, { description: 'In the feature’s own units' })
  wassersteinErrorBound: number;
}

@ObjectType({ description: 'Every statistic computed for one feature (or the model output, "prediction")' })
export class FeatureDriftMetric {
  @Field()
  feature: string;

  @Field({ description: 'numeric or discrete' })
  kind: string;

  @Field({ description: 'The deciding statistic: ks, chi_square or psi' })
  method: string;

  @Field(() => Float, { nullable: true })
  statistic: number | null;

  @Field(() => Float, { nullable: true })
  pValue: number | null;

  @Field(() => Float, { nullable: true, description: 'Holm-adjusted across the features of this report' })
  adjustedPValue: number | null;

  @Field(() => Float, { nullable: true })
  threshold: number | null;

  @Field(() => Float, { nullable: true })
  psi: number | null;

  @Field(() => TestResult, { nullable: true })
  ks: TestResult | null;

  @Field(() => TestResult, { nullable: true })
  chiSquare: TestResult | null;

  @Field(() => Float, { nullable: true })
  wasserstein: number | null;

  @Field(() => Float, { nullable: true, description: 'Wasserstein distance in baseline standard deviations' })
  wassersteinNormalized: number | null;

  @Field(() => Float, { nullable: true })
  jensenShannon: number | null;

  @Field(() => Float, { nullable: true, description: 'Noise-corrected effect size used by the materiality gate' })
  effectSize: number | null;

  @Field(() => Float, { nullable: true })
  effectThreshold: number | null;

  @Field()
  drifted: boolean;

  @Field({ description: 'False when the feature could not be tested (too few rows, NaN values, disabled)' })
  evaluated: boolean;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => BinningErrorBoundsModel, {
    nullable: true,
    description: 'Set when the statistics were computed from binned data (window checks): how far they can be from the raw-row values',
  })
  binning: BinningErrorBoundsModel | null;

  @Field(() => ColumnDriftStatusValue)
  status: `${ColumnDriftStatusValue}`;
}

@ObjectType({ description: "One feature's part in the change of the mean log-odds" })
export class ScoreShiftContributionModel {
  @Field()
  feature: string;

  @Field(() => Float, {
    description: 'Change in the mean log-odds caused by this feature: coefficient × change in its mean standardised value',
  })
  contribution: number;

  @Field(() => Float, { description: '|contribution| / Σ|contributions|: the share of the score movement this feature accounts for' })
  share: number;

  @Field(() => Float)
  baselineMean: number;

  @Field(() => Float)
  currentMean: number;
}

@ObjectType({ description: 'Which features moved the scores: an exact decomposition for the logistic model' })
export class ScoreShiftModel {
  @Field(() => Float, { description: 'Mean log-odds of the current data minus that of the baseline; the contributions sum to it' })
  total: number;

  @Field(() => [ScoreShiftContributionModel], { description: 'Largest |contribution| first' })
  contributions: ScoreShiftContributionModel[];
}

@ObjectType()
export class DriftReport {
  @Field(() => ID)
  id: string;

  @Field(() => DriftReportKindValue)
  kind: `${DriftReportKindValue}`;

  @Field(() => DriftStatusValue)
  status: DriftStatusValue;

  @Field(() => Float, { nullable: true })
  globalScore: number | null;

  @Field(() => Float, { nullable: true })
  driftedShare: number | null;

  @Field(() => Int)
  rowCount: number;

  @Field()
  modelVersion: string;

  @Field(() => Int, { nullable: true })
  baselineVersion: number | null;

  @Field(() => String, { nullable: true, description: 'External batchId for BATCH reports' })
  batchId: string | null;

  @Field(() => String, { nullable: true })
  windowKind: string | null;

  @Field(() => Date, { nullable: true })
  windowStart: Date | null;

  @Field(() => Date, { nullable: true })
  windowEnd: Date | null;

  @Field({ description: 'Path of the self-contained HTML report' })
  reportUrl: string;

  @Field(() => [FeatureDriftMetric])
  features: FeatureDriftMetric[];

  @Field(() => [String], {
    description: 'Caveats about the verdict itself, e.g. a baseline too small for the batch size (empty when none)',
  })
  warnings: string[];

  @Field(() => ScoreShiftModel, {
    nullable: true,
    description: 'Which features moved the scores (null: the scoring model is not linear, or a report written before it existed)',
  })
  scoreShift: ScoreShiftModel | null;

  @Field(() => GradeDistributionModel, {
    nullable: true,
    description:
      'The scores’ rating-grade mix against the model’s development sample (null: the model has no master scale, or a report written before it existed)',
  })
  gradeDistribution: GradeDistributionModel | null;

  @Field()
  createdAt: Date;
}

@ObjectType({ description: "One feature's statistics in one report, for trend charts" })
export class FeatureMetricPoint {
  @Field(() => ID)
  reportId: string;

  @Field(() => DriftReportKindValue)
  reportKind: `${DriftReportKindValue}`;

  @Field()
  createdAt: Date;

  @Field()
  method: string;

  @Field(() => Float, { nullable: true })
  statistic: number | null;

  @Field(() => Float, { nullable: true })
  pValue: number | null;

  @Field(() => Float, { nullable: true, description: 'Holm-adjusted across the features of this report' })
  adjustedPValue: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'The threshold the deciding gate used when this report was made: alpha (method ks or chi_square) or the PSI gate (method psi)',
  })
  threshold: number | null;

  @Field(() => Float, { nullable: true })
  psi: number | null;

  @Field(() => Float, { nullable: true, description: 'KS statistic D (numeric features), whichever gate decided' })
  ksStatistic: number | null;

  @Field(() => Float, { nullable: true, description: 'Chi-square statistic (discrete features), whichever gate decided' })
  chiSquareStatistic: number | null;

  @Field(() => Float, { nullable: true })
  wassersteinNormalized: number | null;

  @Field(() => Float, { nullable: true })
  jensenShannon: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Noise-corrected effect size the materiality gate judged: Wasserstein in baseline SDs (numeric) or Jensen–Shannon distance (discrete)',
  })
  effectSize: number | null;

  @Field(() => Float, { nullable: true, description: 'The materiality gate effectSize was compared with when this report was made' })
  effectThreshold: number | null;

  @Field()
  drifted: boolean;

  @Field()
  evaluated: boolean;
}

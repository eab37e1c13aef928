import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "One monitored column's effective drift thresholds (global settings with its overrides applied)" })
export class ColumnDriftThresholds {
  @Field({ description: "A model feature or 'prediction'" })
  feature: string;

  @Field({ description: 'numeric or discrete' })
  kind: string;

  @Field({ description: 'False when the column is left out of the check' })
  enabled: boolean;

  @Field(() => Float, { description: 'Level for the Holm-adjusted p-value of the drift test (KS or chi-square)' })
  alpha: number;

  @Field(() => Float, { description: 'Materiality gate on the noise-corrected PSI' })
  psiThreshold: number;

  @Field(() => Float, {
    description:
      'Materiality gate on the noise-corrected effect size: Wasserstein in baseline SDs (numeric) or Jensen–Shannon distance (discrete)',
  })
  effectThreshold: number;
}

@ObjectType({ description: 'The drift configuration this instance checks with, for charts that draw its thresholds' })
export class DriftSettings {
  @Field(() => Int, { description: 'Batches and columns with fewer rows are INSUFFICIENT_DATA' })
  minSampleSize: number;

  @Field(() => Float, { description: 'PSI at which a drift alert is at least MEDIUM (ALERT_PSI_MODERATE)' })
  alertPsiModerate: number;

  @Field(() => Float, { description: 'PSI at which a drift alert is at least HIGH (ALERT_PSI_SIGNIFICANT)' })
  alertPsiSignificant: number;

  @Field(() => [ColumnDriftThresholds], { description: 'Every monitored column, features first, then the prediction' })
  columns: ColumnDriftThresholds[];
}

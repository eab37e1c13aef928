import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

// Field names equal those of ValidationReport (src/model/validation-report-types.ts), which the
// CLI's --json prints: the resolver returns the computed object as it is.

export enum TrafficLight {
  GREEN = 'GREEN',
  YELLOW = 'YELLOW',
  RED = 'RED',
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
}
registerEnumType(TrafficLight, {
  name: 'TrafficLight',
  description:
    'By the one-sided Jeffreys p-value: RED below VALIDATION_RED_P_VALUE, YELLOW below VALIDATION_YELLOW_P_VALUE, else GREEN; INSUFFICIENT_DATA when fewer than VALIDATION_MIN_GRADE_OBLIGORS obligors (never passing; a RED p-value is still RED)',
});

export enum InitialAucSource {
  GIVEN = 'GIVEN',
  MODEL_CARD = 'MODEL_CARD',
}
registerEnumType(InitialAucSource, { name: 'InitialAucSource', description: 'Where the AUC-decline test’s initial AUC came from' });

@ObjectType({ description: 'Jeffreys and exact binomial tests of a PD against the observed defaults (a grade or the portfolio)' })
export class CalibrationTestModel {
  @Field(() => Int, { description: 'Obligors N (labelled predictions)' })
  count: number;

  @Field(() => Int, { description: 'Defaults D' })
  defaults: number;

  @Field(() => Float, { nullable: true, description: 'Mean model PD of the obligors; null when empty' })
  pd: number | null;

  @Field(() => Float, { nullable: true, description: 'D / N; null when empty' })
  observedDefaultRate: number | null;

  @Field(() => Float, { nullable: true, description: 'Beta(D + ½, N − D + ½) CDF at the PD: small = the PD underestimates the risk' })
  jeffreysPValue: number | null;

  @Field(() => Float, { nullable: true, description: 'P(X ≥ D) for X ~ Binomial(N, PD)' })
  binomialPValue: number | null;

  @Field(() => TrafficLight)
  trafficLight: TrafficLight;

  @Field(() => [Float], {
    nullable: true,
    description: 'Equal-tailed Jeffreys interval [lower, upper] for the default rate at settings.confidence',
  })
  jeffreysInterval: [number, number] | null;
}

@ObjectType({
  description: 'One rating grade of the master scale: a row belongs to it when pdLower <= PD < pdUpper (the last grade includes 1)',
})
export class GradeValidationModel extends CalibrationTestModel {
  @Field(() => Int, { description: '1 = lowest PD' })
  grade: number;

  @Field(() => Float)
  pdLower: number;

  @Field(() => Float)
  pdUpper: number;

  @Field(() => Float, { description: 'Share of the report’s obligors in this grade' })
  share: number;

  @Field(() => Float, { nullable: true, description: 'Share of the development sample in this grade' })
  developmentShare: number | null;
}

@ObjectType({ description: 'Hosmer–Lemeshow over the grades (out-of-sample form)' })
export class HosmerLemeshowModel {
  @Field(() => Float, {
    nullable: true,
    description: 'Σ (D − N·PD)² / (N·PD·(1 − PD)); null when a grade with PD 0 or 1 disagrees with its defaults (p-value 0)',
  })
  statistic: number | null;

  @Field(() => Int, { description: 'Non-empty grades' })
  degreesOfFreedom: number;

  @Field(() => Float, { nullable: true })
  pValue: number | null;
}

@ObjectType({ description: 'Test of the current AUC against the AUC at initial validation' })
export class AucDeclineTestModel {
  @Field(() => Float, { nullable: true })
  initialAuc: number | null;

  @Field(() => Float, { nullable: true, description: '(initialAuc − rocAuc) / rocAucStandardError (DeLong)' })
  statistic: number | null;

  @Field(() => Float, { nullable: true, description: '1 − Φ(statistic): small = the AUC fell significantly' })
  pValue: number | null;

  @Field({ description: 'pValue below VALIDATION_RED_P_VALUE' })
  significant: boolean;
}

@ObjectType()
export class RocPointModel {
  @Field(() => Float)
  falsePositiveRate: number;

  @Field(() => Float)
  truePositiveRate: number;
}

@ObjectType({ description: 'The levels and minimum sizes this report was computed with' })
export class ValidationSettingsModel {
  @Field(() => Float)
  yellowPValue: number;

  @Field(() => Float)
  redPValue: number;

  @Field(() => Int)
  minGradeObligors: number;

  @Field(() => Int, { description: 'Defaults and non-defaults needed for the discrimination statistics' })
  minClassCount: number;

  @Field(() => Float)
  confidence: number;
}

@ObjectType({
  description:
    'Credit-risk validation of one model version over a period with outcomes: PD backtesting per rating grade and for the portfolio, discrimination, concentration and stability (docs/credit-validation.md)',
})
export class ValidationReportModel {
  @Field()
  modelVersion: string;

  @Field(() => Date, { description: 'Predictions scored at or after this time…' })
  from: Date;

  @Field(() => Date, { description: '…and before this time' })
  to: Date;

  @Field(() => Date)
  generatedAt: Date;

  @Field({ description: 'How the master scale’s boundaries were chosen' })
  masterScaleRule: string;

  @Field(() => Int, { description: 'Labelled predictions tested' })
  rows: number;

  @Field(() => Int)
  defaults: number;

  @Field(() => Int, { description: 'Predictions in the period whose outcome has not arrived (not tested)' })
  unlabelledRows: number;

  @Field(() => Float, { nullable: true, description: 'ROC AUC (ties count ½); null with too few defaults or non-defaults' })
  rocAuc: number | null;

  @Field(() => Float, { nullable: true, description: 'DeLong standard error of rocAuc' })
  rocAucStandardError: number | null;

  @Field(() => [Float], {
    nullable: true,
    description: '[lower, upper] confidence interval of rocAuc (normal, DeLong SE, clipped to [0, 1])',
  })
  rocAucCi: [number, number] | null;

  @Field(() => Float, { nullable: true, description: '2·AUC − 1' })
  gini: number | null;

  @Field(() => [Float], { nullable: true })
  giniCi: [number, number] | null;

  @Field(() => Float, { nullable: true, description: 'KS separation of defaulters’ and non-defaulters’ PDs' })
  ksSeparation: number | null;

  @Field(() => HosmerLemeshowModel)
  hosmerLemeshow: HosmerLemeshowModel;

  @Field(() => Float, {
    nullable: true,
    description: 'ECB-normalised Herfindahl index of the grade distribution (0 even, 1 all in one grade)',
  })
  herfindahl: number | null;

  @Field(() => AucDeclineTestModel)
  aucDeclineTest: AucDeclineTestModel;

  @Field(() => InitialAucSource, { nullable: true })
  initialAucSource: InitialAucSource | null;

  @Field(() => [GradeValidationModel])
  grades: GradeValidationModel[];

  @Field(() => CalibrationTestModel)
  portfolio: CalibrationTestModel;

  @Field(() => Float, { nullable: true, description: 'PSI of the grade distribution against development' })
  gradePsi: number | null;

  @Field(() => [RocPointModel])
  rocCurve: RocPointModel[];

  @Field(() => ValidationSettingsModel)
  settings: ValidationSettingsModel;

  @Field({ description: 'Portfolio RED, or the AUC decline significant' })
  failed: boolean;

  @Field(() => [String])
  failures: string[];
}

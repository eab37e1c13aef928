import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { DriftStatusValue } from './drift-report.model';

@ObjectType('GradeShare', { description: 'One rating grade of the master scale: development vs current rows' })
export class GradeShareModel {
  @Field(() => Int, { description: '1 = lowest PD' })
  grade: number;

  @Field(() => Float, { description: 'A probability p is in this grade when pdLower <= p < pdUpper (the last grade includes 1)' })
  pdLower: number;

  @Field(() => Float)
  pdUpper: number;

  @Field(() => Int, { description: 'Development (model-fitting) rows in this grade, from the master scale' })
  developmentCount: number;

  @Field(() => Float, { description: 'developmentCount / development rows' })
  developmentShare: number;

  @Field(() => Int, { description: 'Current rows in this grade' })
  count: number;

  @Field(() => Float, { description: 'count / current rows' })
  share: number;
}

@ObjectType('GradeChiSquare', { description: 'Two-sample chi-square test of homogeneity: development counts vs current counts per grade' })
export class GradeChiSquareModel {
  @Field(() => Float)
  statistic: number;

  @Field(() => Int, { description: 'Grades non-empty in either sample, minus one' })
  degreesOfFreedom: number;

  @Field(() => Float)
  pValue: number;

  @Field(() => String, {
    description: 'asymptotic (every expected count ≥ 5), else a permutation p-value: exact (two grades) or monte_carlo',
  })
  pValueMethod: string;

  @Field(() => Int, { nullable: true, description: 'Monte-Carlo permutation only: permuted tables drawn' })
  draws?: number | null;
}

@ObjectType('GradeDistribution', {
  description:
    'The rating-grade mix of the scores against the model’s development sample (PSI and chi-square over the master scale’s grades). ' +
    'Judged on its own: it does not change the report’s status, whose prediction column already judges the score distribution.',
})
export class GradeDistributionModel {
  @Field(() => [GradeShareModel], { description: 'Grade 1 first' })
  grades: GradeShareModel[];

  @Field(() => Int, { description: 'Current rows with a grade' })
  rowCount: number;

  @Field(() => Int)
  developmentRowCount: number;

  @Field(() => Float, { nullable: true, description: 'PSI over the grades, development vs current (null: not evaluated)' })
  psi: number | null;

  @Field(() => Float, { nullable: true, description: 'PSI minus its expected value under no drift, floored at 0 (the PSI gate)' })
  psiExcess: number | null;

  @Field(() => Float, { nullable: true, description: 'Jensen–Shannon distance (base 2) over the grades' })
  jensenShannon: number | null;

  @Field(() => Float, { nullable: true, description: 'Jensen–Shannon distance after removing sampling noise (the other materiality gate)' })
  effectSize: number | null;

  @Field(() => GradeChiSquareModel, { nullable: true, description: 'Null when not evaluated (too few rows)' })
  chiSquare: GradeChiSquareModel | null;

  @Field(() => Float, { description: 'DRIFT needs chi-square p ≤ alpha' })
  alpha: number;

  @Field(() => Float, { description: 'and psiExcess ≥ psiThreshold or effectSize ≥ effectThreshold' })
  psiThreshold: number;

  @Field(() => Float)
  effectThreshold: number;

  @Field(() => DriftStatusValue, {
    description: 'DRIFT: significant and material; STABLE; INSUFFICIENT_DATA: fewer rows than the minimum sample, never an all-clear',
  })
  status: `${DriftStatusValue}`;

  @Field({ description: 'Plain-language explanation of the status' })
  reason: string;
}

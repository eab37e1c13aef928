import { FEATURE_NAMES, FeatureName } from '../src/model/features';
import { RandomSource } from '../src/stats/random';

/**
 * Named drift scenarios for synthetic traffic. Each one changes generated applications (or, for
 * concept_drift, only how outcomes follow from them) by an amount set by `strength`. Outcomes of
 * the covariate scenarios still come from the unchanged default model applied to the shifted
 * applications, i.e. P(default | features) is stable and only the population moves.
 */

export const SCENARIO_NAMES = [
  'income_drop',
  'older_applicants',
  'younger_applicants',
  'higher_utilization',
  'larger_loans',
  'higher_dti',
  'more_delinquencies',
  'segment_mix',
  'concept_drift',
  'loan_income_decoupled',
  'dti_income_decoupled',
  'employment_age_decoupled',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Feature vector of one generated row, FEATURE_NAMES order (reused across rows, no allocation). */
export type RowVector = Float64Array;

export interface ScenarioDefinition {
  description: string;
  defaultStrength: number;
  /** Allowed strengths, inclusive. */
  strengthRange: [number, number];
  /** Shifts the features of one row in place. `random` is a stream separate from the base draws. */
  shift?: (row: RowVector, strength: number, random: RandomSource) => void;
  /** Only rows for which this holds are drawn for a `strength` share of the output (mix change). */
  segment?: (row: RowVector) => boolean;
  /** Replaces the default model's linear score: given intercept and the feature part, returns the logit. */
  labelLogit?: (intercept: number, featurePart: number, strength: number) => number;
  /**
   * For a `strength` share of rows, this feature is redrawn from its own marginal independently of
   * the others: every marginal stays exactly the same and only the feature's links to the rest
   * break (an upstream join attaching values to the wrong applications, or loan stacking).
   */
  decouple?: FeatureName;
}

const index = (name: FeatureName): number => FEATURE_NAMES.indexOf(name);
const AGE = index('age');
const INCOME = index('annualIncome');
const DTI = index('debtToIncome');
const UTILIZATION = index('creditUtilization');
const DELINQUENCIES = index('delinquencyCount');
const LOAN = index('loanAmount');

export const SCENARIOS: Record<ScenarioName, ScenarioDefinition> = {
  income_drop: {
    description: 'annual income falls by strength × 100% (0.2 = −20%)',
    defaultStrength: 0.2,
    strengthRange: [0, 0.95],
    shift: (row, s) => {
      row[INCOME] *= 1 - s;
    },
  },
  older_applicants: {
    description: 'every applicant is strength years older (5 = +5 years), capped at 100',
    defaultStrength: 5,
    strengthRange: [0, 82],
    shift: (row, s) => {
      row[AGE] += s;
    },
  },
  younger_applicants: {
    description: 'every applicant is strength years younger (5 = −5 years), floored at 18',
    defaultStrength: 5,
    strengthRange: [0, 82],
    shift: (row, s) => {
      row[AGE] -= s;
    },
  },
  higher_utilization: {
    description: 'credit utilization rises by strength (absolute, 0.1 = +10 points), clipped to [0, 1]',
    defaultStrength: 0.1,
    strengthRange: [0, 1],
    shift: (row, s) => {
      row[UTILIZATION] += s;
    },
  },
  larger_loans: {
    description: 'loan amounts grow by strength × 100% (0.5 = +50%)',
    defaultStrength: 0.5,
    strengthRange: [0, 100],
    shift: (row, s) => {
      row[LOAN] *= 1 + s;
    },
  },
  higher_dti: {
    description: 'debt-to-income grows by strength × 100% (0.3 = +30%), clipped to [0, 1]',
    defaultStrength: 0.3,
    strengthRange: [0, 100],
    shift: (row, s) => {
      row[DTI] *= 1 + s;
    },
  },
  more_delinquencies: {
    description: 'a strength share of applicants (0.3 = 30%) is given 3 delinquencies',
    defaultStrength: 0.3,
    strengthRange: [0, 1],
    shift: (row, s, random) => {
      if (random() < s) row[DELINQUENCIES] = 3;
    },
  },
  segment_mix: {
    description: 'a strength share of rows (1.0 = all) is drawn from applicants under 30 only',
    defaultStrength: 1,
    strengthRange: [0, 1],
    segment: (row) => row[AGE] < 30,
  },
  concept_drift: {
    description:
      'applications unchanged, outcomes change: the features lose strength × 100% of their effect on default and the odds of default are multiplied by 1 + 2 × strength',
    defaultStrength: 0.5,
    strengthRange: [0, 1],
    labelLogit: (intercept, featurePart, s) => intercept + Math.log(1 + 2 * s) + (1 - s) * featurePart,
  },
  loan_income_decoupled: {
    description:
      'a strength share of rows (1.0 = all) gets a loan amount drawn independently of the applicant (income–loan amount correlation broken, marginals unchanged)',
    defaultStrength: 1,
    strengthRange: [0, 1],
    decouple: 'loanAmount',
  },
  dti_income_decoupled: {
    description:
      'a strength share of rows (1.0 = all) gets a debt-to-income drawn independently of the applicant (income–DTI correlation broken, marginals unchanged)',
    defaultStrength: 1,
    strengthRange: [0, 1],
    decouple: 'debtToIncome',
  },
  employment_age_decoupled: {
    description:
      'a strength share of rows (1.0 = all) gets employment years drawn independently of the applicant (age–employment correlation broken, marginals unchanged)',
    defaultStrength: 1,
    strengthRange: [0, 1],
    decouple: 'employmentYears',
  },
};

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

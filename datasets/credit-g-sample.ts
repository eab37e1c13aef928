import { mulberry32, RandomSource } from '../src/stats/random';

/**
 * A small made-up file in the raw OpenML credit-g ARFF format (the 21 attributes and their
 * categories of data set 31), so `dataset convert` has an input in a fresh clone. The rows are
 * drawn from a seed, not taken from credit-g: the real data lives in ../shared and is not copied
 * into the repository.
 */
export const CREDIT_G_SAMPLE = { file: 'credit-g-sample.arff', rows: 60, seed: 31 };

const NOMINAL: Record<string, string[]> = {
  checking_status: ['<0', '0<=X<200', '>=200', 'no checking'],
  credit_history: ['no credits/all paid', 'all paid', 'existing paid', 'delayed previously', 'critical/other existing credit'],
  purpose: [
    'new car',
    'used car',
    'furniture/equipment',
    'radio/tv',
    'domestic appliance',
    'repairs',
    'education',
    'vacation',
    'retraining',
    'business',
    'other',
  ],
  savings_status: ['<100', '100<=X<500', '500<=X<1000', '>=1000', 'no known savings'],
  employment: ['unemployed', '<1', '1<=X<4', '4<=X<7', '>=7'],
  personal_status: ['male div/sep', 'female div/dep/mar', 'male single', 'male mar/wid', 'female single'],
  other_parties: ['none', 'co applicant', 'guarantor'],
  property_magnitude: ['real estate', 'life insurance', 'car', 'no known property'],
  other_payment_plans: ['bank', 'stores', 'none'],
  housing: ['rent', 'own', 'for free'],
  job: ['unemp/unskilled non res', 'unskilled resident', 'skilled', 'high qualif/self emp/mgmt'],
  own_telephone: ['none', 'yes'],
  foreign_worker: ['yes', 'no'],
  class: ['good', 'bad'],
};

/** Attribute order and kind of credit-g. */
const ATTRIBUTES: Array<[string, 'nominal' | 'numeric']> = [
  ['checking_status', 'nominal'],
  ['duration', 'numeric'],
  ['credit_history', 'nominal'],
  ['purpose', 'nominal'],
  ['credit_amount', 'numeric'],
  ['savings_status', 'nominal'],
  ['employment', 'nominal'],
  ['installment_commitment', 'numeric'],
  ['personal_status', 'nominal'],
  ['other_parties', 'nominal'],
  ['residence_since', 'numeric'],
  ['property_magnitude', 'nominal'],
  ['age', 'numeric'],
  ['other_payment_plans', 'nominal'],
  ['housing', 'nominal'],
  ['existing_credits', 'numeric'],
  ['job', 'nominal'],
  ['num_dependents', 'numeric'],
  ['own_telephone', 'nominal'],
  ['foreign_worker', 'nominal'],
  ['class', 'nominal'],
];

/** ARFF quotes a value that holds anything beyond letters, digits and / . _ - */
function arffValue(value: string | number): string {
  const text = String(value);
  return /^[A-Za-z0-9/._-]+$/.test(text) ? text : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function integer(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick(random: RandomSource, attribute: string): string {
  const values = NOMINAL[attribute];
  return values[Math.floor(random() * values.length)];
}

/** The sample's text; the same seed gives the same bytes. */
export function creditGSampleArff(rows = CREDIT_G_SAMPLE.rows, seed = CREDIT_G_SAMPLE.seed): string {
  const random = mulberry32(seed);
  const lines = [
    '% Synthetic applicants in the raw OpenML credit-g (data set 31) format, drawn from a seed by',
    '% datasets/credit-g-sample.ts (npm run datasets:samples). Not real credit-g rows.',
    '@relation credit_g_sample',
    ...ATTRIBUTES.map(([name, kind]) =>
      kind === 'numeric' ? `@attribute ${name} numeric` : `@attribute ${name} {${NOMINAL[name].map(arffValue).join(',')}}`,
    ),
    '@data',
  ];
  for (let i = 0; i < rows; i++) {
    const duration = integer(random, 4, 72);
    const checking = pick(random, 'checking_status');
    // Longer loans and a negative checking balance go with "bad", as in credit-g, so both
    // classes appear and the converted file carries some signal.
    const risk = -1.6 + duration / 30 + (checking === '<0' ? 0.9 : checking === 'no checking' ? -0.8 : 0);
    const values: Record<string, string | number> = {
      checking_status: checking,
      duration,
      credit_amount: integer(random, 250, 18_000),
      installment_commitment: integer(random, 1, 4),
      residence_since: integer(random, 1, 4),
      age: integer(random, 19, 75),
      existing_credits: integer(random, 1, 4),
      num_dependents: integer(random, 1, 2),
      class: random() < 1 / (1 + Math.exp(-risk)) ? 'bad' : 'good',
    };
    for (const [name, kind] of ATTRIBUTES) if (kind === 'nominal' && values[name] === undefined) values[name] = pick(random, name);
    lines.push(ATTRIBUTES.map(([name]) => arffValue(values[name])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

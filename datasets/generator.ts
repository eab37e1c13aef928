import { readFileSync } from 'node:fs';
import { FEATURE_NAMES, FeatureColumns, FeatureName, FeatureRecord } from '../src/model/features';
import { sigmoid } from '../src/model/linear-model';
import { deriveSeed, mulberry32, RandomSource } from '../src/stats/random';
import { cholesky } from './correlation-matrix';
import { normalCdf } from './normal-distribution';
import { datasetFile, PROFILE_FILE } from './paths';
import { DataProfile, Marginal, PROFILE_SCHEMA_VERSION } from './profile';
import { RowVector, ScenarioName, SCENARIOS } from './scenarios';

export { SCENARIO_NAMES, SCENARIOS, isScenarioName } from './scenarios';
export type { ScenarioName } from './scenarios';
export type { DataProfile } from './profile';

/**
 * Synthetic credit applications from a fitted DataProfile (Gaussian copula):
 *   1. draw 8 independent standard normals and correlate them with the Cholesky factor of the
 *      profile's latent correlation;
 *   2. map each through the normal CDF to a uniform and then through the feature's marginal
 *      (empirical quantile function, or category CDF for discrete/heaped features);
 *   3. apply the drift scenario, if any, and round/clip to the service's validation ranges;
 *   4. draw the outcome from the profile's default-probability model.
 * Deterministic: the same profile, n, seed and scenario give the same rows, and the first k rows
 * of a larger request equal a request for k rows.
 */

export type GeneratedRow = FeatureRecord & { customerId: string; actualDefault: boolean };

export interface GenerateOptions {
  seed: number;
  scenario?: ScenarioName;
  /** Defaults to the scenario's defaultStrength. */
  strength?: number;
  /** customer ids are `${idPrefix}-0000001`, ... Default "synthetic". */
  idPrefix?: string;
}

/** Columnar output for large runs (benchmarks, demo traffic): no per-row objects. */
export interface GeneratedColumns {
  length: number;
  columns: FeatureColumns;
  /** 1 = defaulted. */
  actualDefault: Uint8Array;
  idPrefix: string;
}

/** Rounding (decimals) and ranges as in the real files and the service's input validation. */
const DECIMALS: Record<FeatureName, number> = {
  age: 0,
  annualIncome: 2,
  debtToIncome: 4,
  creditUtilization: 4,
  numOpenAccounts: 0,
  delinquencyCount: 0,
  loanAmount: 2,
  employmentYears: 1,
};
const LIMITS: Record<FeatureName, [number, number]> = {
  age: [18, 100],
  annualIncome: [0.01, Number.POSITIVE_INFINITY],
  debtToIncome: [0, 1],
  creditUtilization: [0, 1],
  numOpenAccounts: [0, 50],
  delinquencyCount: [0, 20],
  loanAmount: [0.01, Number.POSITIVE_INFINITY],
  employmentYears: [0, 50],
};

let defaultProfile: DataProfile | null = null;

/** Loads a profile (default: the committed datasets/credit-g-profile.json) and checks its shape. */
export function loadProfile(path?: string): DataProfile {
  if (path === undefined && defaultProfile) return defaultProfile;
  const file = path ?? datasetFile(PROFILE_FILE);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as DataProfile;
  if (profile.schemaVersion !== PROFILE_SCHEMA_VERSION) {
    throw new Error(`${file}: unsupported profile schemaVersion ${String(profile.schemaVersion)} (expected ${PROFILE_SCHEMA_VERSION})`);
  }
  if (JSON.stringify(profile.featureOrder) !== JSON.stringify(FEATURE_NAMES)) {
    throw new Error(
      `${file}: profile featureOrder ${JSON.stringify(profile.featureOrder)} does not match ${JSON.stringify(FEATURE_NAMES)}`,
    );
  }
  if (path === undefined) defaultProfile = profile;
  return profile;
}

export function syntheticCustomerId(idPrefix: string, index: number): string {
  return `${idPrefix}-${String(index + 1).padStart(7, '0')}`;
}

export function generateRows(profile: DataProfile, n: number, options: GenerateOptions): GeneratedRow[] {
  checkRowCount(n);
  const idPrefix = options.idPrefix ?? 'synthetic';
  const next = applicantSource(profile, options);
  const x = new Float64Array(FEATURE_NAMES.length);
  const rows: GeneratedRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const outcome = next(x);
    const row = { customerId: syntheticCustomerId(idPrefix, i), actualDefault: outcome === 1 } as GeneratedRow;
    for (let j = 0; j < FEATURE_NAMES.length; j++) row[FEATURE_NAMES[j]] = x[j];
    rows[i] = row;
  }
  return rows;
}

export function generateColumns(profile: DataProfile, n: number, options: GenerateOptions): GeneratedColumns {
  checkRowCount(n);
  const [only] = generateChunks(profile, n, options, Math.max(n, 1));
  return only ?? { length: 0, columns: emptyColumns(0), actualDefault: new Uint8Array(0), idPrefix: options.idPrefix ?? 'synthetic' };
}

/**
 * Yields rows in chunks of at most `chunkRows` (bounded memory for files of any size). The
 * concatenated chunks equal generateColumns(profile, n, options); `offset` is the first row's index.
 */
export function* generateChunks(
  profile: DataProfile,
  n: number,
  options: GenerateOptions,
  chunkRows: number,
): Generator<GeneratedColumns & { offset: number }> {
  checkRowCount(n);
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive integer, got ${chunkRows}`);
  const next = applicantSource(profile, options);
  const x = new Float64Array(FEATURE_NAMES.length);
  for (let offset = 0; offset < n; offset += chunkRows) {
    const length = Math.min(chunkRows, n - offset);
    const columns = emptyColumns(length);
    const vectors = FEATURE_NAMES.map((name) => columns[name]);
    const actualDefault = new Uint8Array(length);
    for (let k = 0; k < length; k++) {
      actualDefault[k] = next(x);
      for (let j = 0; j < vectors.length; j++) vectors[j][k] = x[j];
    }
    yield { length, offset, columns, actualDefault, idPrefix: options.idPrefix ?? 'synthetic' };
  }
}

function emptyColumns(length: number): FeatureColumns {
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) columns[name] = new Float64Array(length);
  return columns;
}

function checkRowCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`row count must be a non-negative integer, got ${n}`);
}

/**
 * A stateful source of applicants: each call fills `x` (FEATURE_NAMES order) with the next row and
 * returns its outcome (1 = default).
 */
function applicantSource(profile: DataProfile, options: GenerateOptions): (x: RowVector) => number {
  if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  const scenario = options.scenario ? SCENARIOS[options.scenario] : null;
  if (options.scenario && !scenario) throw new RangeError(`unknown scenario "${options.scenario}"`);
  const strength = options.strength ?? scenario?.defaultStrength ?? 0;
  if (scenario && !(strength >= scenario.strengthRange[0] && strength <= scenario.strengthRange[1])) {
    throw new RangeError(
      `strength ${strength} is outside [${scenario.strengthRange.join(', ')}] for scenario "${options.scenario}" (${scenario.description})`,
    );
  }

  const d = FEATURE_NAMES.length;
  const lower = cholesky(profile.latentCorrelation).flat();
  const samplers = FEATURE_NAMES.map((name) => marginalSampler(profile.marginals[name]));
  const scales = FEATURE_NAMES.map((name) => 10 ** DECIMALS[name]);
  const lows = FEATURE_NAMES.map((name) => LIMITS[name][0]);
  const highs = FEATURE_NAMES.map((name) => LIMITS[name][1]);
  const model = profile.defaultModel;
  const decoupled = scenario?.decouple ? FEATURE_NAMES.indexOf(scenario.decouple) : -1;

  // Base draws, scenario decisions and outcomes use separate streams, so a scenario changes only
  // what it is meant to change (the same seed gives the same underlying applicants).
  const base = normalPairs(mulberry32(deriveSeed(options.seed, 101)));
  const scenarioRandom = mulberry32(deriveSeed(options.seed, 102));
  const outcomeRandom = mulberry32(deriveSeed(options.seed, 103));
  const normals = new Float64Array(d);

  const drawApplicant = (x: RowVector): void => {
    for (let j = 0; j < d; j++) normals[j] = base();
    for (let j = 0; j < d; j++) {
      let z = 0;
      for (let k = 0; k <= j; k++) z += lower[j * d + k] * normals[k];
      x[j] = samplers[j](normalCdf(z));
    }
  };

  return (x) => {
    drawApplicant(x);
    if (scenario?.segment && scenarioRandom() < strength) {
      let attempts = 1;
      while (!scenario.segment(x)) {
        if (++attempts > 100_000) throw new Error(`scenario "${options.scenario}": the segment is (almost) empty under this profile`);
        drawApplicant(x);
      }
    }
    if (scenario?.shift) scenario.shift(x, strength, scenarioRandom);
    if (decoupled >= 0 && scenarioRandom() < strength) x[decoupled] = samplers[decoupled](scenarioRandom());
    for (let j = 0; j < d; j++) {
      const rounded = Math.round(x[j] * scales[j]) / scales[j];
      x[j] = rounded < lows[j] ? lows[j] : rounded > highs[j] ? highs[j] : rounded;
    }

    let featurePart = 0;
    for (let j = 0; j < d; j++) {
      featurePart += model.coefficients[j] * ((x[j] - model.standardization.mean[j]) / model.standardization.sd[j]);
    }
    const logit = scenario?.labelLogit ? scenario.labelLogit(model.intercept, featurePart, strength) : model.intercept + featurePart;
    return outcomeRandom() < sigmoid(logit) ? 1 : 0;
  };
}

/** Standard normals by Box–Muller, using both values of each pair. */
function normalPairs(random: RandomSource): () => number {
  let spare = Number.NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const value = spare;
      spare = Number.NaN;
      return value;
    }
    let u = random();
    while (u === 0) u = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Inverse CDF of a marginal, u in [0, 1]. */
function marginalSampler(marginal: Marginal): (u: number) => number {
  if (marginal.kind === 'categorical') {
    const values = Float64Array.from(marginal.values);
    const cumulative = new Float64Array(values.length);
    let total = 0;
    marginal.probabilities.forEach((p, k) => (cumulative[k] = total += p));
    const last = values.length - 1;
    return (u) => {
      const target = u * total;
      for (let k = 0; k < last; k++) if (target < cumulative[k]) return values[k];
      return values[last];
    };
  }
  const quantiles = Float64Array.from(marginal.quantiles);
  const steps = quantiles.length - 1;
  const integer = marginal.integer;
  return (u) => {
    const position = u * steps;
    const k = Math.min(Math.floor(position), steps - 1);
    const value = quantiles[k] + (position - k) * (quantiles[k + 1] - quantiles[k]);
    return integer ? Math.round(value) : value;
  };
}

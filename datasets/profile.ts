import { FeatureName } from '../src/model/features';
import { LinearModel } from '../src/model/linear-model';

/**
 * A fitted description of a data set's joint distribution, enough to generate look-alike
 * applications: a Gaussian copula (latent correlation) over per-feature marginals, plus a
 * default-probability model for the labels. Committed as JSON (datasets/credit-g-profile.json).
 */

export const PROFILE_SCHEMA_VERSION = 1;

/** Continuous feature: the empirical quantile function on an even probability grid. */
export interface QuantileMarginal {
  kind: 'quantile';
  /** Round generated values to whole numbers (e.g. age). */
  integer: boolean;
  /** quantiles[i] is the (type 7, linear) sample quantile at p = i / (quantiles.length - 1). */
  quantiles: number[];
}

/** Discrete or heaped feature: its observed values and their frequencies. */
export interface CategoricalMarginal {
  kind: 'categorical';
  values: number[];
  probabilities: number[];
}

export type Marginal = QuantileMarginal | CategoricalMarginal;

export interface DefaultProbabilityModel extends LinearModel {
  /** Default rate of the source data; the intercept is tuned so generated rows reproduce it. */
  baseRate: number;
}

export interface DataProfile {
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  source: { description: string; rows: number; sha256: string | null };
  featureOrder: FeatureName[];
  marginals: Record<FeatureName, Marginal>;
  /** Observed Spearman rank correlations (the target the generator reproduces), FEATURE_NAMES order. */
  rankCorrelation: number[][];
  /** Correlation of the copula's latent normals, calibrated so generated rank correlations match. */
  latentCorrelation: number[][];
  defaultModel: DefaultProbabilityModel;
}

import { ArtifactError, loadArtifact, ModelArtifact } from './artifact';
import { FeatureColumns, FeatureName } from './features';
import { logOddsWeights, predictProbabilities, rowCount, sigmoid } from './linear-model';
import { gradeOf, MasterScale } from './master-scale';

export type ScorerKind = 'artifact' | 'fallback';
export type RiskLabel = 'LOW' | 'MEDIUM' | 'HIGH';

export interface Scorer {
  readonly kind: ScorerKind;
  readonly modelVersion: string;
  /** Predict default when probability >= threshold. */
  readonly threshold: number;
  /** Probability of default per row, vectorised over the columns. */
  score(columns: FeatureColumns): Float64Array;
  /**
   * Log-odds change per unit of each feature when the score is an exact logistic function of
   * the features (the artifact): what the drift report's score-shift decomposition needs.
   * Absent for the rule-based fallback, whose inputs are clipped (not linear).
   */
  readonly logOddsWeights?: Readonly<Record<FeatureName, number>>;
  /**
   * The rating grades every prediction is logged with (master-scale.ts); null for the fallback
   * and for artifacts trained before the master scale existed, whose predictions carry no grade.
   */
  readonly masterScale: MasterScale | null;
}

/** Scores with a trained artifact. The service and the CLI both come through here. */
export function artifactScorer(artifact: ModelArtifact): Scorer {
  const model = {
    standardization: { mean: [...artifact.standardization.mean], sd: [...artifact.standardization.sd] },
    coefficients: [...artifact.coefficients],
    intercept: artifact.intercept,
  };
  return {
    kind: 'artifact',
    modelVersion: artifact.modelVersion,
    threshold: artifact.threshold,
    score: (columns) => predictProbabilities(model, columns),
    logOddsWeights: logOddsWeights(model),
    masterScale: artifact.masterScale
      ? { rule: artifact.masterScale.rule, grades: artifact.masterScale.grades.map((grade) => ({ ...grade })) }
      : null,
  };
}

export const FALLBACK_MODEL_VERSION = 'fallback-rules-v1';
export const FALLBACK_THRESHOLD = 0.5;

/**
 * Rule-based stand-in used only when no valid artifact is available, so ingestion keeps working
 * and every stored prediction says it came from the fallback. It is a hand-set logistic score of
 * the classic warning signs, not a fitted model:
 *
 *   logit = -2.2 + 2.0·creditUtilization + 1.5·debtToIncome + 0.35·delinquencyCount
 *           - 0.04·employmentYears - 0.01·(age - 35)
 *
 * A clean applicant (utilization 0.3, DTI 0.2, no delinquencies) scores about 0.2; one with
 * utilization 0.9, DTI 0.6 and 3 delinquencies about 0.8. Inputs are clipped to the service's
 * validation ranges first, so the result is always in (0, 1).
 */
export function fallbackScorer(): Scorer {
  return {
    kind: 'fallback',
    modelVersion: FALLBACK_MODEL_VERSION,
    threshold: FALLBACK_THRESHOLD,
    // Hand-set rules have no development sample to fit grades on.
    masterScale: null,
    score(columns) {
      const n = rowCount(columns);
      const out = new Float64Array(n);
      const { creditUtilization, debtToIncome, delinquencyCount, employmentYears, age } = columns;
      for (let i = 0; i < n; i++) {
        const logit =
          -2.2 +
          2.0 * clip(creditUtilization[i], 0, 1) +
          1.5 * clip(debtToIncome[i], 0, 1) +
          0.35 * clip(delinquencyCount[i], 0, 20) -
          0.04 * clip(employmentYears[i], 0, 50) -
          0.01 * (clip(age[i], 18, 100) - 35);
        out[i] = sigmoid(Number.isFinite(logit) ? logit : 0);
      }
      return out;
    },
  };
}

export interface LoadedScorer {
  scorer: Scorer;
  artifact: ModelArtifact | null;
  /** Why the fallback is in use (names the path and the problem); null when the artifact loaded. */
  warning: string | null;
}

/** Never throws: an unusable artifact means the fallback scorer plus a warning to log. */
export function loadScorer(path: string): LoadedScorer {
  try {
    const artifact = loadArtifact(path);
    return { scorer: artifactScorer(artifact), artifact, warning: null };
  } catch (error) {
    const problem = error instanceof ArtifactError ? error.message : `cannot load model artifact ${path}: ${String(error)}`;
    return {
      scorer: fallbackScorer(),
      artifact: null,
      warning: `${problem} — scoring with ${FALLBACK_MODEL_VERSION} instead`,
    };
  }
}

/**
 * Risk bands relative to the decision threshold t:
 *   HIGH   p >= t        (the model predicts default)
 *   MEDIUM t/2 <= p < t  (elevated: worth a manual look)
 *   LOW    p < t/2
 * NaN probabilities (unscorable rows) are HIGH, so they are never waved through silently.
 */
export function riskLabel(probability: number, threshold: number): RiskLabel {
  if (!(probability < threshold)) return 'HIGH';
  if (probability >= threshold / 2) return 'MEDIUM';
  return 'LOW';
}

/**
 * The rating grade (1 = lowest PD) of a probability on the scorer's master scale: null without a
 * scale, and null for a NaN probability (an unscorable row has no grade, while its risk label is
 * HIGH so it is never waved through).
 */
export function ratingGrade(probability: number, masterScale: MasterScale | null): number | null {
  return masterScale ? gradeOf(masterScale, probability) : null;
}

function clip(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

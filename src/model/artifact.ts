import { readFileSync } from 'node:fs';
import { CalibrationBin } from '../stats/classification-metrics';
import { EvaluationMetrics, MetricName, MetricSummary } from './evaluation';
import { FEATURE_NAMES, FeatureName } from './features';
import { LinearModel, Standardization } from './linear-model';
import { MasterScale, parseMasterScale } from './master-scale';

/**
 * The model artifact: everything needed to score (feature order, standardisation, coefficients,
 * threshold) plus where the model came from and how well it did. JSON, versioned by
 * `schemaVersion`; the loader refuses anything it cannot score correctly rather than guessing.
 */

export const ARTIFACT_SCHEMA_VERSION = 1;

export interface ModelFitDescription {
  library: 'ml-logistic-regression';
  steps: number;
  converged: boolean;
  tolerance: number;
  maxSteps: number;
  learningRate: number;
  trainingLogLoss: number;
}

export interface TrainingDescription {
  /** Rows in the file / data set handed to training (before the holdout split). */
  rows: number;
  defaults: number;
  /** SHA-256 (hex) of the training file, or null when trained from in-memory data without a file. */
  sha256: string | null;
  source: string;
  seed: number;
  holdoutFraction: number;
  /** Rows the shipped coefficients were fitted on (the non-holdout part). */
  fittedRows: number;
  holdoutRows: number;
  fit: ModelFitDescription;
}

export interface CrossValidationSummary {
  folds: number;
  repeats: number;
  metrics: Record<MetricName, MetricSummary>;
  /** Deciles of the out-of-fold predictions of the first shuffle (every row predicted once). */
  calibration: CalibrationBin[];
}

export interface ArtifactMetrics {
  holdout: EvaluationMetrics | null;
  /** Deciles of the holdout predictions of the shipped model. */
  holdoutCalibration: CalibrationBin[] | null;
  crossValidation: CrossValidationSummary | null;
}

export interface ModelArtifact extends LinearModel {
  schemaVersion: typeof ARTIFACT_SCHEMA_VERSION;
  modelVersion: string;
  modelType: 'logistic-regression';
  featureOrder: FeatureName[];
  standardization: Standardization;
  coefficients: number[];
  intercept: number;
  /** Predict default when P(default) >= threshold. */
  threshold: number;
  thresholdRule: string;
  training: TrainingDescription;
  metrics: ArtifactMetrics;
  /**
   * Rating grades fitted on the development (fitting) rows, with their counts there
   * (master-scale.ts). Optional: artifacts trained before the master scale existed have none, and
   * then predictions carry no grade and validation reports ask for a scale.
   */
  masterScale?: MasterScale;
  createdAt: string;
}

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** Validates untrusted JSON (a file, a database row) and returns it typed, or throws ArtifactError. */
export function parseArtifact(json: unknown): ModelArtifact {
  const record = asRecord(json, 'model artifact');
  if (record.schemaVersion !== ARTIFACT_SCHEMA_VERSION) {
    throw new ArtifactError(
      `unsupported model artifact schemaVersion ${JSON.stringify(record.schemaVersion)} (this build reads schemaVersion ${ARTIFACT_SCHEMA_VERSION})`,
    );
  }
  const featureOrder = record.featureOrder;
  if (
    !Array.isArray(featureOrder) ||
    featureOrder.length !== FEATURE_NAMES.length ||
    featureOrder.some((name, i) => name !== FEATURE_NAMES[i])
  ) {
    throw new ArtifactError(
      `model artifact featureOrder ${JSON.stringify(featureOrder)} does not match the service's feature order ${JSON.stringify(FEATURE_NAMES)}`,
    );
  }
  if (record.modelType !== 'logistic-regression') {
    throw new ArtifactError(`model artifact modelType ${JSON.stringify(record.modelType)} is not "logistic-regression"`);
  }
  const modelVersion = requireString(record, 'modelVersion');
  if (modelVersion.trim() === '') throw new ArtifactError('model artifact field "modelVersion" is empty');
  const standardizationRecord = asRecord(record.standardization, 'model artifact field "standardization"');
  const mean = finiteVector(standardizationRecord.mean, 'standardization.mean');
  const sd = finiteVector(standardizationRecord.sd, 'standardization.sd');
  sd.forEach((value, i) => {
    if (value <= 0) throw new ArtifactError(`model artifact standardization.sd[${i}] (${FEATURE_NAMES[i]}) must be > 0, got ${value}`);
  });
  const coefficients = finiteVector(record.coefficients, 'coefficients');
  const intercept = finiteNumber(record.intercept, 'intercept');
  const threshold = finiteNumber(record.threshold, 'threshold');
  if (threshold <= 0 || threshold >= 1) throw new ArtifactError(`model artifact threshold must be in (0, 1), got ${threshold}`);
  const createdAt = requireString(record, 'createdAt');
  const training = asRecord(record.training, 'model artifact field "training"');
  finiteNumber(training.rows, 'training.rows');
  if (training.sha256 !== null && typeof training.sha256 !== 'string') {
    throw new ArtifactError('model artifact field "training.sha256" must be a string or null');
  }
  requireString(training, 'source', 'training.source');
  asRecord(record.metrics, 'model artifact field "metrics"');
  let masterScale: MasterScale | undefined;
  if (record.masterScale !== undefined) {
    try {
      masterScale = parseMasterScale(record.masterScale);
    } catch (error) {
      throw new ArtifactError(`model artifact field "masterScale": ${(error as Error).message}`);
    }
  }
  return {
    ...(record as unknown as ModelArtifact),
    ...(masterScale ? { masterScale } : {}),
    modelVersion,
    featureOrder: [...FEATURE_NAMES],
    standardization: { mean, sd },
    coefficients,
    intercept,
    threshold,
    createdAt,
  };
}

/** Reads and validates an artifact file; every failure is an ArtifactError naming the path. */
export function loadArtifact(path: string): ModelArtifact {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ArtifactError(`cannot read model artifact ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`model artifact ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseArtifact(json);
  } catch (error) {
    if (error instanceof ArtifactError) throw new ArtifactError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Stable, reviewable text form (two-space indent, trailing newline). */
export function serializeArtifact(artifact: ModelArtifact): string {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArtifactError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requireString(record: Record<string, unknown>, key: string, label = key): string {
  const value = record[key];
  if (value === undefined) throw new ArtifactError(`model artifact is missing field "${label}"`);
  if (typeof value !== 'string') throw new ArtifactError(`model artifact field "${label}" must be a string`);
  return value;
}

function finiteNumber(value: unknown, label: string): number {
  if (value === undefined) throw new ArtifactError(`model artifact is missing field "${label}"`);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArtifactError(`model artifact field "${label}" must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function finiteVector(value: unknown, label: string): number[] {
  if (value === undefined) throw new ArtifactError(`model artifact is missing field "${label}"`);
  if (!Array.isArray(value) || value.length !== FEATURE_NAMES.length) {
    throw new ArtifactError(`model artifact field "${label}" must be an array of ${FEATURE_NAMES.length} numbers (one per feature)`);
  }
  return value.map((entry, i) => {
    if (typeof entry !== 'number' || !Number.isFinite(entry)) {
      throw new ArtifactError(`model artifact ${label}[${i}] (${FEATURE_NAMES[i]}) is not a finite number: ${JSON.stringify(entry)}`);
    }
    return entry;
  });
}

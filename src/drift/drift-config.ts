import { AppConfig } from '../config/app-config';
import { PREDICTION_COLUMN } from '../drift-engine/columns';
import { DriftConfig } from '../drift-engine/config';

/**
 * Engine configuration from the service configuration. Prediction drift is switched off when the
 * baseline's predictions came from another model version: comparing two models' outputs would
 * report the model change, not data drift.
 */
export function driftConfigFor(config: AppConfig, samePredictionModel: boolean): Partial<DriftConfig> {
  const perFeature = { ...config.drift.perFeature };
  if (!samePredictionModel) perFeature[PREDICTION_COLUMN] = { ...perFeature[PREDICTION_COLUMN], enabled: false };
  return {
    minSampleSize: config.drift.minSampleSize,
    alpha: config.drift.alpha,
    psiThreshold: config.drift.psiThreshold,
    wassersteinThreshold: config.drift.wassersteinThreshold,
    jensenShannonThreshold: config.drift.jensenShannonThreshold,
    perFeature,
  };
}

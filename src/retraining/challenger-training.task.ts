import type { TaskProgress } from '../common/workers/worker-task';
import { ModelArtifact } from '../model/artifact';
import { evaluatePredictions, EvaluationMetrics, MetricSummary } from '../model/evaluation';
import { artifactScorer, fallbackScorer, Scorer } from '../model/scorer';
import { stratifiedHoldout } from '../model/splits';
import { selectRows, trainModel } from '../model/training';
import { calibrationTable } from '../stats/classification-metrics';
import { concatRows, LabelledRows } from './retraining-data';

/**
 * The CPU part of retrainModel, as a pure function of in-memory data: the holdout split, the
 * challenger's training (with cross-validation when configured), and the evaluation of
 * challenger and champion on the same holdout. It runs in a worker thread
 * (challenger-training.worker.ts) so the serving event loop never waits for it; the service keeps
 * the database reads, the write and the audit.
 */

export const TRAIN_CHALLENGER_TASK = 'train-challenger';

/**
 * The champion as the worker can rebuild it: a stored artifact (scored with artifactScorer, as
 * ScoringService does) or the rule-based fallback (pure code). Null when neither describes the
 * scorer in use; the worker then hands back the holdout and the caller scores the champion.
 */
export type ChampionModel = { kind: 'artifact'; artifact: ModelArtifact } | { kind: 'fallback' };

export interface ChallengerTrainingInput {
  /** Labelled prediction logs of the range (moved to the worker: detached in the caller). */
  logs: LabelledRows;
  /** Reference training data added to the training part (includeTrainingData). */
  extra: { rows: LabelledRows; source: string; sha256: string } | null;
  settings: { seed: number; holdoutFraction: number; cvFolds: number };
  fromDate: string;
  toDate: string;
  champion: ChampionModel | null;
}

export interface ChallengerTrainingOutput {
  /** The candidate's artifact; its model card's holdout is the logs' holdout. */
  artifact: ModelArtifact;
  challengerMetrics: EvaluationMetrics;
  /** Null when the champion was not given: score `holdout` with it. */
  championMetrics: EvaluationMetrics | null;
  holdout: LabelledRows | null;
  trainingRows: number;
  holdoutRows: number;
  crossValidation: { folds: number; rocAuc: MetricSummary } | null;
}

export function trainChallenger(
  input: ChallengerTrainingInput,
  progress: (report: TaskProgress) => void = () => undefined,
): ChallengerTrainingOutput {
  const { logs, extra, settings } = input;
  progress({ stage: 'splitting', labelledRows: logs.labels.length });
  const split = stratifiedHoldout(logs.labels, settings.holdoutFraction, settings.seed);
  let training: LabelledRows = { columns: selectRows(logs.columns, split.train), labels: pickLabels(logs.labels, split.train) };
  if (extra) training = concatRows(training, extra.rows);

  const folds = settings.cvFolds >= 2 ? settings.cvFolds : 0;
  progress({ stage: 'training', trainingRows: training.labels.length, folds });
  const source = `prediction_logs labelled, scored in [${input.fromDate}, ${input.toDate}), ${split.train.length} rows outside the holdout`;
  const trained = trainModel(training, {
    seed: settings.seed,
    holdout: 0,
    folds,
    repeats: 1,
    data: { source: extra ? `${source} + ${extra.source} (${extra.rows.labels.length} rows)` : source, sha256: extra?.sha256 ?? null },
    onCrossValidationFold: (done, total) => progress({ stage: 'cross-validation', fold: done, folds: total }),
  });

  progress({ stage: 'evaluating', holdoutRows: split.test.length });
  const holdoutColumns = selectRows(logs.columns, split.test);
  const holdoutLabels = pickLabels(logs.labels, split.test);
  const challengerScorer = artifactScorer(trained.artifact);
  const challengerProbabilities = challengerScorer.score(holdoutColumns);
  const challengerMetrics = evaluatePredictions(holdoutLabels, challengerProbabilities, challengerScorer.threshold);
  const champion = input.champion && championScorer(input.champion);
  const championMetrics = champion ? evaluatePredictions(holdoutLabels, champion.score(holdoutColumns), champion.threshold) : null;

  // The candidate's model card: its holdout is the logs' holdout (trainModel saw none of it).
  const artifact: ModelArtifact = {
    ...trained.artifact,
    training: {
      ...trained.artifact.training,
      rows: training.labels.length + split.test.length,
      holdoutRows: split.test.length,
      holdoutFraction: settings.holdoutFraction,
    },
    metrics: {
      ...trained.artifact.metrics,
      holdout: challengerMetrics,
      holdoutCalibration: calibrationTable(holdoutLabels, challengerProbabilities),
    },
  };
  return {
    artifact,
    challengerMetrics,
    championMetrics,
    holdout: champion ? null : { columns: holdoutColumns, labels: holdoutLabels },
    trainingRows: training.labels.length,
    holdoutRows: split.test.length,
    crossValidation: trained.crossValidation
      ? { folds: trained.crossValidation.folds, rocAuc: trained.crossValidation.metrics.rocAuc }
      : null,
  };
}

function championScorer(champion: ChampionModel): Scorer {
  return champion.kind === 'artifact' ? artifactScorer(champion.artifact) : fallbackScorer();
}

export function pickLabels(labels: Uint8Array, rows: Uint32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = labels[rows[k]];
  return out;
}

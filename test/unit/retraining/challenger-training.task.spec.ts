import { join } from 'node:path';
import { generateColumns, loadProfile } from '../../../datasets/generator';
import { loadArtifact } from '../../../src/model/artifact';
import { evaluatePredictions } from '../../../src/model/evaluation';
import { artifactScorer } from '../../../src/model/scorer';
import { ChallengerTrainingInput, trainChallenger } from '../../../src/retraining/challenger-training.task';

const champion = loadArtifact(join(__dirname, '../../../artifacts/model.json'));

function input(overrides: Partial<ChallengerTrainingInput> = {}): ChallengerTrainingInput {
  const generated = generateColumns(loadProfile(), 1_200, { seed: 9, scenario: 'concept_drift', idPrefix: 'task' });
  return {
    logs: { columns: generated.columns, labels: generated.actualDefault },
    extra: null,
    settings: { seed: 42, holdoutFraction: 0.25, cvFolds: 0 },
    fromDate: '2024-01-01T00:00:00.000Z',
    toDate: '2024-01-02T00:00:00.000Z',
    champion: { kind: 'artifact', artifact: champion },
    ...overrides,
  };
}

describe('trainChallenger (the CPU part of retrainModel, run in the worker)', () => {
  it('is deterministic, and its model card describes the logs holdout', () => {
    const first = trainChallenger(input());
    const again = trainChallenger(input());
    expect(again.artifact.modelVersion).toBe(first.artifact.modelVersion);
    expect(first.holdoutRows + first.trainingRows).toBe(1_200);
    expect(first.artifact.training).toMatchObject({ rows: 1_200, holdoutRows: first.holdoutRows, holdoutFraction: 0.25 });
    expect(first.artifact.metrics.holdout).toEqual(first.challengerMetrics);
    expect(first.crossValidation).toBeNull();
    expect(first.holdout).toBeNull();
  });

  it('without a champion it hands back the holdout, on which the champion scores as it would in the worker', () => {
    const inWorker = trainChallenger(input());
    const handedBack = trainChallenger(input({ champion: null }));
    expect(handedBack.championMetrics).toBeNull();
    expect(handedBack.holdout!.labels.length).toBe(inWorker.holdoutRows);
    const scorer = artifactScorer(champion);
    const metrics = evaluatePredictions(handedBack.holdout!.labels, scorer.score(handedBack.holdout!.columns), scorer.threshold);
    expect(metrics).toEqual(inWorker.championMetrics);
    expect(handedBack.artifact.modelVersion).toBe(inWorker.artifact.modelVersion);
  });

  it('reports progress by stage, one report per cross-validation fold', () => {
    const stages: Array<Record<string, unknown>> = [];
    const output = trainChallenger(input({ settings: { seed: 42, holdoutFraction: 0.25, cvFolds: 3 } }), (report) => stages.push(report));
    expect(stages.map((report) => report.stage)).toEqual([
      'splitting',
      'training',
      'cross-validation',
      'cross-validation',
      'cross-validation',
      'evaluating',
    ]);
    expect(stages.filter((report) => report.stage === 'cross-validation').map((report) => `${report.fold}/${report.folds}`)).toEqual([
      '1/3',
      '2/3',
      '3/3',
    ]);
    expect(output.crossValidation?.folds).toBe(3);
  });
});

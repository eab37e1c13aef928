import { generateColumns, loadProfile } from '../../../datasets/generator';
import { parseArtifact } from '../../../src/model/artifact';
import { readFeatureCsvTable } from '../../../src/model/csv';
import { stratifiedFolds, stratifiedHoldout } from '../../../src/model/splits';
import { chooseThreshold } from '../../../src/model/threshold';
import { trainModel } from '../../../src/model/training';
import { describeWithShared, sharedPath } from '../../support/shared';

describe('stratified splits', () => {
  const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 < 3 ? 1 : 0));

  it('holdout keeps the default rate and is deterministic by seed', () => {
    const split = stratifiedHoldout(labels, 0.25, 5);
    expect(split.test).toHaveLength(250);
    expect(split.test.reduce((s, row) => s + labels[row], 0)).toBe(75);
    expect(stratifiedHoldout(labels, 0.25, 5)).toEqual(split);
    expect(stratifiedHoldout(labels, 0.25, 6).test).not.toEqual(split.test);
  });

  it('folds are balanced in size and default rate', () => {
    const folds = stratifiedFolds(labels, 5, 1);
    for (let f = 0; f < 5; f++) {
      const members = [...folds.keys()].filter((i) => folds[i] === f);
      expect(members).toHaveLength(200);
      expect(members.filter((i) => labels[i] === 1)).toHaveLength(60);
    }
  });
});

describe('chooseThreshold (Youden J)', () => {
  it('picks the cut that maximises TPR − FPR', () => {
    const labels = [0, 0, 0, 1, 0, 1, 1];
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    // p >= 0.4 → TPR 1, FPR 1/4 → J 0.75 (best)
    expect(chooseThreshold(labels, scores)).toEqual({ threshold: 0.4, youdenJ: 0.75 });
  });
});

describe('trainModel on generated data', () => {
  const data = generateColumns(loadProfile(), 1200, { seed: 3 });
  const options = { seed: 9, repeats: 2, data: { source: 'generated', sha256: null }, createdAt: '2024-01-01T00:00:00.000Z' };

  it('produces a valid artifact, holdout metrics, CV mean and sd, and calibration deciles', () => {
    const result = trainModel({ columns: data.columns, labels: data.actualDefault }, options);
    expect(parseArtifact(JSON.parse(JSON.stringify(result.artifact)))).toBeTruthy();
    expect(result.holdout?.rocAuc).toBeGreaterThan(0.65);
    expect(result.crossValidation?.foldRocAuc).toHaveLength(10);
    expect(result.crossValidation?.metrics.rocAuc.sd).toBeGreaterThan(0);
    expect(result.artifact.metrics.holdoutCalibration).toHaveLength(10);
    expect(result.artifact.training).toMatchObject({ rows: 1200, fittedRows: 900, holdoutRows: 300, sha256: null, seed: 9 });
    expect(result.artifact.training.fit.converged).toBe(true);
  });

  it('is deterministic by seed (identical artifact, including the model version)', () => {
    const a = trainModel({ columns: data.columns, labels: data.actualDefault }, options);
    const b = trainModel({ columns: data.columns, labels: data.actualDefault }, options);
    expect(a.artifact).toEqual(b.artifact);
    const c = trainModel({ columns: data.columns, labels: data.actualDefault }, { ...options, seed: 10 });
    expect(c.artifact.modelVersion).not.toBe(a.artifact.modelVersion);
  });

  it('fits on all rows with holdout 0 and skips cross-validation with folds 0', () => {
    const result = trainModel({ columns: data.columns, labels: data.actualDefault }, { ...options, holdout: 0, folds: 0 });
    expect(result.holdout).toBeNull();
    expect(result.crossValidation).toBeNull();
    expect(result.artifact.training.fittedRows).toBe(1200);
  });
});

describeWithShared('trainModel on the real credit-g data (../shared)', () => {
  it('reaches cross-validated ROC AUC >= 0.74 over 10 shuffles of 5 stratified folds', async () => {
    const table = await readFeatureCsvTable(sharedPath('datasets', 'credit-g-monitoring.csv'), { requireLabels: true });
    const result = trainModel(
      { columns: table.columns, labels: table.actualDefault as Uint8Array },
      { seed: 42, data: { source: 'credit-g', sha256: null } },
    );
    const cv = result.crossValidation;
    expect(cv?.foldRocAuc).toHaveLength(50);
    expect(cv?.metrics.rocAuc.mean).toBeGreaterThanOrEqual(0.74);
    expect(cv?.metrics.rocAuc.sd).toBeLessThan(0.06);
    expect(result.holdout?.rocAuc).toBeGreaterThan(0.7);
  });
});

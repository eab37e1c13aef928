import {
  AlertThresholds,
  datasetSeverity,
  evaluateDriftReport,
  evaluatePerformance,
  fingerprintOf,
  psiSeverity,
  rocAucSeverity,
  shareSeverity,
} from '../../../src/alerts/alert-rules';
import { AlertKind, AlertSeverity } from '../../../src/alerts/models/alert-enums';
import { driftReport, MODEL } from './drift-report.fixture';

const T: AlertThresholds = {
  psiModerate: 0.1,
  psiSignificant: 0.25,
  duplicateShareThreshold: 0.05,
  invalidShareThreshold: 0.01,
  minRocAuc: 0.65,
  maxRocAucDrop: 0.05,
};

describe('alert rules', () => {
  it.each([
    [null, 'LOW'],
    [0.05, 'LOW'],
    [0.1, 'MEDIUM'],
    [0.2499, 'MEDIUM'],
    [0.25, 'HIGH'],
    [0.4999, 'HIGH'],
    [0.5, 'CRITICAL'],
  ])('PSI %p -> %s', (psi, severity) => expect(psiSeverity(psi, T)).toBe(severity));

  it.each([
    [0, 'LOW'],
    [1, 'LOW'],
    [2, 'MEDIUM'],
    [3, 'HIGH'],
    [4, 'CRITICAL'],
    [8, 'CRITICAL'],
  ])('%p drifted input features -> %s', (n, severity) => expect(datasetSeverity(n)).toBe(severity));

  it.each([
    [0.06, 'LOW'],
    [0.1, 'MEDIUM'],
    [0.2, 'HIGH'],
    [0.5, 'CRITICAL'],
  ])('duplicate share %p against 5%% -> %s', (share, severity) => expect(shareSeverity(share, 0.05)).toBe(severity));

  it.each([
    [0.64, false, 'MEDIUM'],
    [0.6, false, 'HIGH'],
    [0.55, false, 'CRITICAL'],
    [0.5, false, 'CRITICAL'],
    [0.64, true, 'LOW'],
    [0.55, true, 'HIGH'],
  ])('ROC AUC %p (estimated: %p) -> %s', (auc, estimated, severity) => expect(rocAucSeverity(auc, 0.65, estimated)).toBe(severity));

  it('turns drifted features into detections with fingerprints; dataset drift counts input features only', () => {
    const outcome = evaluateDriftReport(driftReport({ drifted: { age: 0.3, loanAmount: 0.12, prediction: 0.3 } }), T);
    expect(outcome.detections.map((d) => [d.fingerprint, d.severity])).toEqual([
      [fingerprintOf(MODEL, AlertKind.FEATURE_DRIFT, 'age'), AlertSeverity.HIGH],
      [fingerprintOf(MODEL, AlertKind.FEATURE_DRIFT, 'loanAmount'), AlertSeverity.MEDIUM],
      [fingerprintOf(MODEL, AlertKind.PREDICTION_DRIFT, 'prediction'), AlertSeverity.CRITICAL],
      [fingerprintOf(MODEL, AlertKind.DATASET_DRIFT, null), AlertSeverity.MEDIUM],
    ]);
    expect(outcome.detections[0]).toMatchObject({ kind: 'FEATURE_DRIFT', feature: 'age', score: 0.3, modelVersion: MODEL });
    // A batch report is not a clear check for drift; its clean data quality is one for data quality.
    expect(outcome.clear).toEqual([
      fingerprintOf(MODEL, AlertKind.DATA_QUALITY, 'duplicateShare'),
      fingerprintOf(MODEL, AlertKind.DATA_QUALITY, 'outOfSupportShare'),
    ]);
  });

  it('a WINDOW report clears evaluated, stable features and the dataset; not-evaluated features are neither', () => {
    const outcome = evaluateDriftReport(driftReport({ kind: 'WINDOW', notEvaluated: ['age'] }), T);
    expect(outcome.detections).toEqual([]);
    expect(outcome.clear).toContain(fingerprintOf(MODEL, AlertKind.FEATURE_DRIFT, 'loanAmount'));
    expect(outcome.clear).toContain(fingerprintOf(MODEL, AlertKind.PREDICTION_DRIFT, 'prediction'));
    expect(outcome.clear).toContain(fingerprintOf(MODEL, AlertKind.DATASET_DRIFT, null));
    expect(outcome.clear).not.toContain(fingerprintOf(MODEL, AlertKind.FEATURE_DRIFT, 'age'));
  });

  it('INSUFFICIENT_DATA raises nothing and clears nothing (never a false alarm, never a false all-clear)', () => {
    const outcome = evaluateDriftReport(driftReport({ kind: 'WINDOW', status: 'INSUFFICIENT_DATA', drifted: { age: 0.9 } }), T);
    expect(outcome).toEqual({ detections: [], clear: [] });
  });

  it('data quality: duplicate share = repeated ids / rows; invalid share = out-of-support values / (rows x 8)', () => {
    const outcome = evaluateDriftReport(
      driftReport({ dataQuality: { rowCount: 1000, duplicateCustomerIds: 50, outOfSupportValues: 81 } }),
      T,
    );
    // 50/1000 = 5% is not above 5%; 81/8000 = 1.01% is above 1%.
    expect(outcome.detections.map((d) => [d.feature, d.severity])).toEqual([['outOfSupportShare', AlertSeverity.LOW]]);
    expect(outcome.detections[0].score).toBeCloseTo(81 / 8000, 12);
    expect(outcome.clear).toEqual([fingerprintOf(MODEL, AlertKind.DATA_QUALITY, 'duplicateShare')]);
  });

  it('performance: realized and estimated ROC AUC are separate alerts; only WINDOW updates clear', () => {
    const base = { modelVersion: MODEL, batchId: null, labelledCount: 300, referenceRocAuc: null, occurredAt: new Date() };
    const low = evaluatePerformance({ ...base, scope: 'BATCH', realizedRocAuc: 0.6, estimatedRocAuc: 0.62 }, T);
    expect(low.detections.map((d) => [d.feature, d.severity])).toEqual([
      ['realizedRocAuc', AlertSeverity.HIGH],
      ['estimatedRocAuc', AlertSeverity.LOW],
    ]);
    expect(low.detections[0].score).toBeCloseTo(0.05, 12);
    expect(evaluatePerformance({ ...base, scope: 'BATCH', realizedRocAuc: 0.8, estimatedRocAuc: null }, T).clear).toEqual([]);
    expect(evaluatePerformance({ ...base, scope: 'WINDOW', realizedRocAuc: 0.8, estimatedRocAuc: null }, T).clear).toEqual([
      fingerprintOf(MODEL, AlertKind.PERFORMANCE, 'realizedRocAuc'),
    ]);
    expect(evaluatePerformance({ ...base, scope: 'WINDOW', realizedRocAuc: NaN, estimatedRocAuc: null }, T)).toEqual({
      detections: [],
      clear: [],
    });
  });

  it('performance: a drop of more than maxRocAucDrop below the model card alerts even above the absolute floor', () => {
    const base = {
      modelVersion: MODEL,
      batchId: null,
      labelledCount: 300,
      referenceRocAuc: 0.76,
      occurredAt: new Date(),
      estimatedRocAuc: null,
    };
    const dropped = evaluatePerformance({ ...base, scope: 'WINDOW', realizedRocAuc: 0.69 }, T);
    expect(dropped.detections.map((d) => [d.feature, d.severity])).toEqual([['realizedRocAuc', AlertSeverity.MEDIUM]]);
    expect(dropped.detections[0].score).toBeCloseTo(0.02, 12);
    expect(dropped.detections[0].message).toMatch(/model card's 0\.760 minus 0\.050/);
    expect(evaluatePerformance({ ...base, scope: 'WINDOW', realizedRocAuc: 0.72 }, T)).toEqual({
      detections: [],
      clear: [fingerprintOf(MODEL, AlertKind.PERFORMANCE, 'realizedRocAuc')],
    });
    // A weak model card never lowers the absolute floor.
    expect(evaluatePerformance({ ...base, referenceRocAuc: 0.66, scope: 'BATCH', realizedRocAuc: 0.64 }, T).detections[0].message).toMatch(
      /the floor 0\.650/,
    );
  });
});

import {
  AlertThresholds,
  datasetSeverity,
  evaluateDriftReport,
  evaluatePerformance,
  evaluateValidation,
  fingerprintOf,
  psiSeverity,
  rocAucSeverity,
  shareSeverity,
  topScoreContributors,
} from '../../../src/alerts/alert-rules';
import { AlertKind, AlertSeverity } from '../../../src/alerts/models/alert-enums';
import { DriftReportCreated, ValidationEvaluated } from '../../../src/common/events/domain-events';
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

  describe('joint-distribution (multivariate) drift', () => {
    const MULTIVARIATE = fingerprintOf(MODEL, AlertKind.MULTIVARIATE_DRIFT, 'multivariate');

    it('raises MULTIVARIATE_DRIFT (never FEATURE_DRIFT) with what it means and the figures when no input drifted', () => {
      const outcome = evaluateDriftReport(driftReport({ drifted: { multivariate: 0.6 } }), T);
      expect(outcome.detections.map((d) => [d.fingerprint, d.severity])).toEqual([
        [MULTIVARIATE, AlertSeverity.CRITICAL],
        [fingerprintOf(MODEL, AlertKind.DATASET_DRIFT, null), AlertSeverity.LOW],
      ]);
      expect(outcome.detections.some((d) => d.kind === AlertKind.FEATURE_DRIFT)).toBe(false);
      const [joint, dataset] = outcome.detections;
      expect(joint).toMatchObject({ kind: 'MULTIVARIATE_DRIFT', feature: 'multivariate', score: 0.6, modelVersion: MODEL });
      expect(joint.message).toBe(
        "Joint-distribution drift: rows no longer fit the baseline's relations between the input features (reconstruction error vs the " +
          "baseline's structure: ks p 2.5e-12 (Holm-adjusted 2.5e-11), effect size 1.250 reference SDs (Wasserstein), PSI 0.600; BATCH report). " +
          "No input feature drifted on its own: each feature's distribution may look normal while values no longer go together as in the " +
          'baseline. Check the data pipeline: an upstream join attaching values to the wrong applications, swapped or re-mapped fields, or loan stacking.',
      );
      expect(joint.details).toMatchObject({
        pValue: 2.5e-12,
        adjustedPValue: 2.5e-11,
        wassersteinNormalized: 1.25,
        psi: 0.6,
        driftedInputs: [],
      });
      // The joint distribution is not an input: named beside the count, never counted in it.
      expect(dataset.message).toBe('Dataset drift: 0 of 8 input features drifted (none); the joint distribution of the inputs drifted too');
      expect(dataset.details).toMatchObject({ driftedFeatures: [], jointDistributionDrifted: true });
    });

    it('says the inputs that drifted with it may be the same change; severity follows the PSI bands', () => {
      const outcome = evaluateDriftReport(driftReport({ drifted: { loanAmount: 0.3, multivariate: 0.2 } }), T);
      const joint = outcome.detections.find((d) => d.kind === AlertKind.MULTIVARIATE_DRIFT)!;
      expect(joint.severity).toBe(AlertSeverity.MEDIUM);
      expect(joint.message).toContain(
        "1 input feature drifted as well (loanAmount): their own shift also moves rows off the baseline's structure, so this may be the same change",
      );
      expect(joint.message).not.toContain('No input feature drifted');
      expect(joint.details.driftedInputs).toEqual(['loanAmount']);
      const dataset = outcome.detections.find((d) => d.kind === AlertKind.DATASET_DRIFT)!;
      expect(dataset.message).toMatch(/^Dataset drift: 1 of 8 input features drifted \(loanAmount\); the joint distribution/);
      expect(dataset.severity).toBe(datasetSeverity(1));
      // An exact-zero p-value is an underflow, not certainty.
      const underflow = evaluateDriftReport(
        driftReport({ drifted: { multivariate: 3 }, overrides: { multivariate: { pValue: 0, adjustedPValue: 0 } } }),
        T,
      );
      expect(underflow.detections[0].message).toContain('ks p < 1e-300 (Holm-adjusted < 1e-300)');
    });

    it('a WINDOW report clears it when evaluated and stable; not evaluated or absent is neither drift nor clear', () => {
      const stable = evaluateDriftReport(driftReport({ kind: 'WINDOW' }), T);
      expect(stable.clear).toContain(MULTIVARIATE);
      expect(stable.clear).not.toContain(fingerprintOf(MODEL, AlertKind.FEATURE_DRIFT, 'multivariate'));
      expect(evaluateDriftReport(driftReport({ kind: 'WINDOW', notEvaluated: ['multivariate'] }), T).clear).not.toContain(MULTIVARIATE);
      expect(evaluateDriftReport(driftReport({ kind: 'WINDOW', withoutMultivariate: true }), T).clear).not.toContain(MULTIVARIATE);
      // Batches are too small to prove a shift went away, as for every drift rule.
      expect(evaluateDriftReport(driftReport({}), T).clear).not.toContain(MULTIVARIATE);
    });
  });

  describe('prediction drift names the features that moved the scores', () => {
    const contribution = (feature: string, value: number, share: number) => ({ feature, contribution: value, share });
    // Shares are |c| / Σ|c| over 0.41 + 0.14 + 0.05 + 0.03 + 0.01 = 0.64; total = Σ c = 0.54.
    const shift: NonNullable<DriftReportCreated['scoreShift']> = {
      total: 0.54,
      contributions: [
        contribution('annualIncome', 0.41, 0.41 / 0.64),
        contribution('loanAmount', 0.14, 0.14 / 0.64),
        contribution('debtToIncome', -0.05, 0.05 / 0.64),
        contribution('age', 0.03, 0.03 / 0.64),
        contribution('creditUtilization', 0.01, 0.01 / 0.64),
      ],
    };
    const predictionAlert = (scoreShift: DriftReportCreated['scoreShift']) =>
      evaluateDriftReport(driftReport({ drifted: { prediction: 0.3 }, scoreShift }), T).detections.find(
        (d) => d.kind === AlertKind.PREDICTION_DRIFT,
      )!;

    it('the top three with a share of at least 5%, signed, largest first', () => {
      const alert = predictionAlert(shift);
      expect(alert.message).toBe(
        'Prediction drift on prediction: psi statistic 0.300, PSI 0.300 (BATCH report); mean log-odds +0.54, mostly ' +
          'annualIncome (64%, +0.41 log-odds), loanAmount (22%, +0.14 log-odds) and debtToIncome (8%, -0.05 log-odds)',
      );
      // age (4.7%) is below 5%: not named, even with a free place among the three.
      expect(alert.message).not.toContain('age');
      expect(alert.details.scoreShift).toEqual({ total: 0.54, topContributors: shift.contributions.slice(0, 3) });
    });

    it('at most three, in share order whatever order the event lists them; small figures keep two significant digits', () => {
      const even = [0.004, -0.004, 0.004, 0.004].map((c, i) =>
        contribution(['age', 'loanAmount', 'annualIncome', 'debtToIncome'][i], c, 0.25),
      );
      expect(topScoreContributors({ total: 0.008, contributions: even }).map((c) => c.feature)).toEqual([
        'age',
        'annualIncome',
        'debtToIncome',
      ]);
      const reversed = { ...shift, contributions: [...shift.contributions].reverse() };
      expect(topScoreContributors(reversed).map((c) => c.feature)).toEqual(['annualIncome', 'loanAmount', 'debtToIncome']);
      expect(predictionAlert({ total: 0.008, contributions: even }).message).toContain(
        'mean log-odds +0.0080, mostly age (25%, +0.0040 log-odds), annualIncome (25%, +0.0040 log-odds) and debtToIncome (25%, +0.0040 log-odds)',
      );
    });

    it('says none when the report has no decomposition, and when nothing moved', () => {
      for (const absent of [null, undefined]) {
        const alert = predictionAlert(absent);
        expect(alert.message).toMatch(/; top contributors: none \(this report has no score-shift decomposition\)$/);
        expect(alert.details.scoreShift).toBeNull();
      }
      const still = predictionAlert({ total: 0, contributions: [contribution('age', 0, 0), contribution('loanAmount', 0, 0)] });
      expect(still.message).toMatch(/mean log-odds \+0\.00, no feature accounts for 5% or more of the movement$/);
    });

    it('feature drift messages are unchanged by the decomposition', () => {
      const outcome = evaluateDriftReport(driftReport({ drifted: { annualIncome: 0.3 }, scoreShift: shift }), T);
      expect(outcome.detections[0].message).toBe('Feature drift on annualIncome: psi statistic 0.300, PSI 0.300 (BATCH report)');
    });
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

describe('validation-failure rule', () => {
  const base: ValidationEvaluated = {
    modelVersion: MODEL,
    windowKind: 'HOURLY',
    windowEnd: new Date('2031-01-31T01:00:00Z'),
    cohortStart: new Date('2031-01-01T01:00:00Z'),
    rows: 600,
    defaults: 150,
    portfolioTrafficLight: 'GREEN',
    portfolioPd: 0.24,
    portfolioObservedDefaultRate: 0.25,
    portfolioJeffreysPValue: 0.3,
    rocAuc: 0.75,
    initialAuc: 0.764,
    aucDeclinePValue: 0.4,
    aucDeclineSignificant: false,
    redGrades: [],
    failed: false,
    failures: [],
    occurredAt: new Date('2031-01-01T01:00:00Z'),
  };
  const fingerprint = `${MODEL}:VALIDATION_FAILURE:*`;

  it('a check that evaluated both causes and passed clears; one that could not test either neither raises nor clears', () => {
    expect(evaluateValidation(base)).toEqual({ detections: [], clear: [fingerprint] });
    expect(evaluateValidation({ ...base, portfolioTrafficLight: 'INSUFFICIENT_DATA' })).toEqual({ detections: [], clear: [] });
    // Too few defaults for the AUC: a decline alert cannot be cleared by this check.
    expect(evaluateValidation({ ...base, rocAuc: null, aucDeclinePValue: null })).toEqual({ detections: [], clear: [] });
    // No initial AUC to test against: the portfolio test alone decides.
    expect(evaluateValidation({ ...base, initialAuc: null, aucDeclinePValue: null })).toEqual({ detections: [], clear: [fingerprint] });
  });

  it('portfolio RED or a significant AUC decline is HIGH; both CRITICAL; the score is −log10 of the smallest failing p', () => {
    const red = evaluateValidation({
      ...base,
      portfolioTrafficLight: 'RED',
      portfolioJeffreysPValue: 1e-6,
      failed: true,
      failures: ['portfolio Jeffreys p 1e-6 is below the red level 0.01'],
    });
    expect(red.clear).toEqual([]);
    expect(red.detections).toHaveLength(1);
    expect(red.detections[0]).toMatchObject({
      fingerprint,
      kind: AlertKind.VALIDATION_FAILURE,
      feature: null,
      severity: AlertSeverity.HIGH,
    });
    expect(red.detections[0].score).toBeCloseTo(6, 12);
    expect(red.detections[0].message).toContain('600 labelled, 150 defaults, scored 2031-01-01 to 2031-01-31, HOURLY check');
    expect(red.detections[0].message).toContain('portfolio Jeffreys p 1e-6');

    const decline = evaluateValidation({
      ...base,
      aucDeclineSignificant: true,
      aucDeclinePValue: 0.001,
      failed: true,
      failures: ['AUC fell'],
    });
    expect(decline.detections[0].severity).toBe(AlertSeverity.HIGH);
    expect(decline.detections[0].score).toBeCloseTo(3, 12);

    const both = evaluateValidation({
      ...base,
      portfolioTrafficLight: 'RED',
      portfolioJeffreysPValue: 0,
      aucDeclineSignificant: true,
      aucDeclinePValue: 0.001,
      failed: true,
      failures: ['a', 'b'],
    });
    expect(both.detections[0].severity).toBe(AlertSeverity.CRITICAL);
    // An underflowed p-value of 0 still gives a finite score.
    expect(Number.isFinite(both.detections[0].score)).toBe(true);
  });
});

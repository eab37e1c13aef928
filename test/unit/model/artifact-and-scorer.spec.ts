import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ARTIFACT_SCHEMA_VERSION, ArtifactError, loadArtifact, parseArtifact } from '../../../src/model/artifact';
import { FEATURE_NAMES, FeatureRecord, toColumns } from '../../../src/model/features';
import { fitMasterScale, gradeOf, masterScaleFromBoundaries } from '../../../src/model/master-scale';
import { artifactScorer, fallbackScorer, loadScorer, ratingGrade, riskLabel } from '../../../src/model/scorer';
import { ScoringService } from '../../../src/scoring/scoring.service';
import { applications as testApplications } from '../../support/applications';

const SHIPPED = resolve(__dirname, '..', '..', '..', 'artifacts', 'model.json');
const shippedJson = (): Record<string, unknown> => JSON.parse(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;

const applications = [
  {
    age: 30,
    annualIncome: 40000,
    debtToIncome: 0.2,
    creditUtilization: 0.3,
    numOpenAccounts: 2,
    delinquencyCount: 0,
    loanAmount: 2000,
    employmentYears: 3,
  },
  {
    age: 55,
    annualIncome: 90000,
    debtToIncome: 0.6,
    creditUtilization: 0.9,
    numOpenAccounts: 4,
    delinquencyCount: 3,
    loanAmount: 9000,
    employmentYears: 0.5,
  },
];

describe('model artifact', () => {
  it('the shipped artifact parses, has the service feature order and records its training data', () => {
    const artifact = loadArtifact(SHIPPED);
    expect(artifact.schemaVersion).toBe(ARTIFACT_SCHEMA_VERSION);
    expect(artifact.featureOrder).toEqual([...FEATURE_NAMES]);
    expect(artifact.training.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(artifact.training.rows).toBe(1000);
    expect(artifact.threshold).toBeGreaterThan(0);
    expect(artifact.threshold).toBeLessThan(1);
  });

  it('rejects a wrong feature order, naming both orders', () => {
    const json = shippedJson();
    json.featureOrder = [...FEATURE_NAMES].reverse();
    expect(() => parseArtifact(json)).toThrow(ArtifactError);
    expect(() => parseArtifact(json)).toThrow(/featureOrder .*employmentYears.* does not match the service's feature order \["age"/);
  });

  it('rejects another schema version', () => {
    const json = { ...shippedJson(), schemaVersion: 2 };
    expect(() => parseArtifact(json)).toThrow(/unsupported model artifact schemaVersion 2 \(this build reads schemaVersion 1\)/);
  });

  it('rejects a missing field and a non-finite coefficient', () => {
    const missing = shippedJson();
    delete missing.intercept;
    expect(() => parseArtifact(missing)).toThrow(/missing field "intercept"/);
    const nonFinite = shippedJson();
    nonFinite.coefficients = [1, 2, 3, 'x', 5, 6, 7, 8];
    expect(() => parseArtifact(nonFinite)).toThrow(/coefficients\[3\] \(creditUtilization\) is not a finite number/);
  });

  it('names the file when loading fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifact-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ not json');
    expect(() => loadArtifact(broken)).toThrow(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
    expect(() => loadArtifact(join(dir, 'missing.json'))).toThrow(/cannot read model artifact .*missing\.json/);
  });
});

describe('scorer', () => {
  it('scores with the artifact: standardise, linear score, logistic — computed by hand for one row', () => {
    const artifact = loadArtifact(SHIPPED);
    const probabilities = artifactScorer(artifact).score(toColumns(applications));
    let eta = artifact.intercept;
    FEATURE_NAMES.forEach((name, j) => {
      eta += (artifact.coefficients[j] * (applications[1][name] - artifact.standardization.mean[j])) / artifact.standardization.sd[j];
    });
    expect(probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(-eta)), 12);
    // the risky applicant scores higher than the safe one
    expect(probabilities[1]).toBeGreaterThan(probabilities[0]);
  });

  it('falls back to the documented rules, with a warning naming the path, when the artifact is missing', () => {
    const loaded = loadScorer('/nonexistent/model.json');
    expect(loaded.artifact).toBeNull();
    expect(loaded.scorer.kind).toBe('fallback');
    expect(loaded.scorer.modelVersion).toBe('fallback-rules-v1');
    expect(loaded.warning).toMatch(/\/nonexistent\/model\.json/);
    const p = loaded.scorer.score(toColumns(applications));
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-(-2.2 + 2.0 * 0.3 + 1.5 * 0.2 - 0.04 * 3 - 0.01 * (30 - 35)))), 12);
    expect(p[1]).toBeGreaterThan(p[0]);
    for (const value of p) expect(value).toBeGreaterThan(0);
  });

  it('loads the shipped artifact without a warning', () => {
    const loaded = loadScorer(SHIPPED);
    expect(loaded.warning).toBeNull();
    expect(loaded.scorer.kind).toBe('artifact');
    expect(loaded.scorer.modelVersion).toBe(loaded.artifact?.modelVersion);
  });

  it('fallback is deterministic and stays in (0, 1) on extreme inputs', () => {
    const extreme = toColumns([{ ...applications[0], creditUtilization: 5, delinquencyCount: 1e9, age: -4 }]);
    const [a] = fallbackScorer().score(extreme);
    const [b] = fallbackScorer().score(extreme);
    expect(a).toBe(b);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(1);
  });

  it('risk bands: HIGH at or above the threshold, MEDIUM from half of it, else LOW', () => {
    expect(riskLabel(0.4, 0.4)).toBe('HIGH');
    expect(riskLabel(0.39, 0.4)).toBe('MEDIUM');
    expect(riskLabel(0.2, 0.4)).toBe('MEDIUM');
    expect(riskLabel(0.19, 0.4)).toBe('LOW');
    expect(riskLabel(Number.NaN, 0.4)).toBe('HIGH');
  });
});

describe('rating grades of scored rows', () => {
  const columns = toColumns(testApplications(400) as unknown as FeatureRecord[]);
  /** ScoringService.score uses none of its dependencies: it is what ingestion logs for a batch. */
  const scoring = new ScoringService(undefined as never, undefined as never, undefined as never);
  const withoutScale = () => {
    const artifact = loadArtifact(SHIPPED);
    delete artifact.masterScale;
    return artifact;
  };

  it('with a master scale, every row gets gradeOf its probability, next to its risk label', () => {
    const plain = withoutScale();
    // Fitted on these rows' own scores, so the rows spread over every grade.
    const scale = fitMasterScale(artifactScorer(plain).score(columns), 6);
    const scorer = artifactScorer({ ...plain, masterScale: scale });
    expect(scorer.masterScale).toEqual(scale);

    const scored = scoring.score(columns, scorer);
    expect(scored.grades).toHaveLength(400);
    scored.grades.forEach((grade, i) => {
      const p = scored.probabilities[i];
      expect(grade).toBe(gradeOf(scale, p));
      const { pdLower, pdUpper } = scale.grades[grade! - 1];
      expect(p).toBeGreaterThanOrEqual(pdLower);
      expect(p).toBeLessThan(pdUpper);
      expect(scored.riskLabels[i]).toBe(riskLabel(p, scorer.threshold));
    });
    expect(new Set(scored.grades).size).toBe(scale.grades.length);
  });

  it('the scale comes from the artifact file, and the scorer keeps its own copy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifact-scale-'));
    const path = join(dir, 'model.json');
    const scale = masterScaleFromBoundaries([0.05, 0.2, 0.5], [0.01, 0.1, 0.3, 0.9]);
    writeFileSync(path, JSON.stringify({ ...shippedJson(), masterScale: scale }));
    const loaded = loadScorer(path);
    expect(loaded.warning).toBeNull();
    expect(loaded.scorer.masterScale).toEqual(scale);
    loaded.artifact!.masterScale!.grades[0].pdUpper = 0.9;
    expect(loaded.scorer.masterScale!.grades[0].pdUpper).toBe(0.05);
  });

  it('no grade without a scale (an older artifact, the fallback) or for an unscorable probability', () => {
    for (const scorer of [artifactScorer(withoutScale()), fallbackScorer()]) {
      expect(scorer.masterScale).toBeNull();
      const scored = scoring.score(columns, scorer);
      expect(scored.grades).toEqual(new Array(400).fill(null));
    }
    const scale = masterScaleFromBoundaries([0.1, 0.5], []);
    expect(ratingGrade(Number.NaN, scale)).toBeNull();
    expect(ratingGrade(0, scale)).toBe(1);
    expect(ratingGrade(0.1, scale)).toBe(2);
    expect(ratingGrade(1, scale)).toBe(3);
    expect(ratingGrade(0.3, null)).toBeNull();
  });
});

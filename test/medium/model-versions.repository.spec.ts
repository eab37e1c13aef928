import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { encodeCursor } from '../../src/common/pagination/connection';
import { AppConfig } from '../../src/config/app-config';
import { ModelArtifact, parseArtifact } from '../../src/model/artifact';
import { logOddsWeights } from '../../src/model/linear-model';
import { FALLBACK_MODEL_VERSION, FALLBACK_THRESHOLD } from '../../src/model/scorer';
import { ModelVersionsRepository } from '../../src/scoring/model-versions.repository';
import { ScoringService } from '../../src/scoring/scoring.service';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the model_versions repository (and the scoring service's activeScorer on top of
 * it) on a real PostgreSQL with a testing module holding only what they need. Each test makes its
 * own versions (unique names) and sets the ACTIVE row it relies on, so the tests run in any order.
 */
describe('ModelVersionsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase();
  let dataSource: DataSource;
  let repository: ModelVersionsRepository;
  const shipped = parseArtifact(JSON.parse(readFileSync(join(__dirname, '../../artifacts/model.json'), 'utf8')));

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const artifactNamed = (version: string, changes: Partial<ModelArtifact> = {}): ModelArtifact => ({
    ...shipped,
    ...changes,
    modelVersion: version,
  });

  async function candidate(version: string, artifact: object = artifactNamed(version), trainedBy = 'trainer'): Promise<string> {
    await dataSource.transaction((manager) =>
      repository.insertCandidate(manager, { version, artifact, metrics: { note: version }, trainedBy }),
    );
    return version;
  }

  async function activate(version: string, promotedBy: string | null = null): Promise<string[]> {
    return dataSource.transaction(async (manager) => {
      await repository.lock(manager);
      return repository.activate(manager, version, promotedBy);
    });
  }

  async function row(version: string) {
    const [found] = await dataSource.query(
      `SELECT status, retrain_required, retrain_reason, trained_by, promoted_by, promoted_at, metrics FROM model_versions WHERE version = $1`,
      [version],
    );
    return found as {
      status: string;
      retrain_required: boolean;
      retrain_reason: string | null;
      trained_by: string | null;
      promoted_by: string | null;
      promoted_at: Date | null;
      metrics: unknown;
    };
  }

  /** A scoring service started without a usable artifact (so on the fallback), wired to the repository. */
  async function startScoring(): Promise<{ scoring: ScoringService; close(): Promise<void> }> {
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: AppConfig, useValue: { modelPath: join(__dirname, 'no-such-model.json') } as AppConfig },
        ModelVersionsRepository,
        ScoringService,
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    return { scoring: moduleRef.get(ScoringService), close: () => moduleRef.close() };
  }

  beforeAll(() => {
    dataSource = db.dataSource;
    repository = new ModelVersionsRepository(dataSource);
  });

  describe('activeScorer', () => {
    it('a fallback start registers the fallback as ACTIVE and scores with it', async () => {
      const { scoring, close } = await startScoring();
      try {
        expect(await repository.findActive()).toEqual({ version: FALLBACK_MODEL_VERSION, kind: 'fallback' });
        const scorer = await scoring.activeScorer();
        expect(scorer).toMatchObject({ kind: 'fallback', modelVersion: FALLBACK_MODEL_VERSION, threshold: FALLBACK_THRESHOLD });
      } finally {
        await close();
      }
    });

    it('switches to an ACTIVE stored artifact, also when read inside a transaction', async () => {
      const { scoring, close } = await startScoring();
      try {
        const version = await candidate(unique('artifact'));
        await activate(version);
        const scorer = await dataSource.transaction((manager) => scoring.activeScorer(manager));
        expect(scorer).toMatchObject({ kind: 'artifact', modelVersion: version, threshold: shipped.threshold });
        expect(scoring.current.modelVersion).toBe(version);
        expect(scoring.currentArtifact?.modelVersion).toBe(version);
      } finally {
        await close();
      }
    });

    it('keeps the current model when the ACTIVE row is the fallback or has an unusable artifact', async () => {
      const { scoring, close } = await startScoring();
      try {
        const good = await candidate(unique('good'));
        await activate(good);
        expect((await scoring.activeScorer()).modelVersion).toBe(good);

        // A fallback row is no model to switch to.
        await activate(FALLBACK_MODEL_VERSION);
        expect(await scoring.activeScorer()).toMatchObject({ kind: 'artifact', modelVersion: good });

        // A broken stored artifact is reported, never scored with.
        const broken = await candidate(unique('broken'), { modelVersion: 'broken', coefficients: 'not numbers' });
        await activate(broken);
        expect(await scoring.activeScorer()).toMatchObject({ kind: 'artifact', modelVersion: good });
        expect(await scoring.activeScorer()).toMatchObject({ kind: 'artifact', modelVersion: good });
      } finally {
        await close();
      }
    });
  });

  describe('activate', () => {
    it("retires the old ACTIVE, clears the new one's retrain flags and leaves exactly one ACTIVE", async () => {
      const old = await candidate(unique('old'));
      const next = await candidate(unique('next'));
      await activate(old);
      await dataSource.transaction(async (manager) => {
        await repository.markRetrainRequired(manager, old, 'DRIFT: sustained drift');
        await repository.markRetrainRequired(manager, next, 'MANUAL: review');
      });

      expect(await activate(next, 'alice')).toEqual([old]);

      expect(await row(old)).toMatchObject({ status: 'RETIRED', retrain_required: true, retrain_reason: 'DRIFT: sustained drift' });
      const activated = await row(next);
      expect(activated).toMatchObject({ status: 'ACTIVE', retrain_required: false, retrain_reason: null, promoted_by: 'alice' });
      expect(activated.promoted_at).toBeInstanceOf(Date);
      expect(await dataSource.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`)).toEqual([{ version: next }]);
      expect(await repository.findActive()).toEqual({ version: next, kind: 'artifact' });
    });

    it('a start-up activation (no principal) keeps promoted_by as it was', async () => {
      const version = await candidate(unique('rollback'));
      await activate(version, 'bob');
      await activate(await candidate(unique('other')), 'carol');
      expect(await activate(version)).toHaveLength(1);
      expect(await row(version)).toMatchObject({ status: 'ACTIVE', promoted_by: 'bob' });
    });

    it('promotion target: status, kind, artifact presence and trainer', async () => {
      const version = await candidate(unique('target'), undefined, 'dana');
      const target = await dataSource.transaction((manager) => repository.findPromotionTarget(manager, version));
      expect(target).toEqual({ status: 'CANDIDATE', kind: 'artifact', hasArtifact: true, trainedBy: 'dana' });
      expect(await dataSource.transaction((manager) => repository.findPromotionTarget(manager, unique('missing')))).toBeNull();
    });
  });

  describe('insertCandidate', () => {
    it('is idempotent: a repeated version is left as it is and keeps its first trainer', async () => {
      const version = unique('candidate');
      const artifact = artifactNamed(version);
      const first = await dataSource.transaction((manager) =>
        repository.insertCandidate(manager, { version, artifact, metrics: { attempt: 1 }, trainedBy: 'erin' }),
      );
      const second = await dataSource.transaction((manager) =>
        repository.insertCandidate(manager, { version, artifact, metrics: { attempt: 2 }, trainedBy: 'frank' }),
      );
      expect([first, second]).toEqual([true, false]);
      expect(await row(version)).toMatchObject({ status: 'CANDIDATE', trained_by: 'erin', metrics: { attempt: 1 } });
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM model_versions WHERE version = $1`, [version])).toEqual([{ n: 1 }]);
      expect(await repository.findArtifact(dataSource.manager, version)).toEqual(JSON.parse(JSON.stringify(artifact)));
    });

    it("rolls back with the caller's transaction", async () => {
      const version = unique('rolled-back');
      await expect(
        dataSource.transaction(async (manager) => {
          await repository.insertCandidate(manager, { version, artifact: artifactNamed(version), metrics: null, trainedBy: 'gina' });
          throw new Error('caller failed');
        }),
      ).rejects.toThrow('caller failed');
      expect(await repository.get(version)).toBeNull();
    });
  });

  describe('insertDeployed', () => {
    it('gives a version stored before rating grades existed the artifact file’s master scale, once, and never replaces one', async () => {
      expect(shipped.masterScale).toBeDefined();
      const version = unique('deployed');
      const { masterScale: _scale, ...withoutScale } = artifactNamed(version);
      const deploy = (artifact: object) =>
        dataSource.transaction((manager) => repository.insertDeployed(manager, { version, kind: 'artifact', artifact, metrics: null }));
      expect(await deploy(withoutScale)).toBe(true);
      expect((await repository.modelFacts(dataSource.manager, [version])).get(version)!.masterScale).toBeNull();

      // The upgraded artifact file (same coefficients, same version) now carries a scale.
      expect(await deploy(artifactNamed(version))).toBe(false);
      expect((await repository.modelFacts(dataSource.manager, [version])).get(version)!.masterScale).toEqual(shipped.masterScale);

      // A different scale later does not regrade what was logged on the stored one.
      const other = { ...shipped.masterScale!, rule: 'another scale' };
      expect(await deploy({ ...artifactNamed(version), masterScale: other })).toBe(false);
      expect((await repository.modelFacts(dataSource.manager, [version])).get(version)!.masterScale!.rule).toBe(shipped.masterScale!.rule);
      const stored = (await repository.findArtifact(dataSource.manager, version)) as Record<string, unknown>;
      expect(stored).toEqual(JSON.parse(JSON.stringify({ ...withoutScale, masterScale: shipped.masterScale })));
    });
  });

  describe('listing', () => {
    it('get and list show the row without its artifact but with its threshold, newest first by keyset', async () => {
      const older = unique('older');
      await candidate(older, artifactNamed(older, { threshold: 0.41 }));
      const newer = await candidate(unique('newer'));
      expect(await repository.get(older)).toMatchObject({
        version: older,
        kind: 'artifact',
        status: 'CANDIDATE',
        threshold: 0.41,
        trained_by: 'trainer',
      });
      expect(await repository.get(older)).not.toHaveProperty('artifact');

      const first = await repository.list(1, null);
      expect(first.size).toBe(1);
      expect(first.rows).toHaveLength(2);
      expect(first.rows[0].version).toBe(newer);
      const total = first.totalCount;
      const second = await repository.list(1, encodeCursor([first.rows[0].id]));
      expect(second.rows[0].version).toBe(older);
      expect(second.totalCount).toBe(total);
    });
  });

  describe('modelFacts', () => {
    it('reads threshold and model-card ROC AUC from the stored artifact; fallback and unknown versions get the defaults', async () => {
      const holdout = { ...shipped.metrics.holdout!, rocAuc: 0.812 };
      const version = unique('facts');
      await candidate(version, artifactNamed(version, { threshold: 0.37, metrics: { ...shipped.metrics, holdout } }));
      const unknown = unique('unknown');
      await startScoring().then((s) => s.close()); // registers the fallback row

      const facts = await repository.modelFacts(dataSource.manager, [version, FALLBACK_MODEL_VERSION, unknown]);
      expect(Object.fromEntries(facts)).toEqual({
        // The artifact's log-odds weights, as the scorer built from it computes them (score shift).
        [version]: {
          threshold: 0.37,
          cardRocAuc: 0.812,
          logOddsWeights: logOddsWeights(shipped),
          masterScale: shipped.masterScale,
        },
        [FALLBACK_MODEL_VERSION]: { threshold: FALLBACK_THRESHOLD, cardRocAuc: null, logOddsWeights: null, masterScale: null },
        [unknown]: { threshold: FALLBACK_THRESHOLD, cardRocAuc: null, logOddsWeights: null, masterScale: null },
      });
      expect((await repository.modelFacts(dataSource.manager, [])).size).toBe(0);
    });
  });
});

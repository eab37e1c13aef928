import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { FeatureColumns } from '../model/features';
import { artifactScorer, loadScorer, riskLabel, RiskLabel, Scorer } from '../model/scorer';
import { ArtifactError, ModelArtifact, parseArtifact } from '../model/artifact';

export interface ScoredBatch {
  modelVersion: string;
  scoredWith: Scorer['kind'];
  threshold: number;
  probabilities: Float64Array;
  riskLabels: RiskLabel[];
}

/**
 * Owns the model currently used for scoring. Loads the artifact from MODEL_PATH at start; when it
 * is missing or invalid the service keeps running on the rule-based fallback, says so in the log,
 * and every response and prediction row records which scorer was used.
 *
 * The registry (model_versions) decides which version is ACTIVE: before each batch the service
 * reads the ACTIVE row (one indexed lookup) and, when it names another stored artifact (a
 * promotion on any instance), loads that artifact. So a promotion switches scoring everywhere
 * without a restart, and a restart does not undo a promotion.
 */
@Injectable()
export class ScoringService implements OnModuleInit {
  private readonly logger = new Logger(ScoringService.name);
  private scorer: Scorer;
  private artifact: ModelArtifact | null = null;
  private unusableVersion: string | null = null;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const loaded = loadScorer(this.config.modelPath);
    this.scorer = loaded.scorer;
    this.artifact = loaded.artifact;
    if (loaded.warning) {
      this.logger.warn({ msg: 'model artifact unusable, scoring with the rule-based fallback', detail: loaded.warning });
    }
    await this.registerActiveVersion();
    this.logger.log({ msg: 'model loaded', modelVersion: this.scorer.modelVersion, scoredWith: this.scorer.kind });
  }

  get current(): Scorer {
    return this.scorer;
  }

  get currentArtifact(): ModelArtifact | null {
    return this.artifact;
  }

  /** The scorer of the registry's ACTIVE version (switching to it first when it changed). */
  async refreshActive(): Promise<Scorer> {
    const [active]: Array<{ version: string; kind: string }> = await this.dataSource.query(
      `SELECT version, kind FROM model_versions WHERE status = 'ACTIVE'`,
    );
    // A fallback row is no model to switch to: instances holding an artifact keep it.
    if (!active || active.kind !== 'artifact' || active.version === this.scorer.modelVersion) return this.scorer;
    if (active.version === this.unusableVersion) return this.scorer;
    const [row]: Array<{ artifact: unknown }> = await this.dataSource.query(`SELECT artifact FROM model_versions WHERE version = $1`, [
      active.version,
    ]);
    try {
      const artifact = parseArtifact(row?.artifact);
      const previous = this.scorer.modelVersion;
      this.artifact = artifact;
      this.scorer = artifactScorer(artifact);
      this.logger.log({ msg: 'switched to the active model version', modelVersion: artifact.modelVersion, previous });
    } catch (error) {
      // Remembered so a broken stored artifact is reported once, not on every batch.
      this.unusableVersion = active.version;
      const detail = error instanceof ArtifactError ? error.message : String(error);
      this.logger.error({ msg: 'active model version has an unusable artifact; keeping the current model', modelVersion: active.version, detail });
    }
    return this.scorer;
  }

  /** Vectorised: one pass over the batch's feature columns. */
  score(columns: FeatureColumns, scorer: Scorer = this.scorer): ScoredBatch {
    const probabilities = scorer.score(columns);
    const riskLabels = new Array<RiskLabel>(probabilities.length);
    for (let i = 0; i < probabilities.length; i++) riskLabels[i] = riskLabel(probabilities[i], scorer.threshold);
    return { modelVersion: scorer.modelVersion, scoredWith: scorer.kind, threshold: scorer.threshold, probabilities, riskLabels };
  }

  /**
   * Records the loaded model in model_versions. Idempotent, so any number of instances can start
   * with the same artifact. An artifact seen for the first time becomes ACTIVE (a deployment of a
   * new model); a known one becomes ACTIVE only when nothing or the fallback is active, so a
   * restart never undoes a promotion made through the API. A fallback start marks the fallback
   * ACTIVE as before (the registry says what really scores); artifact instances do not follow it.
   * Afterwards the instance scores with whatever the registry says is ACTIVE.
   */
  private async registerActiveVersion(): Promise<void> {
    const { modelVersion, kind } = this.scorer;
    await this.dataSource.transaction(async (manager) => {
      // Serialises registry writers (other instances starting, promotions); readers are not blocked.
      await manager.query(`LOCK TABLE model_versions IN SHARE ROW EXCLUSIVE MODE`);
      const inserted: unknown[] = await manager.query(
        `INSERT INTO model_versions (version, kind, status, artifact, metrics)
         VALUES ($1, $2, 'RETIRED', $3, $4)
         ON CONFLICT (version) DO NOTHING
         RETURNING id`,
        [
          modelVersion,
          kind,
          this.artifact ? JSON.stringify(this.artifact) : null,
          this.artifact ? JSON.stringify(this.artifact.metrics ?? null) : null,
        ],
      );
      const [active]: Array<{ version: string; kind: string }> = await manager.query(
        `SELECT version, kind FROM model_versions WHERE status = 'ACTIVE'`,
      );
      const activate = kind === 'fallback' || inserted.length > 0 || !active || active.kind === 'fallback';
      if (!activate || active?.version === modelVersion) return;
      await manager.query(`UPDATE model_versions SET status = 'RETIRED' WHERE status = 'ACTIVE'`);
      await manager.query(`UPDATE model_versions SET status = 'ACTIVE', promoted_at = now() WHERE version = $1`, [modelVersion]);
    });
    if (kind === 'artifact') await this.refreshActive();
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ArtifactError, ModelArtifact, parseArtifact } from '../model/artifact';
import { FeatureColumns } from '../model/features';
import { artifactScorer, loadScorer, ratingGrade, RiskLabel, riskLabel, Scorer } from '../model/scorer';
import { ModelVersionsRepository } from './model-versions.repository';

export interface ScoredBatch {
  modelVersion: string;
  scoredWith: Scorer['kind'];
  threshold: number;
  probabilities: Float64Array;
  riskLabels: RiskLabel[];
  /** Rating grade per row on the scorer's master scale (1 = lowest PD); all null without a scale. */
  grades: Array<number | null>;
  /** The scorer's log-odds weights (linear models only), for the drift report's score shift. */
  logOddsWeights?: Scorer['logOddsWeights'];
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
    private readonly versions: ModelVersionsRepository,
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

  /**
   * The scorer of the registry's ACTIVE version (switching to it first when it changed): the one
   * answer to "which model scores now" for ingestion, health, baselines and the retraining
   * champion. A fallback ACTIVE row, no ACTIVE row, or an unusable stored artifact keep this
   * instance's current scorer. Pass the caller's manager to read inside its transaction.
   */
  async activeScorer(manager: EntityManager = this.dataSource.manager): Promise<Scorer> {
    const active = await this.versions.findActive(manager);
    // A fallback row is no model to switch to: instances holding an artifact keep it.
    if (!active || active.kind !== 'artifact' || active.version === this.scorer.modelVersion) return this.scorer;
    if (active.version === this.unusableVersion) return this.scorer;
    const stored = await this.versions.findArtifact(manager, active.version);
    try {
      const artifact = parseArtifact(stored);
      const previous = this.scorer.modelVersion;
      this.artifact = artifact;
      this.scorer = artifactScorer(artifact);
      this.logger.log({ msg: 'switched to the active model version', modelVersion: artifact.modelVersion, previous });
    } catch (error) {
      // Remembered so a broken stored artifact is reported once, not on every batch.
      this.unusableVersion = active.version;
      const detail = error instanceof ArtifactError ? error.message : String(error);
      this.logger.error({
        msg: 'active model version has an unusable artifact; keeping the current model',
        modelVersion: active.version,
        detail,
      });
    }
    return this.scorer;
  }

  /** Vectorised: one pass over the batch's feature columns. */
  score(columns: FeatureColumns, scorer: Scorer = this.scorer): ScoredBatch {
    const probabilities = scorer.score(columns);
    const riskLabels = new Array<RiskLabel>(probabilities.length);
    const grades = new Array<number | null>(probabilities.length);
    for (let i = 0; i < probabilities.length; i++) {
      riskLabels[i] = riskLabel(probabilities[i], scorer.threshold);
      grades[i] = ratingGrade(probabilities[i], scorer.masterScale);
    }
    return {
      modelVersion: scorer.modelVersion,
      scoredWith: scorer.kind,
      threshold: scorer.threshold,
      probabilities,
      riskLabels,
      grades,
      logOddsWeights: scorer.logOddsWeights,
    };
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
      await this.versions.lock(manager);
      const inserted = await this.versions.insertDeployed(manager, {
        version: modelVersion,
        kind,
        artifact: this.artifact,
        metrics: this.artifact ? (this.artifact.metrics ?? null) : null,
      });
      const active = await this.versions.findActive(manager);
      const activate = kind === 'fallback' || inserted || !active || active.kind === 'fallback';
      if (!activate || active?.version === modelVersion) return;
      await this.versions.activate(manager, modelVersion);
    });
    if (kind === 'artifact') await this.activeScorer();
  }
}

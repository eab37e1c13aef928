import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { FeatureColumns } from '../model/features';
import { loadScorer, riskLabel, RiskLabel, Scorer } from '../model/scorer';
import { ModelArtifact } from '../model/artifact';

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
 */
@Injectable()
export class ScoringService implements OnModuleInit {
  private readonly logger = new Logger(ScoringService.name);
  private scorer: Scorer;
  private artifact: ModelArtifact | null = null;

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

  /** Vectorised: one pass over the batch's feature columns. */
  score(columns: FeatureColumns): ScoredBatch {
    const scorer = this.scorer;
    const probabilities = scorer.score(columns);
    const riskLabels = new Array<RiskLabel>(probabilities.length);
    for (let i = 0; i < probabilities.length; i++) riskLabels[i] = riskLabel(probabilities[i], scorer.threshold);
    return { modelVersion: scorer.modelVersion, scoredWith: scorer.kind, threshold: scorer.threshold, probabilities, riskLabels };
  }

  /**
   * Records the loaded model in model_versions and marks it ACTIVE. Idempotent, so any number of
   * instances can start with the same artifact.
   */
  private async registerActiveVersion(): Promise<void> {
    const { modelVersion, kind } = this.scorer;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO model_versions (version, kind, status, artifact, metrics, promoted_at)
         VALUES ($1, $2, 'ACTIVE', $3, $4, now())
         ON CONFLICT (version) DO UPDATE SET status = 'ACTIVE'`,
        [
          modelVersion,
          kind,
          this.artifact ? JSON.stringify(this.artifact) : null,
          this.artifact ? JSON.stringify(this.artifact.metrics ?? null) : null,
        ],
      );
      await manager.query(`UPDATE model_versions SET status = 'RETIRED' WHERE status = 'ACTIVE' AND version <> $1`, [
        modelVersion,
      ]);
    });
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelVersionEntity } from './entities/model-version.entity';
import { ModelVersionsRepository } from './model-versions.repository';
import { ScoringService } from './scoring.service';
import { ScoringMetrics } from './scoring-metrics';

/**
 * Scoring owns the model registry (model_versions): ScoringService answers which model scores
 * now, ModelVersionsRepository is the only SQL on the table (retraining, baselines, performance
 * and the scheduled jobs call it).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ModelVersionEntity])],
  providers: [ModelVersionsRepository, ScoringService, ScoringMetrics],
  exports: [ScoringService, ModelVersionsRepository],
})
export class ScoringModule {}

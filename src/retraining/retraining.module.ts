import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { ScoringModule } from '../scoring/scoring.module';
import { ChallengerTrainingPool } from './challenger-training.pool';
import { ChallengerTrainingService } from './challenger-training.service';
import { RetrainingEventEntity } from './entities/retraining-event.entity';
import { ModelRegistryService } from './model-registry.service';
import { RetrainingResolver } from './retraining.resolver';
import { RetrainingEventsRepository } from './retraining-events.repository';
import { RetrainingEventsService } from './retraining-events.service';

/**
 * Retraining: signals (automatic from drift and performance, manual), challenger training on
 * labelled logs, and promotion. It imports scoring, which owns model_versions (the registry);
 * scoring picks up a promotion by reading the registry before each batch. Training runs in the
 * worker threads of ChallengerTrainingPool, which closes with the module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([RetrainingEventEntity]), ScoringModule, PredictionLogsModule],
  providers: [
    RetrainingEventsRepository,
    RetrainingEventsService,
    ModelRegistryService,
    ChallengerTrainingPool,
    ChallengerTrainingService,
    RetrainingResolver,
  ],
  exports: [RetrainingEventsService],
})
export class RetrainingModule {}

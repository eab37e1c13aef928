import { Module } from '@nestjs/common';
import { ChallengerTrainingService } from './challenger-training.service';
import { ModelRegistryService } from './model-registry.service';
import { RetrainingEventsService } from './retraining-events.service';
import { RetrainingResolver } from './retraining.resolver';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetrainingEventEntity } from './entities/retraining-event.entity';

/**
 * Retraining: signals (automatic from drift and performance, manual), challenger training on
 * labelled logs, and promotion. The rightmost module: it imports none of the others; scoring
 * picks up a promotion by reading the registry.
 */
@Module({
  imports: [TypeOrmModule.forFeature([RetrainingEventEntity])],
  providers: [RetrainingEventsService, ModelRegistryService, ChallengerTrainingService, RetrainingResolver],
  exports: [RetrainingEventsService],
})
export class RetrainingModule {}

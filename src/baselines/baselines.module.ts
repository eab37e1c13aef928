import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { ScoringModule } from '../scoring/scoring.module';
import { BaselineReinitializationService } from './baseline-reinitialization.service';
import { BaselinesRepository } from './baselines.repository';
import { BaselinesResolver } from './baselines.resolver';
import { BaselinesService } from './baselines.service';
import { BaselineEntity } from './entities/baseline.entity';

@Module({
  imports: [TypeOrmModule.forFeature([BaselineEntity]), ScoringModule, PredictionLogsModule],
  providers: [BaselinesRepository, BaselinesService, BaselineReinitializationService, BaselinesResolver],
  exports: [BaselinesService],
})
export class BaselinesModule {}

import { Module } from '@nestjs/common';
import { BaselineReinitializationService } from './baseline-reinitialization.service';
import { BaselinesResolver } from './baselines.resolver';
import { BaselinesService } from './baselines.service';

@Module({
  providers: [BaselinesService, BaselineReinitializationService, BaselinesResolver],
  exports: [BaselinesService],
})
export class BaselinesModule {}

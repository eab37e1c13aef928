import { Module } from '@nestjs/common';
import { BaselineReinitializationService } from './baseline-reinitialization.service';
import { BaselinesResolver } from './baselines.resolver';
import { BaselinesService } from './baselines.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaselineEntity } from './entities/baseline.entity';

@Module({
  imports: [TypeOrmModule.forFeature([BaselineEntity])],
  providers: [BaselinesService, BaselineReinitializationService, BaselinesResolver],
  exports: [BaselinesService],
})
export class BaselinesModule {}

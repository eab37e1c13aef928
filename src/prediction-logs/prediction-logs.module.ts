import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BatchEntity } from './entities/batch.entity';
import { PredictionLogEntity } from './entities/prediction-log.entity';
import { PredictionLogWriter } from './prediction-log.writer';

/**
 * The ledger of scored applications: owns `batches` and `prediction_logs`. It sits low in the
 * module graph (just above scoring) because every later stage reads it (drift windows,
 * outcomes and performance, retraining data, baselines from logs), while the ingestion use case
 * that writes it sits at the top. Only this module's repositories run SQL on its tables.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BatchEntity, PredictionLogEntity])],
  providers: [PredictionLogWriter],
  exports: [PredictionLogWriter],
})
export class PredictionLogsModule {}

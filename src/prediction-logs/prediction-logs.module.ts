import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BatchesRepository } from './batches.repository';
import { BatchEntity } from './entities/batch.entity';
import { PredictionLogEntity } from './entities/prediction-log.entity';
import { PredictionLogWriter } from './prediction-log.writer';
import { PredictionLogsRepository } from './prediction-logs.repository';

/**
 * The ledger of scored applications: owns `batches` and `prediction_logs`. It sits low in the
 * module graph (it imports only src/model and src/common, so it sits below baselines) because
 * every later stage reads it (baselines from logs, drift windows, outcomes and performance,
 * retraining data), while the ingestion use case that writes it sits at the top. Only this
 * module's repositories run SQL on its tables; the COPY writer stays a provider of its own (tests
 * override it to inject a failure mid-batch) behind PredictionLogsRepository.write.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BatchEntity, PredictionLogEntity])],
  providers: [PredictionLogWriter, BatchesRepository, PredictionLogsRepository],
  exports: [BatchesRepository, PredictionLogsRepository],
})
export class PredictionLogsModule {}

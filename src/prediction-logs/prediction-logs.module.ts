import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BatchProfilesRepository } from './batch-profiles.repository';
import { BatchesRepository } from './batches.repository';
import { BatchEntity } from './entities/batch.entity';
import { PredictionLogEntity } from './entities/prediction-log.entity';
import { LabelledPredictionsRepository } from './labelled-predictions.repository';
import { LedgerErasureRepository } from './ledger-erasure.repository';
import { PredictionGradeCountsRepository } from './prediction-grade-counts.repository';
import { PredictionLogWriter } from './prediction-log.writer';
import { PredictionLogPartitionsRepository } from './prediction-log-partitions.repository';
import { PredictionLogPartitionsService } from './prediction-log-partitions.service';
import { PredictionLogsRepository } from './prediction-logs.repository';

/**
 * The ledger of scored applications: owns `batches` and `prediction_logs`. It sits low in the
 * module graph (it imports only src/model and src/common, so it sits below baselines) because
 * every later stage reads it (baselines from logs, drift windows, outcomes and performance,
 * retraining data), while the ingestion use case that writes it sits at the top. Only this
 * module's repositories run SQL on its tables; the COPY writer stays a provider of its own (tests
 * override it to inject a failure mid-batch) behind PredictionLogsRepository.write.
 * PredictionLogPartitionsService keeps prediction_logs' monthly partitions (ahead, retention);
 * monitoring-jobs schedules it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BatchEntity, PredictionLogEntity])],
  providers: [
    PredictionLogWriter,
    BatchesRepository,
    BatchProfilesRepository,
    PredictionLogsRepository,
    PredictionLogPartitionsRepository,
    PredictionLogPartitionsService,
    LedgerErasureRepository,
    LabelledPredictionsRepository,
    PredictionGradeCountsRepository,
  ],
  exports: [
    BatchesRepository,
    BatchProfilesRepository,
    PredictionLogsRepository,
    PredictionLogPartitionsService,
    LedgerErasureRepository,
    LabelledPredictionsRepository,
    PredictionGradeCountsRepository,
  ],
})
export class PredictionLogsModule {}

import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionType } from '../common/pagination/connection';
import { DriftQueryService } from '../drift/drift-query.service';
import { DriftReport } from '../drift/models/drift-report.model';
import { Performance } from '../performance/models/performance.model';
import { PerformanceQueryService } from '../performance/performance-query.service';
import type { Caller } from '../security/caller';
import { CurrentCaller } from '../security/security.decorators';
import { BatchQueryService } from './batch-query.service';
import { IngestBatchInput } from './dto/ingest-batch.input';
import { IngestionService } from './ingestion.service';
import { Batch, IngestBatchPayload, Prediction } from './models/ingestion.models';

const BatchConnection = ConnectionType(Batch, 'Batch');
const PredictionConnection = ConnectionType(Prediction, 'Prediction');

@Resolver(() => Batch)
export class IngestionResolver {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly batchQueries: BatchQueryService,
    private readonly driftQueries: DriftQueryService,
    private readonly performanceQueries: PerformanceQueryService,
  ) {}

  @ResolveField('drift', () => DriftReport, { nullable: true, description: "The batch's drift report (null before a baseline exists)" })
  drift(@Parent() batch: Batch): Promise<DriftReport> | null {
    return batch.driftReportId ? this.driftQueries.report(batch.driftReportId) : null;
  }

  @ResolveField('performance', () => Performance, {
    nullable: true,
    description: 'Realized metrics (null until outcomes arrive) next to the label-free estimate',
  })
  performance(@Parent() batch: Batch): Promise<Performance | null> {
    return this.performanceQueries.forBatch(batch.id);
  }

  @Mutation(() => IngestBatchPayload, { description: 'Validate, score, log and drift-check one batch of applications' })
  ingestBatch(@Args('input') input: IngestBatchInput, @CurrentCaller() caller: Caller): Promise<IngestBatchPayload> {
    return this.ingestion.ingest(input, caller);
  }

  @Query(() => Batch, { description: "A batch by the caller's batchId" })
  batch(@Args('batchId') batchId: string): Promise<Batch> {
    return this.batchQueries.getBatch(batchId);
  }

  @Query(() => BatchConnection, { description: 'Batches, newest first' })
  batches(@Args('first', { type: () => Int, nullable: true }) first?: number, @Args('after', { nullable: true }) after?: string) {
    return this.batchQueries.listBatches(first, after);
  }

  @Query(() => PredictionConnection, { description: 'Predictions of one batch, in request order' })
  predictions(
    @Args('batchId') batchId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ) {
    return this.batchQueries.listPredictions(batchId, first, after);
  }
}

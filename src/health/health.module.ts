import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** The operational endpoints: /health for load balancers, /metrics for Prometheus (MetricsModule is global). */
@Module({ imports: [ScoringModule], controllers: [HealthController, MetricsController] })
export class HealthModule {}

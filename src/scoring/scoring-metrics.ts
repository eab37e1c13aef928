import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { ScoringService } from './scoring.service';

/**
 * Gives credit_monitor_build_info its model_version: the registry's ACTIVE version, read at
 * scrape time (one indexed lookup, the same /health makes), so a promotion made on any instance
 * shows at the next scrape. With the database down, the model this instance scores with.
 */
@Injectable()
export class ScoringMetrics implements OnModuleInit {
  constructor(
    private readonly scoring: ScoringService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.setModelVersionSource(async () => {
      const scorer = await this.scoring.activeScorer().catch(() => this.scoring.current);
      return scorer.modelVersion;
    });
  }
}

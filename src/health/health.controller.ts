import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ScoringService } from '../scoring/scoring.service';
import { Public } from '../security/security.decorators';

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scoring: ScoringService,
  ) {}

  /**
   * Open to load balancers, so it says little: 200 when the database answers, 503 otherwise,
   * and the model version (no error texts, latencies or configuration).
   */
  @Public()
  @Get()
  async health(@Res() response: Response): Promise<void> {
    let reachable = true;
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      reachable = false;
    }
    // Follow the registry like ingestion does, so a promotion made on another instance shows here
    // at once (falls back to the loaded model when the database is down).
    const scorer = reachable ? await this.scoring.activeScorer().catch(() => this.scoring.current) : this.scoring.current;
    response.status(reachable ? 200 : 503).json({
      status: reachable ? 'ok' : 'degraded',
      database: { reachable },
      model: { version: scorer.modelVersion },
    });
  }
}

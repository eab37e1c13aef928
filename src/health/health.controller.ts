import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ScoringService } from '../scoring/scoring.service';

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scoring: ScoringService,
  ) {}

  /** 200 when the database answers, 503 otherwise; always says which model is loaded. */
  @Get()
  async health(@Res() response: Response): Promise<void> {
    const started = process.hrtime.bigint();
    let database: { reachable: boolean; latencyMs: number | null; error?: string };
    try {
      await this.dataSource.query('SELECT 1');
      database = { reachable: true, latencyMs: Number(process.hrtime.bigint() - started) / 1e6 };
    } catch (error) {
      database = { reachable: false, latencyMs: null, error: (error as Error).message };
    }
    // Follow the registry like ingestion does, so a promotion made on another instance shows here
    // at once (falls back to the loaded model when the database is down).
    const scorer = database.reachable ? await this.scoring.refreshActive().catch(() => this.scoring.current) : this.scoring.current;
    response.status(database.reachable ? 200 : 503).json({
      status: database.reachable ? 'ok' : 'degraded',
      database,
      model: { version: scorer.modelVersion, scoredWith: scorer.kind },
      uptimeSeconds: Math.round(process.uptime()),
    });
  }
}

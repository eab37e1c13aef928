import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { Public } from '../security/security.decorators';

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Prometheus' scrape. Public to the role guard because a scraper is no principal with a role:
   * its credential is the separate METRICS_TOKEN (`Authorization: Bearer <token>`, compared in
   * constant time by MetricsService.scrape), which production requires. With METRICS_ENABLED=false, or when
   * METRICS_PORT moves the endpoint to its own listener, this route answers as an unknown one.
   */
  @Public()
  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    const { enabled, port } = this.config.metrics;
    if (!enabled || port !== null) throw new NotFoundException('Cannot GET /metrics');
    // A refused token throws MetricsUnauthorizedError: ApiExceptionFilter sends the 401.
    const { headers, body } = await this.metrics.scrape(authorization);
    // end(), not send(): send() would rewrite the content type's parameters.
    response.status(200).set(headers).end(body);
  }
}

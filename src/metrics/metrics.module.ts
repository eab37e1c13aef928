import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { MetricsHttpServer } from './metrics-http.server';

/**
 * Prometheus metrics: the per-application registry and the typed recorders every module calls
 * (global, so feature modules need no import), and the listener for METRICS_PORT. The main
 * port's GET /metrics route lives in the health module, next to /health: HTTP routes need the
 * security module's @Public(), which sits above this layer.
 */
@Global()
@Module({
  providers: [MetricsService, MetricsHttpServer],
  exports: [MetricsService, MetricsHttpServer],
})
export class MetricsModule {}

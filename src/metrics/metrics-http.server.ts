import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';
import { MetricsUnauthorizedError } from './metrics-access';

/**
 * With METRICS_PORT set, /metrics is served here, on a listener of its own (so a network policy
 * can keep the scrape port internal), and not on the main port. Same token rule as the main
 * port's route; every other path is a 404. Plain node:http: the exposition is one async call and
 * nothing else (no guard, no GraphQL, no body parsing) belongs on this port.
 */
@Injectable()
export class MetricsHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** The port it listens on (METRICS_PORT=0 picks a free one), or null when it is not running. */
  get port(): number | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? address.port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port } = this.config.metrics;
    if (!enabled || port === null) return;
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ msg: 'metrics listening', port: this.port });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return this.error(response, 404, 'NOT_FOUND', `Cannot ${request.method} ${path}`);
    }
    try {
      const { headers, body } = await this.metrics.scrape(request.headers.authorization);
      response.writeHead(200, headers);
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      if (error instanceof MetricsUnauthorizedError) {
        response.setHeader('www-authenticate', 'Bearer');
        return this.error(response, 401, error.code, error.message);
      }
      this.logger.error({ msg: 'metrics exposition failed', error: String(error) });
      this.error(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  }

  /** The JSON error shape of the main port's plain routes (ApiExceptionFilter). */
  private error(response: ServerResponse, status: number, code: string, message: string): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' });
    response.end(JSON.stringify({ error: { code, message } }));
  }
}

import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { bodyLimitBytes, jsonBody } from './common/http/json-body.middleware';
import { JsonLogger } from './common/logging/json-logger';
import { AppConfig } from './config/app-config';

export interface RunningService {
  app: INestApplication;
  url: string;
}

/** Creates and starts one service instance; `overrides` take precedence over process.env. */
export async function startService(config: AppConfig, overrides: Record<string, string> = {}): Promise<RunningService> {
  const app = await NestFactory.create(AppModule.forRoot(overrides), { bodyParser: false, logger: new JsonLogger(config.logLevel) });
  return listen(app, config);
}

/**
 * The HTTP wiring every instance shares (main.ts, the demo, the tests, which may build the app
 * from a testing module with a provider replaced): batch-sized JSON body limit, shutdown hooks.
 */
export async function listen(app: INestApplication, config: AppConfig): Promise<RunningService> {
  app.useLogger(new JsonLogger(config.logLevel));
  app.use(jsonBody(bodyLimitBytes(config.maxBatchSize), config.maxBatchSize));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

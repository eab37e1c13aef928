import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppModule } from './app.module';
import { bodyLimitBytes, jsonBody } from './common/http/json-body.middleware';
import { requestIds } from './common/http/request-id.middleware';
import { JsonLogger } from './common/logging/json-logger';
import { AppConfig } from './config/app-config';
import { WsConnections } from './security/ws-connections';

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
 * from a testing module with a provider replaced): batch-sized JSON body limit. No Nest signal
 * hooks: whoever owns the process closes the app (main.ts on SIGINT/SIGTERM, in its own order:
 * the app, then the embedded PostgreSQL); Nest's hooks would close it a second time concurrently
 * and end the process by re-sending the signal, so it could not exit 0.
 */
export async function listen(app: INestApplication, config: AppConfig): Promise<RunningService> {
  app.useLogger(new JsonLogger(config.logLevel));
  app.use(requestIds);
  app.use(jsonBody(bodyLimitBytes(config.maxBatchSize), config.maxBatchSize));
  await app.init();
  admitUpgradesThrough(app.getHttpServer() as Server, app.get(WsConnections));
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/**
 * Puts the security module's admission check (origin allow-list, pre-init byte budget) in front
 * of the websocket upgrade handlers Nest's GraphQL module registered during init.
 */
function admitUpgradesThrough(server: Server, connections: WsConnections): void {
  const handlers = server.listeners('upgrade') as Array<(req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!connections.admitUpgrade(req, socket)) return;
    // ws completes the upgrade synchronously inside the handler, so the byte budget attaches
    // to a socket ws already reads from.
    for (const handler of handlers) handler.call(server, req, socket, head);
    connections.budgetUntilInit(req, socket);
  });
}

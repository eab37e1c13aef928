import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startService } from './bootstrap';
import { JsonLogger } from './common/logging/json-logger';
import { loadAppConfig } from './config/config.module';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './database/embedded-postgres';
import { DemoTraffic } from './demo/demo-traffic';
import { ApiKeysService } from './security/api-keys.service';
import { systemCaller } from './security/caller';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAppConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  Logger.overrideLogger(new JsonLogger(config.logLevel));
  const logger = new Logger('Main');

  let embedded: EmbeddedPostgresHandle | null = null;
  const overrides: Record<string, string> = {};
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, (msg) => logger.log(msg));
    overrides.DATABASE_URL = embedded.url;
    config = loadAppConfig(overrides);
  }

  const { app, url } = await startService(config, overrides);
  logger.log({ msg: 'service listening', url, graphql: `${url}/graphql`, health: `${url}/health` });
  let demo: DemoTraffic | null = null;
  if (config.demo) {
    // Fresh keys on every demo start (the previous run's are revoked): one for the generated
    // traffic, one read-only key for the dashboard and the IDE. The viewer key travels in the
    // link's fragment, which browsers never send to the server, so it reaches no request log.
    const keys = await app.get(ApiKeysService).replace(systemCaller('demo'), [
      { name: 'demo-traffic', role: 'ingest' },
      { name: 'demo-viewer', role: 'viewer' },
      { name: 'demo-operator', role: 'operator' },
    ]);
    const viewerKey = keys['demo-viewer'];
    logger.log({ msg: 'demo dashboard (read-only key in the link fragment)', dashboard: `${url}/dashboard#key=${viewerKey}` });
    // The operator link lets a demo user acknowledge, resolve and snooze alerts from the page.
    logger.log({
      msg: 'demo dashboard for on-call (operator key: acknowledge, resolve, snooze)',
      dashboard: `${url}/dashboard#key=${keys['demo-operator']}`,
    });
    logger.log({
      msg: 'demo GraphQL IDE: open the URL and put the headers below in its headers panel',
      graphql: `${url}/graphql`,
      headers: { Authorization: `Bearer ${viewerKey}` },
      moreRights: 'npm run cli -- keys create --name NAME --role admin',
    });
    demo = new DemoTraffic(url, keys['demo-traffic'], config.demoIntervalMs);
    demo.start();
  }

  // The app first (HTTP server, websockets, the alert listener's LISTEN connection, jobs, the
  // database pool): only then may the embedded PostgreSQL stop, or in-flight transactions would
  // fail and the still-open connections would be cut ("connection lost") instead of closed.
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    logger.log({ msg: 'shutting down', signal });
    let code = 0;
    try {
      demo?.stop();
      await app.close();
      await embedded?.stop();
    } catch (error) {
      code = 1;
      logger.error({ msg: 'shutdown failed', error: (error as Error).message, stack: (error as Error).stack });
    }
    logger.log({
      msg: 'stopped',
      signal,
      exitCode: code,
      durationMs: Date.now() - started,
      embeddedPostgres: embedded ? (embedded.owned ? 'stopped' : 'left running (another instance started it)') : null,
    });
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', msg: 'startup failed', error: String(error), stack: (error as Error)?.stack })}\n`,
  );
  process.exit(1);
});

